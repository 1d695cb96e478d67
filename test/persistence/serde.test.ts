// Values beyond JSON round-trip exactly through every persister (snapshots and
// deltas), the tracker (full and compact) and the reader, and the rows on disk
// carry Burr's `__burr_serde__` tag.
import { strict as assert } from "node:assert";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import {
  ApplicationBuilder,
  InMemoryPersister,
  PostgreSQLPersister,
  SERDE_KEY,
  SQLitePersister,
  State,
  TrackingReader,
  action,
  registerSerde,
  stateAt,
  stateOfStep,
  type LifecycleHooks,
  type StateLoader,
  type StateSaver,
} from "burr-ts";
import { dropTables, pgUrl, requirePg, uniqueTable } from "./pgSupport.js";

class Point {
  constructor(
    readonly x: number,
    readonly y: number,
  ) {}
}
registerSerde({ key: "test.Point", type: Point, serialize: (p): [number, number] => [p.x, p.y], deserialize: ([x, y]: [number, number]) => new Point(x, y) });

// Each step appends an event with a Date, grows a Map and a Set, bumps a BigInt and moves a Point.
const tick = action({ reads: ["n", "seen", "index", "total", "where"], writes: ["n", "events", "seen", "index", "total", "where", "bytes"] }, (state) => {
  const n = state.get("n") as number;
  const index = new Map(state.get("index") as Map<string, Date>);
  index.set(`k${n}`, new Date(Date.UTC(2026, 0, 1, 0, 0, n)));
  const seen = new Set(state.get("seen") as Set<number>);
  seen.add(n % 3);
  const where = state.get("where") as Point;
  return state
    .update({ n: n + 1, index, seen, total: (state.get("total") as bigint) * 3n, where: new Point(where.x + 1, where.y - n), bytes: new Uint8Array([n, 255 - n]) })
    .append({ events: { at: new Date(Date.UTC(2026, 0, 1, n)), link: new URL(`https://example.org/e/${n}`), note: n % 2 ? null : `even ${n}` } });
});

const initial = () => ({ n: 0, events: [], seen: new Set<number>(), index: new Map<string, Date>(), total: 1n, where: new Point(0, 0), pattern: /burr/i });

function recorder(): { hook: LifecycleHooks; states: Map<number, Record<string, unknown>> } {
  const states = new Map<number, Record<string, unknown>>();
  return { states, hook: { postRunStep: ({ sequenceId, state }) => void states.set(sequenceId, state.getAll()) } };
}

async function runTicks(appId: string, steps: number, o: { persister?: StateSaver & StateLoader; tracker?: { project: string; storageDir: string; compact?: boolean } }) {
  const rec = recorder();
  let b = new ApplicationBuilder().withActions({ tick }).withTransitions(["tick", "tick"]).withIdentifiers({ appId }).withHooks(rec.hook);
  if (o.tracker) b = b.withTracker("local", o.tracker);
  let app;
  if (o.persister) {
    app = await b.withStatePersister(o.persister).initializeFrom(o.persister, { resumeAtNextAction: true, defaultState: initial(), defaultEntrypoint: "tick" }).build();
  } else app = b.withState(initial()).withEntrypoint("tick").build();
  for (let i = 0; i < steps; i++) await app.step();
  return rec.states;
}

async function expectLoads(persister: StateSaver & StateLoader, appId: string, states: Map<number, Record<string, unknown>>) {
  for (const [seq, expected] of states) {
    const loaded = await persister.load(null, appId, seq);
    assert.ok(loaded, `step ${seq} loads`);
    assert.deepEqual(loaded.state.getAll(), expected, `step ${seq}`);
    assert.ok(loaded.state.get("where") instanceof Point);
  }
  // A resumed app continues from the loaded values (not from their JSON shadows).
  const more = await runTicks(appId, 1, { persister });
  assert.equal((more.values().next().value!.total as bigint), 3n ** BigInt(states.size + 1));
}

describe("values beyond JSON through persisters, the tracker and the reader", function () {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), "burr-serde-"))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("InMemoryPersister keeps them as they are", async () => {
    const p = new InMemoryPersister();
    await expectLoads(p, "mem", await runTicks("mem", 6, { persister: p }));
  });

  it("SQLitePersister: snapshots and deltas store tagged JSON and load the exact values", async () => {
    const dbPath = join(dir, "s.db");
    for (const snapshots of [undefined, { minSnapshotBytes: 0, maxDeltaChain: 2 }]) {
      const p = new SQLitePersister({ dbPath, tableName: snapshots ? "chained" : "burr_state", snapshots });
      const states = await runTicks("sq", 8, { persister: p });
      await expectLoads(p, "sq", states);
      await p.close();
    }
    const db = new Database(dbPath, { readonly: true });
    const rows = db.prepare("SELECT kind, state FROM chained ORDER BY sequence_id").all() as Array<{ kind: string; state: string }>;
    db.close();
    assert.ok(rows.some((r) => r.kind === "delta") && rows.some((r) => r.kind === "full"));
    const delta = JSON.parse(rows.find((r) => r.kind === "delta")!.state) as { a: { events: Array<{ at: unknown }> }; s: Record<string, unknown> };
    assert.equal((delta.a.events[0].at as Record<string, unknown>)[SERDE_KEY], "Date");
    assert.deepEqual(Object.keys(delta.s.where as object), [SERDE_KEY, "value"]);
  });

  it("PostgreSQLPersister (JSONB) round-trips them", async function () {
    await requirePg(this);
    const table = uniqueTable("burr_serde");
    const p = PostgreSQLPersister.fromUrl(pgUrl, { tableName: table, snapshots: { minSnapshotBytes: 0, maxDeltaChain: 2 } });
    try {
      await expectLoads(p, "pg", await runTicks("pg", 7, { persister: p }));
    } finally {
      await p.close();
      await dropTables(table);
    }
  });

  for (const compact of [false, true]) {
    it(`the tracker (${compact ? "compact" : "full"}) writes tags; the reader's steps give the exact values back`, async () => {
      const states = await runTicks("tracked", 7, { tracker: { project: "serde", storageDir: dir, compact } });
      const log = readFileSync(join(dir, "serde", "tracked", "log.jsonl"), "utf8");
      assert.match(log, /"__burr_serde__":"Date"/);
      const run = await new TrackingReader(dir).readApp("serde", "tracked");
      for (const step of run.steps) assert.deepEqual(stateOfStep(step).getAll(), states.get(step.sequenceId));
      if (compact) {
        const lazy = await new TrackingReader(dir).readApp("serde", "tracked", { states: "delta" });
        assert.deepEqual(stateOfStep({ sequenceId: 4, state: stateAt(lazy.steps, 4) }).getAll(), states.get(4));
      }
    });
  }

  it("a state JSON-only apart from one Date shares its JSON parts when serialized", () => {
    const history = Array.from({ length: 50 }, (_, i) => ({ i }));
    const s = new State({ history, at: new Date(0) });
    assert.equal(s.serialize().history, s.get("history"));
  });
});

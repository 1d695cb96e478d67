import { strict as assert } from "node:assert";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { PersistenceError, SQLitePersister } from "burr-ts";
import { persisterContract, recorder } from "./contract.js";
import { buildChat, turn } from "./chatApp.js";

function tempDb(): { dir: string; dbPath: string } {
  const dir = mkdtempSync(join(tmpdir(), "burr-sqlite-"));
  return { dir, dbPath: join(dir, "state.db") };
}

persisterContract("SQLitePersister", () => {
  const { dir, dbPath } = tempDb();
  const open: SQLitePersister[] = [];
  const make = async () => {
    const p = new SQLitePersister({ dbPath });
    open.push(p);
    return p;
  };
  return {
    make,
    second: make,
    cleanup: async () => {
      for (const p of open) await p.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

persisterContract("SQLitePersister (snapshot every few steps)", () => {
  const { dir, dbPath } = tempDb();
  const open: SQLitePersister[] = [];
  const make = async () => {
    const p = new SQLitePersister({ dbPath, tableName: "small_snapshots", snapshots: { minSnapshotBytes: 0, maxDeltaChain: 3 } });
    open.push(p);
    return p;
  };
  return { make, second: make, cleanup: async () => { for (const p of open) await p.close(); rmSync(dir, { recursive: true, force: true }); } };
});

describe("SQLitePersister storage", function () {
  let dir: string;
  let dbPath: string;
  beforeEach(() => ({ dir, dbPath } = tempDb()));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("stores deltas with periodic full snapshots, so rows stay small as the conversation grows", async () => {
    const p = new SQLitePersister({ dbPath, snapshots: { minSnapshotBytes: 4096 } });
    const rec = recorder();
    const app = await buildChat({ appId: "long", persister: p, hooks: [rec.hook] });
    for (let i = 0; i < 200; i++) await turn(app, `question number ${i}`);
    const db = new Database(dbPath, { readonly: true });
    const rows = db.prepare("SELECT sequence_id, kind, length(state) AS bytes FROM burr_state ORDER BY sequence_id").all() as Array<{ sequence_id: number; kind: string; bytes: number }>;
    db.close();
    assert.equal(rows.length, 600);
    const full = rows.filter((r) => r.kind === "full");
    assert.equal(full[0].sequence_id, 0);
    assert.ok(full.length >= 2 && full.length <= 12, `${full.length} snapshots`);
    const deltas = rows.filter((r) => r.kind === "delta");
    assert.ok(Math.max(...deltas.map((r) => r.bytes)) < 300, "a delta holds only what its step wrote");
    // Any step, including ones right before and after a snapshot, loads whole.
    for (const seq of [0, 1, 299, 598, 599, ...full.flatMap((r) => [r.sequence_id - 1, r.sequence_id, r.sequence_id + 1])]) {
      if (seq < 0 || seq > 599) continue;
      assert.deepEqual((await p.load(null, "long", seq))!.state.serialize(), rec.states.get(seq), `step ${seq}`);
    }
    await p.close();
  });

  it("rejects table names that are not plain identifiers, saying what is allowed", () => {
    for (const bad of ["drop table x;--", "1abc", "a-b", "", "x".repeat(60)]) {
      assert.throws(() => new SQLitePersister({ dbPath, tableName: bad }), (e: unknown) => e instanceof PersistenceError && /letters, digits and "_"/.test((e as Error).message));
    }
    assert.throws(() => new SQLitePersister({ dbPath: "" }), /dbPath/);
  });

  it("refuses a table with Python Burr's schema instead of corrupting it", async () => {
    const db = new Database(dbPath);
    db.exec(`CREATE TABLE burr_state (partition_key TEXT DEFAULT '', app_id TEXT NOT NULL, sequence_id INTEGER NOT NULL, position TEXT NOT NULL, status TEXT NOT NULL, state TEXT NOT NULL, created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP, PRIMARY KEY (partition_key, app_id, sequence_id, position))`);
    db.close();
    const p = new SQLitePersister({ dbPath });
    await assert.rejects(p.initialize(), /another schema.*tableName/);
    const other = new SQLitePersister({ dbPath, tableName: "burr_ts_state" });
    await other.initialize();
    await other.close();
  });

  it("uses WAL so readers and writers in other processes do not block each other", async () => {
    const p = new SQLitePersister({ dbPath });
    await p.initialize();
    const db = new Database(dbPath, { readonly: true });
    assert.equal(db.pragma("journal_mode", { simple: true }), "wal");
    db.close();
    await p.close();
  });
});

describe("persisters load their drivers lazily", () => {
  it("importing burr-ts loads neither better-sqlite3 nor pg; constructing a SQLitePersister does not either", async () => {
    const { execFileSync } = await import("node:child_process");
    const script = `
      const burr = await import("burr-ts");
      const { createRequire } = await import("node:module");
      const loaded = () => Object.keys(createRequire(process.cwd() + "/x.js").cache).filter((k) => /better-sqlite3|node_modules\\/pg\\//.test(k)).length;
      const before = loaded();
      new burr.SQLitePersister({ dbPath: ":memory:" });
      burr.PostgreSQLPersister.fromUrl("postgresql://nobody@127.0.0.1:1/none");
      const constructed = loaded();
      await new burr.SQLitePersister({ dbPath: ":memory:" }).initialize();
      console.log(JSON.stringify({ before, constructed, used: loaded() }));`;
    const out = execFileSync(process.execPath, ["--input-type=module", "-e", script], { cwd: process.cwd(), encoding: "utf8" });
    const r = JSON.parse(out.trim()) as { before: number; constructed: number; used: number };
    assert.equal(r.before, 0);
    assert.equal(r.constructed, 0);
    assert.ok(r.used > 0, "better-sqlite3 is loaded once a SQLitePersister is used");
  });
});

describe("SQLitePersister follows an in-process rewind (the debugger's Step Back)", () => {
  it("app.rewind + rewindPersisters: the next steps are saved on a new branch and the old ones stay", async () => {
    const { dir, dbPath } = tempDb();
    try {
      const p = new SQLitePersister({ dbPath });
      const app = await buildChat({ appId: "debugged", persister: p });
      await turn(app, "first");
      await turn(app, "second");
      const back = (await p.load(null, "debugged", 2))!;
      app.rewind({ state: back.state, nextAction: "humanInput", nextSequenceId: 3 });
      await app.rewindPersisters(2);
      await turn(app, "second, again");
      assert.equal(app.sequenceId, 5);
      assert.equal((await p.load(null, "debugged", 3))!.state.get("prompt"), "second, again");
      assert.equal((await p.load(null, "debugged", 3, { branch: 0 }))!.state.get("prompt"), "second");
      assert.deepEqual((await p.listSteps(null, "debugged")).map((s) => s.branch), [0, 0, 0, 1, 1, 1]);
      await p.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

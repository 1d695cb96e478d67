// Values beyond JSON over HTTP: state, results and streamed items leave as the
// persisters store them (`__burr_serde__` tags), and tagged inputs come back as
// the values they stand for.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ApplicationBuilder, SQLitePersister, action, deserializeValue, serializeValue, streamingAction } from "burr-ts";
import { createHandler, type Handler } from "burr-ts/http";
import { get, post, sseEvents, type SseEvent } from "./support.js";

type Rich = { at: Date; tags: Map<string, number>; count: bigint };
type Json = Record<string, any>;

const stamp = action.withState<Rich>()(
  { reads: ["count"], writes: ["at", "tags", "count"], inputs: ["when"] },
  (state, { when }: { when: Date }) => {
    if (!(when instanceof Date)) throw new TypeError(`stamp: "when" should arrive as a Date, got ${typeof when}`);
    const count = state.get("count") + 1n;
    return [{ at: when, count }, state.update({ at: when, tags: new Map([["a", 1], ["b", 2]]), count })];
  },
);
const tick = streamingAction.withState<Rich>()({ reads: ["count"], writes: ["count"] }, async function* (state) {
  yield { big: state.get("count"), at: new Date(0) };
  const count = state.get("count") * 10n;
  return [{ count }, state.update({ count })];
});

const WHEN = new Date("2026-03-04T05:06:07.000Z");
const tagged = (v: unknown) => serializeValue(v) as Json;

describe("http: values beyond JSON", () => {
  let dir: string;
  let persister: SQLitePersister;
  let handler: Handler;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "burr-http-serde-"));
    persister = new SQLitePersister({ dbPath: join(dir, "apps.db") });
    handler = createHandler<Rich>({
      build: () =>
        new ApplicationBuilder<Rich>()
          .withActions({ stamp, tick })
          .withTransitions(["stamp", "tick"], ["tick", "stamp"])
          .withState({ at: new Date(0), tags: new Map(), count: 0n })
          .withEntrypoint("stamp"),
      persister,
      defaultHalts: { haltAfter: ["tick"] },
      logError: () => undefined,
    });
  });
  afterEach(async () => {
    await persister.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("runs over JSON with a tagged Date input and answers state and result tagged; GET and fork agree", async () => {
    const ran = await handler(post("/apps/r1/run", { inputs: { when: tagged(WHEN) } }));
    assert.equal(ran.status, 200, await ran.clone().text());
    const done = (await ran.json()) as Json;
    assert.equal(done.action, "tick");
    assert.deepEqual(done.state, { at: tagged(WHEN), tags: tagged(new Map([["a", 1], ["b", 2]])), count: tagged(10n) });
    assert.deepEqual(deserializeValue(done.result), { count: 10n });

    const described = (await (await handler(get("/apps/r1"))).json()) as Json;
    assert.deepEqual(described.state, done.state);
    assert.ok(deserializeValue(described.state.at) instanceof Date);

    const forked = await handler(post("/apps/r1/fork", { sequenceId: 0, appId: "r2" }));
    assert.equal(forked.status, 201, await forked.clone().text());
    const f = (await forked.json()) as Json;
    assert.deepEqual(f.state.count, tagged(1n));
    assert.deepEqual(f.state.at, tagged(WHEN));
  });

  it("streams chunk, step and done events with tagged values (a BigInt does not break the stream)", async () => {
    const response = await handler(post("/apps/s1/run", { inputs: { when: tagged(WHEN) } }, { accept: "text/event-stream" }));
    assert.equal(response.status, 200);
    const events: SseEvent[] = [];
    for await (const e of sseEvents(response.body!)) events.push(e);
    assert.deepEqual(events.map((e) => e.event), ["step", "chunk", "step", "done"]);
    const [first, chunk, second, done] = events.map((e) => e.data as Json);
    assert.deepEqual(deserializeValue(first.result), { at: WHEN, count: 1n });
    assert.deepEqual(deserializeValue(chunk.item), { big: 1n, at: new Date(0) });
    assert.deepEqual(second.result, { count: tagged(10n) });
    assert.deepEqual(done.state.count, tagged(10n));
  });

  it("sends plain items as they are and still refuses items no persister could store", async () => {
    type Plain = { n: number };
    const items = streamingAction.withState<Plain>()({ reads: ["n"], writes: ["n"] }, async function* (state) {
      yield { delta: "a", skipped: undefined, n: 1.5, ok: true, none: null };
      yield state.get("n") === 0 ? { fine: "yes" } : { [`__burr_serde__`]: "Date", value: 1 };
      return [{ n: state.get("n") + 1 }, state.update({ n: state.get("n") + 1 })];
    });
    const plain = createHandler<Plain>({
      build: () => new ApplicationBuilder<Plain>().withActions({ items }).withTransitions(["items", "items"]).withState({ n: 0 }).withEntrypoint("items"),
      persister,
      defaultHalts: { haltAfter: ["items"] },
      logError: () => undefined,
    });
    const turn = async () => {
      const events: SseEvent[] = [];
      for await (const e of sseEvents((await plain(post("/apps/p1/run", {}, { accept: "text/event-stream" }))).body!)) events.push(e);
      return events;
    };
    const ok = await turn();
    assert.deepEqual(ok.map((e) => e.event), ["chunk", "chunk", "step", "done"]);
    assert.deepEqual((ok[0]!.data as Json).item, { delta: "a", n: 1.5, ok: true, none: null });
    const refused = await turn();
    assert.deepEqual(refused.map((e) => e.event), ["chunk", "error"]);
    assert.equal((refused[1]!.data as Json).status, 400);
    assert.match((refused[1]!.data as Json).message, /__burr_serde__/);
  });

  it("refuses a malformed tag in the inputs with a 400 naming the input", async () => {
    const res = await handler(post("/apps/bad/run", { inputs: { when: { __burr_serde__: "Date", value: 42 } } }));
    assert.equal(res.status, 400, await res.clone().text());
    assert.match(((await res.json()) as Json).error.message, /when/);
  });
});

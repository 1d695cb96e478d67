// What trace() records for replay, and what replay does with damaged or hostile records.
import assert from "node:assert/strict";
import { appendFileSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { inspect } from "node:util";
import { join } from "node:path";
import { ApplicationBuilder, action, trace } from "burr-ts";
import { recordedCalls } from "../../runtime/src/tracking/recorded.js";
import { readTrackedRun, replayRun, rerunStep, ReplayInputError, type ReplayableBuilder } from "../../runtime/src/replay/index.js";
import { recordChatbot, trackingDir } from "./support.js";
import { chatbotBuilder } from "../../examples/chatbot/app.js";

class Cyclic {
  self = this;
}
let live = 0;
const nothing = trace(async function nothing(): Promise<undefined> {
  live++;
  return undefined;
});
const fails = trace(async function fails(): Promise<string> {
  live++;
  const e = new Error("rate limited");
  e.name = "RateLimitError";
  throw e;
});
const chunks = trace(async function* chunks(n: number) {
  live++;
  for (let i = 0; i < n; i++) yield { i };
});
const inner = trace(async function inner() {
  live++;
  return 1;
});
const outer = trace(async function outer() {
  live++;
  return (await inner()) + 1;
});
const opaque = trace(async function opaque() {
  live++;
  return new Cyclic();
});

const calls = action({ reads: [], writes: ["out"] }, async (state) => {
  const a = await nothing();
  let err = "";
  try {
    await fails();
  } catch (e) {
    err = `${(e as Error).name}: ${(e as Error).message}`;
  }
  const got: number[] = [];
  for await (const c of await chunks(3)) got.push(c.i);
  const o = await outer();
  return state.update({ out: { a: a === undefined ? "undefined" : a, err, got, o } });
});
const opaqueStep = action({ reads: [], writes: ["kind"] }, async (state) => state.update({ kind: (await opaque()).constructor.name }));

const builder = (withOpaque: boolean) =>
  new ApplicationBuilder()
    .withActions(withOpaque ? { calls, opaqueStep } : { calls })
    .withTransitions(...(withOpaque ? [["calls", "opaqueStep"] as [string, string]] : []))
    .withEntrypoint("calls");

describe("replay: recording traced calls, and damaged records", () => {
  let dir: string;
  beforeEach(() => {
    dir = trackingDir();
    live = 0;
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  async function record(withOpaque: boolean): Promise<string> {
    const app = builder(withOpaque).withIdentifiers({ appId: "rec" }).withTracker("local", { project: "p", storageDir: dir }).build();
    await app.run({ haltAfter: [withOpaque ? "opaqueStep" : "calls"] });
    return join(dir, "p", "rec");
  }

  it("records undefined, a thrown error, a stream's chunks and only the outermost of nested calls; replay gives them back without running them", async () => {
    const run = readTrackedRun(await record(false));
    const recorded = recordedCalls(run.steps[0]);
    assert.deepEqual(recorded.map((c) => [c.name, c.index, c.outcome]), [
      ["nothing", 0, { kind: "value", value: undefined }],
      ["fails", 0, { kind: "error", name: "RateLimitError", message: "rate limited" }],
      ["chunks", 0, { kind: "stream", chunks: [{ i: 0 }, { i: 1 }, { i: 2 }] }],
      ["outer", 0, { kind: "value", value: 2 }],
    ]);
    assert.equal(live, 5, "recording ran every call once");
    live = 0;
    const report = await replayRun(builder(false) as unknown as ReplayableBuilder, run);
    assert.equal(report.divergence, null, JSON.stringify(report.divergence));
    assert.equal(live, 0, "replay ran none of the traced functions");
  });

  it("a value JSON cannot hold is recorded as such, and replay says it cannot give it back", async () => {
    const run = readTrackedRun(await record(true));
    const report = await replayRun(builder(true) as unknown as ReplayableBuilder, run);
    const d = report.divergence!;
    assert.deepEqual([d.sequenceId, d.kind, d.key], [1, "call", "opaque"]);
    assert.match(d.message, /could not record \(<Cyclic: not JSON-serializable>\)/);
  });

  it("values beyond JSON come back as they were (serde): a traced call's Date, a Date in state", async () => {
    const when = trace(async function when() {
      live++;
      return { at: new Date("2026-12-07T04:00:00Z"), n: 10n };
    });
    const stamp = action({ reads: [], writes: ["at", "isDate"] }, async (state) => {
      const r = await when();
      return state.update({ at: r.at, isDate: r.at instanceof Date && r.n === 10n });
    });
    const make = () => new ApplicationBuilder().withActions({ stamp }).withTransitions().withEntrypoint("stamp");
    const app = make().withIdentifiers({ appId: "dates" }).withTracker("local", { project: "p", storageDir: dir }).build();
    await app.step();
    live = 0;
    const run = readTrackedRun(join(dir, "p", "dates"));
    const report = await replayRun(make() as unknown as ReplayableBuilder, run);
    assert.equal(report.divergence, null, JSON.stringify(report.divergence));
    assert.equal(live, 0);
    assert.equal((run.steps[0].state as { isDate?: boolean }).isDate, true, "recorded with a real Date");
  });

  it("a compact record's appended Dates compare in their stored form; a changed one is a write divergence", async () => {
    // The app is the built copy ("burr-ts"), replay the source's: two copies, as under `burr-ts replay`.
    const log = (at: string) =>
      action({ reads: [], writes: ["events"] }, (state) => state.append({ events: { at: new Date(at), n: 1n } }));
    const make = (at: string) => new ApplicationBuilder().withActions({ log: log(at) }).withTransitions(["log", "log"]).withState({ events: [] }).withEntrypoint("log");
    const app = make("2026-12-07T04:00:00Z").withIdentifiers({ appId: "events" }).withTracker("local", { project: "p", storageDir: dir, compact: true }).build();
    for (let i = 0; i < 3; i++) await app.step();
    const run = readTrackedRun(join(dir, "p", "events"));
    assert.ok(run.steps[2].stateDelta, "a compact record");
    const same = await replayRun(make("2026-12-07T04:00:00Z") as unknown as ReplayableBuilder, run);
    assert.equal(same.divergence, null, inspect(same.divergence, { depth: 5 }));
    const d = (await replayRun(make("2026-12-07T05:00:00Z") as unknown as ReplayableBuilder, run)).divergence!;
    assert.deepEqual([d.kind, d.key], ["write", "events"]);
    assert.match(JSON.stringify(d.current), /2026-12-07T05:00:00\.000Z/);
    // Re-run Step shows the new write in its stored form too.
    const again = await rerunStep(make("2026-12-07T05:00:00Z") as unknown as ReplayableBuilder, run, 2);
    assert.deepEqual(again.current.changes, { set: {}, appended: { events: [{ at: { __burr_serde__: "Date", value: "2026-12-07T05:00:00.000Z" }, n: { __burr_serde__: "BigInt", value: "1" } }] }, deleted: [] });
  });

  it("an app that never traces writes no span or attribute lines", async () => {
    const app = new ApplicationBuilder()
      .withActions({ plain: action({ reads: [], writes: ["x"] }, (s) => s.update({ x: 1 })) })
      .withTransitions()
      .withEntrypoint("plain")
      .withIdentifiers({ appId: "plain" })
      .withTracker("local", { project: "p", storageDir: dir })
      .build();
    await app.step();
    const types = readFileSync(join(dir, "p", "plain", "log.jsonl"), "utf8").trim().split("\n").map((l) => (JSON.parse(l) as { type: string }).type);
    assert.deepEqual(types, ["begin_entry", "end_entry"]);
  });

  it("damaged or hostile records are clear input errors, not divergences", async () => {
    const runDir = await recordChatbot(dir, "hostile");
    const log = join(runDir, "log.jsonl");
    const text = readFileSync(log, "utf8");
    const lines = text.trim().split("\n");
    const cases: [string, RegExp][] = [
      [[...lines.slice(0, 3), "{not json", ...lines.slice(3)].join("\n"), /is damaged, and replay needs all of it:\n.*log\.jsonl:4: not valid JSON/],
      [lines.filter((l) => !l.includes('"sequence_id":4')).join("\n"), /step 3 is followed by step 5; replay needs consecutive steps/],
      ["", /holds no steps to replay/],
      [lines.map((l) => l.replace('"key":"return"', '"key":"__burr_replay"')).join("\n"), /traced call model\.complete \(span 2:0\.0\): __burr_replay is not an object/],
      [lines.map((l) => l.replace('"key":"return","action_sequence_id":2,"span_id":"2:0.0","value":', '"key":"__burr_replay","action_sequence_id":2,"span_id":"2:0.0","value":{"kind":"eval","x":')).map((l) => (l.includes('"kind":"eval"') ? l.replace(/,"tags"/, '},"tags"') : l)).join("\n"), /has unknown kind "eval"/],
    ];
    for (const [content, message] of cases) {
      writeFileSync(log, content);
      await assert.rejects(
        async () => replayRun(chatbotBuilder() as unknown as ReplayableBuilder, readTrackedRun(runDir)),
        (e: unknown) => e instanceof ReplayInputError && message.test(e.message),
        String(message),
      );
    }
    // A state that tries to reach Object.prototype only has plain keys skipped; the rest still replays.
    writeFileSync(log, lines.map((l) => l.replace('"state":{', '"state":{"__proto__":{"polluted":true},')).join("\n") + "\n");
    const report = await replayRun(chatbotBuilder() as unknown as ReplayableBuilder, readTrackedRun(runDir));
    assert.equal(report.status, "match");
    assert.equal(({} as { polluted?: boolean }).polluted, undefined);
    // A torn last line (a run still being written) is a note, and the whole steps before it replay.
    writeFileSync(log, text);
    appendFileSync(log, '{"type":"begin_en');
    const torn = await replayRun(chatbotBuilder() as unknown as ReplayableBuilder, readTrackedRun(runDir));
    assert.equal(torn.status, "match");
    assert.match(torn.warnings.join("\n"), /truncated last line/);
  });
});

// LocalTrackingClient writes Burr's layout and records; TrackingReader reads them back.
import { strict as assert } from "node:assert";
import { appendFileSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { InMemoryPersister, LocalTrackingClient, TrackingReader } from "burr-ts";
import { buildChat, turn } from "../persistence/chatApp.js";
import { recorder } from "../persistence/contract.js";
import { buildTraced } from "./apps.js";

const fixture = (p: string) => join(__dirname, "fixtures/burr-python-runs", p);
const lines = (file: string) => readFileSync(file, "utf8").trim().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);

describe("LocalTrackingClient", function () {
  let storageDir: string;
  beforeEach(() => (storageDir = mkdtempSync(join(tmpdir(), "burr-track-"))));
  afterEach(() => rmSync(storageDir, { recursive: true, force: true }));

  it("writes graph.json, metadata.json and log.jsonl exactly as Python Burr lays them out (compact: false)", async () => {
    const app = await buildChat({ appId: "chat-1", partitionKey: "user-1", tracker: { project: "demo", storageDir, compact: false } });
    await turn(app, "Who was Aaron Burr?");
    const dir = join(storageDir, "demo", "chat-1");
    assert.deepEqual(readdirSync(dir).sort(), ["graph.json", "log.jsonl", "metadata.json"]);
    const graphText = readFileSync(join(dir, "graph.json"), "utf8");
    assert.match(graphText, /^\{"type": "application", "entrypoint": "humanInput", "actions": \[\{"type": "action", "name": "humanInput", "reads": \[\], "writes": \["prompt", "chatHistory"\], "code": "", "inputs": \[\], "optional_inputs": \["prompt"\]\}/);
    const graph = JSON.parse(graphText) as { transitions: unknown[] };
    assert.deepEqual(graph.transitions[1], { type: "transition", from_: "safetyCheck", to: "unsafeResponse", condition: "safe=false" });
    assert.equal(readFileSync(join(dir, "metadata.json"), "utf8"), '{"type": "application_metadata", "partition_key": "user-1", "parent_pointer": null, "spawning_parent_pointer": null}');
    const log = lines(join(dir, "log.jsonl"));
    const py = lines(fixture("seed-chatbot/chatbot-safe/log.jsonl"));
    assert.deepEqual(log.map((r) => r.type), ["begin_entry", "end_entry", "begin_entry", "end_entry", "begin_entry", "end_entry"]);
    // Same fields in the same order as Burr's records.
    assert.deepEqual(Object.keys(log[0]), Object.keys(py[0]));
    assert.deepEqual(Object.keys(log[1]), Object.keys(py[1]));
    assert.match(String(log[0].start_time), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}$/);
    assert.deepEqual(log[0].inputs, { prompt: "Who was Aaron Burr?" });
    assert.deepEqual(log[5].state, {
      chatHistory: [
        { role: "user", content: "Who was Aaron Burr?" },
        { role: "assistant", content: "Answer number 1: Aaron Burr was the third Vice President of the United States." },
      ],
      prompt: "Who was Aaron Burr?",
      safe: true,
      response: "Answer number 1: Aaron Burr was the third Vice President of the United States.",
      __SEQUENCE_ID: 2,
      __PRIOR_STEP: "aiResponse",
    });
  });

  it("records spans, attributes and streams like Burr's tracer, and the reader returns them", async () => {
    const app = await buildTraced("traced", { project: "t", storageDir });
    await app.step();
    const { container } = await app.streamResult({ haltAfter: ["answer"] });
    const items: unknown[] = [];
    for await (const item of container) items.push(item);
    await container.get();
    const log = lines(join(storageDir, "t", "traced", "log.jsonl"));
    const py = lines(fixture("tracing/traced/log.jsonl"));
    const spanLine = log.find((r) => r.type === "begin_span")!;
    assert.deepEqual(Object.keys(spanLine), Object.keys(py.find((r) => r.type === "begin_span")!));
    assert.deepEqual(
      log.filter((r) => r.type !== "begin_entry" && r.type !== "end_entry").map((r) => [r.type, r.span_id ?? null, r.key ?? null]),
      [
        ["begin_span", "0:0", null],
        ["attribute", "0:0", "n"],
        ["begin_span", "0:0.0", null],
        ["end_span", "0:0.0", null],
        ["end_span", "0:0", null],
        ["attribute", null, "tokens"],
        ["begin_stream", null, null],
        ["first_item_stream", null, null],
        ["end_stream", null, null],
      ],
    );
    assert.equal(log.find((r) => r.type === "end_stream")!.items_streamed, 3);
    assert.match(String(log.find((r) => r.type === "attribute")!.time_logged), /Z$/);
    const run = await new TrackingReader(storageDir).readApp("t", "traced");
    assert.deepEqual(run.steps[0].spans.map((s) => [s.spanId, s.parentSpanId, s.attributes]), [
      ["0:0", null, { n: 0 }],
      ["0:0.0", "0:0", {}],
    ]);
    assert.deepEqual(run.steps[0].attributes, { tokens: { prompt: 12 } });
    assert.equal(run.steps[1].stream!.itemsStreamed, 3);
    assert.equal(run.steps[1].result!.response, "you asked 1");
    assert.equal(run.graph!.actions.find((a) => a.name === "answer")!.streaming, true);
  });

  it("reads back what it wrote: every step's state, result and error; status failed after a failure", async () => {
    const rec = recorder();
    const app = await buildChat({ appId: "rt", tracker: { project: "p", storageDir }, hooks: [rec.hook] });
    for (let i = 0; i < 4; i++) await turn(app, i === 1 ? "say something unsafe" : `q${i}`);
    await assert.rejects(app.step({ inputs: { prompt: "explode" } }));
    const reader = new TrackingReader(storageDir);
    const [summary] = await reader.listApps("p");
    assert.deepEqual([summary.appId, summary.steps, summary.status], ["rt", 13, "failed"]);
    const run = await reader.readApp("p", "rt");
    assert.deepEqual(run.warnings, []);
    assert.equal(run.steps.length, 13);
    for (const s of run.steps.slice(0, 12)) {
      const { __SEQUENCE_ID, __PRIOR_STEP, ...state } = s.state!;
      assert.deepEqual(state, rec.states.get(s.sequenceId));
      assert.deepEqual([__SEQUENCE_ID, __PRIOR_STEP], [s.sequenceId, s.action]);
    }
    const failed = run.steps[12];
    assert.equal(failed.result, null);
    assert.match(failed.error!, /explode/);
    assert.equal(failed.state!.__PRIOR_STEP, "aiResponse");
    assert.equal((failed.state!.chatHistory as unknown[]).length, 8);
  });

  it("compact: writes deltas with periodic full states, flagged per line; the reader rebuilds the same states", async () => {
    const full = await buildChat({ appId: "same", tracker: { project: "full", storageDir, compact: false } });
    // Compact is the default form.
    const compact = await buildChat({ appId: "same", tracker: { project: "compact", storageDir } });
    for (let i = 0; i < 40; i++) {
      await turn(full, `question ${i} ${"words ".repeat(20)}`);
      await turn(compact, `question ${i} ${"words ".repeat(20)}`);
    }
    const log = lines(join(storageDir, "compact", "same", "log.jsonl")).filter((r) => r.type === "end_entry");
    const deltas = log.filter((r) => r.state === null);
    assert.ok(deltas.length > 100, `${deltas.length} delta lines`);
    assert.ok(log.length - deltas.length >= 2, "periodic full states");
    for (const d of deltas) assert.ok(d.state_delta);
    // A full state also says what its step wrote, before the state (replay compares that and leaves the state unparsed).
    for (const f of log.filter((r) => r.state !== null)) assert.deepEqual(Object.keys(f).slice(-3), ["state_delta", "state", "sequence_id"]);
    const reader = new TrackingReader(storageDir);
    const a = await reader.readApp("full", "same");
    const b = await reader.readApp("compact", "same");
    assert.equal(b.compact, true);
    assert.deepEqual(b.warnings, []);
    assert.deepEqual(b.steps.map((s) => s.state), a.steps.map((s) => s.state));
    const fullBytes = readFileSync(join(storageDir, "full", "same", "log.jsonl")).length;
    const compactBytes = readFileSync(join(storageDir, "compact", "same", "log.jsonl")).length;
    assert.ok(compactBytes * 3 < fullBytes, `compact ${compactBytes} vs full ${fullBytes}`);
    // Delta form: states stay deltas, stateAt rebuilds any one of them.
    const lazy = await reader.readApp("compact", "same", { states: "delta" });
    const { stateAt } = await import("burr-ts");
    assert.deepEqual(stateAt(lazy.steps, 77), a.steps[77].state);
    assert.deepEqual((await reader.listApps("compact")).map((x) => [x.steps, x.status]), [[120, "completed"]]);
  });

  it("forks write the parent pointer and a fork line in the parent's children.jsonl; a resumed app appends to its log", async () => {
    const persister = new InMemoryPersister();
    const tracker = { project: "forks", storageDir };
    const parent = await buildChat({ appId: "parent", partitionKey: "pk", persister, tracker });
    await turn(parent, "one");
    await turn(parent, "two");
    const child = await buildChat({ appId: "child", partitionKey: "pk", persister, tracker, fork: { appId: "parent", sequenceId: 2 } });
    await turn(child, "three");
    const reader = new TrackingReader(storageDir);
    const c = await reader.readApp("forks", "child");
    assert.deepEqual(c.parent, { appId: "parent", sequenceId: 2, partitionKey: "pk" });
    assert.deepEqual(c.steps.map((s) => s.sequenceId), [3, 4, 5]);
    const p = await reader.readApp("forks", "parent");
    assert.deepEqual(p.children.map((x) => [x.appId, x.partitionKey, x.sequenceId, x.eventType]), [["child", "pk", 2, "fork"]]);
    const line = readFileSync(join(storageDir, "forks", "parent", "children.jsonl"), "utf8");
    assert.deepEqual(Object.keys(JSON.parse(line) as object), ["type", "child", "event_time", "event_type", "sequence_id"]);

    const graphBefore = readFileSync(join(storageDir, "forks", "parent", "graph.json"), "utf8");
    const resumed = await buildChat({ appId: "parent", partitionKey: "pk", persister, tracker });
    await turn(resumed, "four");
    assert.equal(readFileSync(join(storageDir, "forks", "parent", "graph.json"), "utf8"), graphBefore);
    const again = await reader.readApp("forks", "parent");
    assert.deepEqual(again.steps.map((s) => s.sequenceId), [0, 1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it("a tracker that cannot write warns once with the path, and the app keeps running", async () => {
    const blocker = join(storageDir, "not-a-dir");
    writeFileSync(blocker, "a file where the tracking directory should be");
    const warnings: string[] = [];
    const original = console.warn;
    console.warn = (...args: unknown[]) => void warnings.push(args.map(String).join(" "));
    try {
      const app = await buildChat({ appId: "x", tracker: { project: "p", storageDir: blocker } });
      for (let i = 0; i < 3; i++) await turn(app, `still running ${i}`);
      assert.equal(app.sequenceId, 8);
    } finally {
      console.warn = original;
    }
    assert.equal(warnings.length, 1, warnings.join("\n"));
    assert.match(warnings[0], new RegExp(`cannot write ${blocker.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`));
    assert.match(warnings[0], /keeps running/);
  });

  it("a spawned child app writes spawning_parent_pointer and a spawn_start line in its parent's children.jsonl", async () => {
    const { State } = await import("burr-ts");
    const client = new LocalTrackingClient({ project: "spawn", storageDir });
    const graph = { entrypoint: "a", actions: [{ name: "a", reads: [], writes: [], inputs: [], optionalInputs: [], streaming: false }], transitions: [] };
    client.postApplicationCreate({ appId: "child-1", partitionKey: "pk", state: new State({}), graph, parent: null, spawningParent: { appId: "boss", partitionKey: "pk", sequenceId: 4 } });
    client.close();
    const meta = JSON.parse(readFileSync(join(storageDir, "spawn", "child-1", "metadata.json"), "utf8")) as Record<string, unknown>;
    assert.deepEqual(meta.spawning_parent_pointer, { type: "pointer_data", app_id: "boss", sequence_id: 4, partition_key: "pk" });
    assert.equal(meta.parent_pointer, null);
    const run = await new TrackingReader(storageDir).readApp("spawn", "boss");
    assert.deepEqual(run.children.map((c) => [c.appId, c.sequenceId, c.eventType]), [["child-1", 4, "spawn_start"]]);
    assert.ok(run.warnings.some((w) => /graph\.json: missing/.test(w)), "the parent never ran here, so it has no graph");
  });

  it("rejects a project name Burr's layout cannot hold", () => {
    assert.throws(() => new LocalTrackingClient({ project: "../escape", storageDir }), /invalid project name/);
  });

  it("skips truncated and corrupt lines with a warning and keeps everything else", async () => {
    const app = await buildChat({ appId: "c", tracker: { project: "p", storageDir } });
    await turn(app, "one");
    await turn(app, "two");
    const logPath = join(storageDir, "p", "c", "log.jsonl");
    const text = readFileSync(logPath, "utf8").split("\n");
    text.splice(3, 0, "{this is not json", '{"type":"mystery"}');
    writeFileSync(logPath, text.join("\n"));
    appendFileSync(logPath, '{"type":"begin_entry","start_time":"2026-11-24T14:0');
    writeFileSync(join(storageDir, "p", "c", "metadata.json"), "{ broken");
    const reader = new TrackingReader(storageDir);
    const run = await reader.readApp("p", "c");
    assert.equal(run.steps.length, 6);
    assert.equal(run.steps[5].result!.response, "Answer number 3: Aaron Burr was the third Vice President of the United States.");
    assert.equal(run.warnings.length, 4, run.warnings.join("\n"));
    assert.ok(run.warnings.some((w) => /log\.jsonl:4: not valid JSON/.test(w)));
    assert.ok(run.warnings.some((w) => /unknown record type "mystery"/.test(w)));
    assert.ok(run.warnings.some((w) => /truncated last line/.test(w)));
    assert.ok(run.warnings.some((w) => /metadata\.json: unreadable/.test(w)));
    const [summary] = await reader.listApps("p");
    assert.deepEqual([summary.steps, summary.status], [6, "completed"]);
  });
});

import { strict as assert } from "node:assert";
import { appendFileSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { TrackingDirStore } from "../../extension/src/runs/stores/trackingDirStore.js";
import { copyOfPythonRuns, pythonRuns, tempDir } from "./helpers.js";

describe("runs: tracking directory store (Python Burr fixtures)", () => {
  const store = new TrackingDirStore(pythonRuns);

  it("lists every project with its app count", async () => {
    const projects = await store.listProjects();
    const byName = Object.fromEntries(projects.map((p) => [p.name, p.appCount]));
    assert.deepEqual(byName, { errors: 1, forks: 2, "seed-chatbot": 1, streaming: 1, tracing: 1 });
  });

  it("summarises apps: steps, status, partition key", async () => {
    const [failed] = await store.listApps("errors");
    assert.equal(failed.appId, "counter-fails");
    assert.equal(failed.steps, 3);
    assert.equal(failed.status, "failed");
    const forks = await store.listApps("forks");
    const child = forks.find((a) => a.appId === "forked-child")!;
    assert.equal(child.partitionKey, "pk");
    assert.equal(child.status, "completed");
    const [chat] = await store.listApps("seed-chatbot");
    assert.equal(chat.steps, 9);
  });

  it("reads a run: graph, steps with state, inputs, result and timing", async () => {
    const run = await store.readApp("seed-chatbot", "chatbot-safe");
    assert.deepEqual(run.warnings, []);
    assert.equal(run.graph?.entrypoint, "human_input");
    assert.ok(run.graph?.transitions.some((t) => t.from === "safety_check" && t.to === "ai_response"));
    assert.equal(run.steps.length, 9);
    const first = run.steps[0];
    assert.equal(first.action, "human_input");
    assert.equal(typeof first.inputs.prompt, "string");
    assert.ok(first.startTime! <= first.endTime!);
    assert.ok(Array.isArray(run.steps[8].state!.chat_history));
  });

  it("reads a failed step's traceback and the pre-step state", async () => {
    const run = await store.readApp("errors", "counter-fails");
    const last = run.steps[2];
    assert.match(last.error!, /ValueError: count too high: 2/);
    assert.equal(last.result, null);
    assert.equal(last.state!.count, 2);
  });

  it("reads streaming figures, spans and attributes", async () => {
    const stream = (await store.readApp("streaming", "streaming")).steps[1];
    assert.ok(stream.stream);
    assert.ok(stream.stream.itemsStreamed! > 0);
    assert.ok(stream.stream.firstItemTime! >= stream.stream.initTime!);
    const traced = await store.readApp("tracing", "traced");
    const spans = traced.steps.flatMap((s) => s.spans);
    assert.ok(spans.length >= 6);
    assert.ok(spans.some((s) => s.parentSpanId !== null));
    assert.ok(spans.every((s) => s.endTime !== null && s.startTime !== null));
    const attrs = traced.steps.flatMap((s) => [...Object.keys(s.attributes), ...s.spans.flatMap((sp) => Object.keys(sp.attributes))]);
    assert.equal(attrs.length, 3);
  });

  it("reads fork pointers both ways", async () => {
    const parent = await store.readApp("forks", "parent-app");
    assert.deepEqual(parent.children.map((c) => [c.appId, c.sequenceId, c.eventType]), [["forked-child", 0, "fork"]]);
    const child = await store.readApp("forks", "forked-child");
    assert.deepEqual(child.parent, { appId: "parent-app", sequenceId: 0, partitionKey: "pk" });
  });
});

describe("runs: bad input loses nothing else", () => {
  let t: { dir: string; dispose: () => void };
  beforeEach(() => (t = copyOfPythonRuns()));
  afterEach(() => t.dispose());

  it("a truncated last line and a corrupt middle line are warnings; other steps stay", async () => {
    const log = join(t.dir, "seed-chatbot/chatbot-safe/log.jsonl");
    appendFileSync(log, '{"type":"begin_entry","start_time":"2026-11-24T14:0');
    const store = new TrackingDirStore(t.dir);
    const run = await store.readApp("seed-chatbot", "chatbot-safe");
    assert.equal(run.steps.length, 9);
    assert.equal(run.warnings.length, 1);
    assert.match(run.warnings[0], /truncated last line/);
    const [summary] = await store.listApps("seed-chatbot");
    assert.equal(summary.steps, 9);

    const errLog = join(t.dir, "errors/counter-fails/log.jsonl");
    const lines = (await import("node:fs")).readFileSync(errLog, "utf8").split("\n");
    lines.splice(1, 0, "{not json");
    writeFileSync(errLog, lines.join("\n"));
    const errRun = await store.readApp("errors", "counter-fails");
    assert.equal(errRun.steps.length, 3);
    assert.match(errRun.warnings[0], /log.jsonl:2: not valid JSON/);
  });

  it("a missing graph.json is a warning; the steps are still there", async () => {
    rmSync(join(t.dir, "streaming/streaming/graph.json"));
    const run = await new TrackingDirStore(t.dir).readApp("streaming", "streaming");
    assert.equal(run.graph, null);
    assert.match(run.warnings.join("\n"), /graph.json: missing; the run is shown without its graph/);
    assert.equal(run.steps.length, 4);
  });

  it("an unreadable project or app is an error on that item only", async () => {
    // Running as root defeats chmod, so unreadable = a dangling link where a directory should be.
    symlinkSync(join(t.dir, "nowhere"), join(t.dir, "broken-project"));
    mkdirSync(join(t.dir, "tracing/bad-app"));
    symlinkSync(join(t.dir, "nowhere"), join(t.dir, "tracing/bad-app/log.jsonl"));
    const store = new TrackingDirStore(t.dir);
    const projects = await store.listProjects();
    assert.equal(projects.length, 5, "a dangling link is not listed as a project");
    const apps = await store.listApps("tracing");
    assert.equal(apps.length, 2);
    const bad = apps.find((a) => a.appId === "bad-app")!;
    assert.match(bad.warnings!.join(), /log.jsonl is missing/);
    await assert.rejects(store.listApps("no-such-project"), /No runs yet: .* does not exist/);
  });

  it("a tracking directory that is a file explains itself", async () => {
    const { dir, dispose } = tempDir("file");
    try {
      writeFileSync(join(dir, "file"), "x");
      await assert.rejects(new TrackingDirStore(join(dir, "file")).listProjects(), /cannot be read \(ENOTDIR\)/);
    } finally {
      dispose();
    }
  });

  it("delete removes only a tracked run", async () => {
    const store = new TrackingDirStore(t.dir);
    await store.deleteApp("forks", "forked-child");
    assert.deepEqual((await store.listApps("forks")).map((a) => a.appId), ["parent-app"]);
    mkdirSync(join(t.dir, "forks/not-a-run"));
    await assert.rejects(store.deleteApp("forks", "not-a-run"), /does not look like a tracked run/);
    assert.throws(() => store.appDirectory("forks", "../errors"), /single directory name/);
  });

  it("a run being written shows as running, then completed, and the cache follows", async () => {
    const store = new TrackingDirStore(t.dir);
    const log = join(t.dir, "errors/counter-fails/log.jsonl");
    appendFileSync(log, '{"type":"begin_entry","start_time":"2026-11-24T14:03:32","action":"counter","inputs":{},"sequence_id":3}\n');
    let [app] = await store.listApps("errors");
    assert.equal(app.status, "running");
    assert.equal(app.steps, 4);
    appendFileSync(log, '{"type":"end_entry","end_time":"2026-11-24T14:03:33","action":"counter","result":{"count":3},"exception":null,"state":{"count":3},"sequence_id":3}\n');
    [app] = await store.listApps("errors");
    assert.equal(app.status, "completed");
  });
});

import { join } from "node:path";
// TrackingReader on real runs written by Python Burr 0.40.2 (copied from the shared fixtures).
import { strict as assert } from "node:assert";
import { TrackingReader } from "burr-ts";

const pythonRuns = join(__dirname, "fixtures/burr-python-runs");

describe("TrackingReader on Python Burr runs", () => {
  const reader = new TrackingReader(pythonRuns);

  it("lists the five projects with their app counts", async () => {
    const projects = await reader.listProjects();
    assert.deepEqual(projects.map((p) => [p.name, p.appCount]).sort(), [
      ["errors", 1],
      ["forks", 2],
      ["seed-chatbot", 1],
      ["streaming", 1],
      ["tracing", 1],
    ]);
    for (const p of projects) assert.ok(p.lastWritten > 0);
  });

  it("seed-chatbot: apps, steps, status, graph with Burr's swapped input lists undone, and every state", async () => {
    const [app] = await reader.listApps("seed-chatbot");
    assert.deepEqual({ ...app, lastWritten: 0 }, { appId: "chatbot-safe", partitionKey: "user-1", steps: 9, status: "completed", lastWritten: 0 });
    const run = await reader.readApp("seed-chatbot", "chatbot-safe");
    assert.deepEqual(run.warnings, []);
    assert.equal(run.partitionKey, "user-1");
    assert.equal(run.parent, null);
    assert.equal(run.compact, false);
    assert.equal(run.graph!.entrypoint, "human_input");
    const human = run.graph!.actions.find((a) => a.name === "human_input")!;
    assert.deepEqual([human.inputs, human.optionalInputs, human.writes], [["prompt"], [], ["prompt", "chat_history"]]);
    assert.deepEqual(run.graph!.transitions[1], { from: "safety_check", to: "unsafe_response", condition: "safe=False" });
    assert.deepEqual(run.steps.map((s) => s.action), ["human_input", "safety_check", "ai_response", "human_input", "safety_check", "unsafe_response", "human_input", "safety_check", "ai_response"]);
    assert.deepEqual(run.steps[0].inputs, { prompt: "Who was Aaron Burr?" });
    assert.deepEqual(run.steps[4].result, { safe: false });
    assert.equal(run.steps[5].result!.response, "I'm sorry, my overlords have forbidden me to respond.");
    const last = run.steps[8];
    assert.equal(last.sequenceId, 8);
    assert.equal((last.state!.chat_history as unknown[]).length, 6);
    assert.equal(last.state!.__PRIOR_STEP, "ai_response");
    assert.equal(last.state!.response, "Aaron Burr was the third Vice President of the United States. (5)");
    assert.equal(last.error, null);
    assert.equal(run.steps[0].startTime, Date.parse("2026-11-24T14:03:31.864504"));
    assert.equal(run.steps[0].endTime, Date.parse("2026-11-24T14:03:31.864615"));
  });

  it("errors: the failed step keeps its traceback and the state before it; the app is failed", async () => {
    const [app] = await reader.listApps("errors");
    assert.deepEqual([app.appId, app.steps, app.status, app.partitionKey], ["counter-fails", 3, "failed", null]);
    const run = await reader.readApp("errors", "counter-fails");
    assert.equal(run.steps.length, 3);
    const failed = run.steps[2];
    assert.equal(failed.result, null);
    assert.match(failed.error!, /^Traceback \(most recent call last\)/);
    assert.match(failed.error!, /ValueError: count too high: 2\n$/);
    assert.deepEqual(failed.state, { count: 2, __SEQUENCE_ID: 2, __PRIOR_STEP: "counter" });
    assert.deepEqual(run.steps[1].result, { count: 2 });
  });

  it("streaming: stream records attach to their steps, with item counts", async () => {
    const run = await reader.readApp("streaming", "streaming");
    assert.deepEqual(run.steps.map((s) => [s.sequenceId, s.action, s.stream?.itemsStreamed ?? null]), [
      [0, "ask", null],
      [1, "stream_answer", 4],
      [2, "ask", null],
      [3, "stream_answer", 7],
    ]);
    const s1 = run.steps[1].stream!;
    assert.equal(s1.initTime, Date.parse("2026-11-24T14:03:31.868189Z"));
    assert.equal(s1.firstItemTime, Date.parse("2026-11-24T14:03:31.868226Z"));
    assert.equal(s1.endTime, Date.parse("2026-11-24T14:03:31.868283Z"));
    assert.equal(run.steps[3].result!.response, "You asked: what is a state machine");
    assert.equal(run.graph!.actions.find((a) => a.name === "stream_answer")!.streaming, true);
    assert.equal(run.graph!.actions.find((a) => a.name === "ask")!.streaming, false);
  });

  it("tracing: nested spans with their parents and span attributes", async () => {
    const run = await reader.readApp("tracing", "traced");
    assert.equal(run.steps.length, 3);
    const spans = run.steps[2].spans;
    assert.deepEqual(spans.map((s) => [s.spanId, s.name, s.parentSpanId, s.attributes]), [
      ["2:0", "compute", null, { n: 2 }],
      ["2:0.0", "inner", "2:0", {}],
    ]);
    assert.equal(spans[1].startTime, Date.parse("2026-11-24T14:03:31.869442"));
    assert.equal(spans[1].endTime, Date.parse("2026-11-24T14:03:31.869450"));
    assert.deepEqual(run.steps[2].state, { n: 3, squares: [0, 1, 4], __SEQUENCE_ID: 2, __PRIOR_STEP: "work" });
    // Burr lists the injected __tracer as an input; it is not one.
    assert.deepEqual(run.graph!.actions[0].inputs, []);
  });

  it("forks: the parent lists its child, the child points at the parent step it came from", async () => {
    const parent = await reader.readApp("forks", "parent-app");
    assert.deepEqual(parent.children, [
      { appId: "forked-child", partitionKey: null, sequenceId: 0, eventType: "fork", eventTime: Date.parse("2026-11-24T14:03:31.880608") },
    ]);
    const child = await reader.readApp("forks", "forked-child");
    assert.deepEqual(child.parent, { appId: "parent-app", sequenceId: 0, partitionKey: "pk" });
    assert.deepEqual(child.steps.map((s) => [s.sequenceId, s.state]), [[1, { count: 2, __SEQUENCE_ID: 1, __PRIOR_STEP: "counter" }]]);
    const apps = await reader.listApps("forks");
    assert.deepEqual(apps.map((a) => [a.appId, a.steps, a.partitionKey]).sort(), [
      ["forked-child", 2, "pk"],
      ["parent-app", 2, "pk"],
    ]);
  });
});

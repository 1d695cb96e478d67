// Replay of the example chatbot's tracked runs with the current code: the
// unchanged code matches without calling the model; a changed prompt,
// condition or write diverges at the right step with the right report.
import assert from "node:assert/strict";
import { rmSync } from "node:fs";
import { ApplicationBuilder, action, trace, when, type ApplicationBuilder as Builder } from "burr-ts";
import { aiResponseWith, chatbotBuilder, humanInput, safetyCheck, unsafeResponse, type ChatState } from "../../examples/chatbot/app.js";
import { OfflineModel, type ChatModel, type Message } from "../../examples/chatbot/model.js";
import { streamingChatbotBuilder } from "../../examples/chatbot/streaming.js";
import { readTrackedRun, replayRun, formatReport, type ReplayableBuilder } from "../../runtime/src/replay/index.js";
import { firstWriteDifference } from "../../runtime/src/replay/compare.js";
import { recordChatbot, recordStreamingChatbot, trackingDir } from "./support.js";

/** A model that fails the test if replay asks it anything. */
class NoCallsModel implements ChatModel {
  readonly name = "no-calls";
  complete(): Promise<string> {
    throw new Error("replay called the model");
  }
  stream(): AsyncIterable<string> {
    throw new Error("replay called the model");
  }
}

const chatAction = action.withState<ChatState>();

/** The chatbot's graph with some parts replaced, as an edit to app.ts would. */
function variant(parts: { aiResponse?: ReturnType<typeof aiResponseWith>; safetyCheck?: typeof safetyCheck; humanInput?: typeof humanInput; safeWhen?: boolean }): Builder<ChatState> {
  const safe = parts.safeWhen ?? true;
  return new ApplicationBuilder<ChatState>()
    .withActions({
      humanInput: parts.humanInput ?? humanInput,
      safetyCheck: parts.safetyCheck ?? safetyCheck,
      aiResponse: parts.aiResponse ?? aiResponseWith(new NoCallsModel()),
      unsafeResponse,
    })
    .withTransitions(
      ["humanInput", "safetyCheck"],
      ["safetyCheck", "unsafeResponse", when({ safe: !safe })],
      ["safetyCheck", "aiResponse", when({ safe })],
      [["unsafeResponse", "aiResponse"], "humanInput"],
    )
    .withState({ chatHistory: [] })
    .withEntrypoint("humanInput");
}

const asReplayable = (b: unknown): ReplayableBuilder => b as ReplayableBuilder;

describe("replay: the example chatbot's tracked runs", () => {
  let dir: string;
  beforeEach(() => {
    dir = trackingDir();
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  for (const compact of [false, true]) {
    it(`unchanged code matches every step without calling the model (${compact ? "compact" : "full"} form)`, async () => {
      const run = readTrackedRun(await recordChatbot(dir, `same-${compact}`, { compact }));
      const report = await replayRun(asReplayable(chatbotBuilder({ model: new NoCallsModel() })), run);
      assert.equal(report.divergence, null, formatReport(report));
      assert.equal(report.status, "match");
      assert.equal(report.stepsReplayed, 9);
      assert.equal(report.stepsRecorded, 9);
      assert.deepEqual(report.live, [], "the model call went through trace(); nothing else ran live");
    });
  }

  it("a changed prompt diverges at the model call of step 2 with both arguments", async () => {
    const run = readTrackedRun(await recordChatbot(dir, "prompt"));
    const complete = trace((messages: readonly Message[]) => new NoCallsModel().complete(), { name: "model.complete" });
    const prompted = chatAction({ reads: ["chatHistory"], writes: ["response", "chatHistory"] }, async (state) => {
      const content = await complete([{ role: "system", content: "Answer in French." }, ...state.get("chatHistory")]);
      return [{ response: content }, state.update({ response: content }).append({ chatHistory: { role: "assistant", content } })];
    });
    const report = await replayRun(asReplayable(variant({ aiResponse: prompted })), run);
    const d = report.divergence!;
    assert.equal(report.status, "diverged");
    assert.deepEqual([d.sequenceId, d.action, d.kind, d.key], [2, "aiResponse", "call", "model.complete"]);
    assert.deepEqual([d.recorded, d.current], ["user", "system"]);
    assert.match(formatReport(report), /DIVERGED at step 2 \(aiResponse\)[\s\S]*other arguments than recorded \(at args\[0\]\[0\]\.role\)/);
  });

  it("a changed condition diverges where the path changes and names the transition taken", async () => {
    const run = readTrackedRun(await recordChatbot(dir, "condition"));
    const report = await replayRun(asReplayable(variant({ safeWhen: false })), run);
    const d = report.divergence!;
    assert.deepEqual([d.sequenceId, d.kind, d.recorded, d.current], [2, "action", "aiResponse", "unsafeResponse"]);
    assert.deepEqual(d.transition, { from: "safetyCheck", to: "unsafeResponse", condition: "safe=true" });
    assert.equal(report.stepsReplayed, 2);
    assert.match(formatReport(report), /transition taken instead: safetyCheck -> unsafeResponse \[safe=true\]/);
  });

  it("a changed safety check diverges at the third turn's check, on the key it writes", async () => {
    const run = readTrackedRun(await recordChatbot(dir, "safety"));
    const stricter = chatAction({ reads: ["prompt"], writes: ["safe"] }, (state) => {
      const safe = !/unsafe|duel/.test(state.get("prompt"));
      return [{ safe }, state.update({ safe })];
    });
    const d = (await replayRun(asReplayable(variant({ safetyCheck: stricter })), run)).divergence!;
    assert.deepEqual([d.sequenceId, d.action, d.kind, d.key, d.recorded, d.current], [7, "safetyCheck", "result", "result.safe", true, false]);
  });

  it("a changed write diverges on the key, with the result unchanged", async () => {
    const run = readTrackedRun(await recordChatbot(dir, "write"));
    const counting = chatAction({ reads: [], writes: ["prompt", "chatHistory", "response"], inputs: ["prompt"] }, (state, { prompt }: { prompt: string }) => {
      return [{ prompt }, state.update({ prompt, response: "" }).append({ chatHistory: { role: "user", content: prompt } })];
    });
    const d = (await replayRun(asReplayable(variant({ humanInput: counting })), run)).divergence!;
    assert.deepEqual([d.sequenceId, d.action, d.kind, d.key, d.recorded, d.current], [0, "humanInput", "write", "response", "(not written)", ""]);
  });

  it("--until stops after the given step", async () => {
    const run = readTrackedRun(await recordChatbot(dir, "until"));
    const report = await replayRun(asReplayable(variant({ safeWhen: false })), run, { until: 1 });
    assert.deepEqual([report.status, report.stepsReplayed], ["match", 2]);
  });

  it("a run recorded with a streaming model replays its chunks", async () => {
    const run = readTrackedRun(await recordStreamingChatbot(dir, "stream"));
    const call = run.steps[2].spans.find((s) => s.name === "model.stream")!;
    const marker = call.attributes.__burr_replay as { kind: string; chunks: string[] };
    assert.equal(marker.kind, "stream");
    assert.ok(marker.chunks.length > 5);
    assert.equal(marker.chunks.join(""), run.steps[2].result!.response);
    const report = await replayRun(asReplayable(streamingChatbotBuilder({ model: new NoCallsModel() })), run);
    assert.equal(report.divergence, null, formatReport(report));
    assert.equal(report.stepsReplayed, 9);
  });

  it("a direct model call (no trace) runs live and is reported", async () => {
    const run = readTrackedRun(await recordChatbot(dir, "live"));
    const direct = chatAction({ reads: ["chatHistory"], writes: ["response", "chatHistory"] }, async (state, _i, { tracer }) => {
      const content = await tracer.span("model", () => new OfflineModel().complete(state.get("chatHistory")));
      return [{ response: content }, state.update({ response: content }).append({ chatHistory: { role: "assistant", content } })];
    });
    const report = await replayRun(asReplayable(variant({ aiResponse: direct })), run);
    const d = report.divergence!;
    assert.deepEqual([d.sequenceId, d.kind, d.key], [2, "call", "model.complete"], "the recorded traced call was not made");
    assert.deepEqual(report.live, [{ sequenceId: 2, action: "aiResponse", what: 'code inside tracer.span("model") (no traced call in it)' }]);
  });
});

describe("replay: comparing a step with a full-state checkpoint of a compact record", () => {
  const msg = (content: string) => ({ role: "assistant", content });
  const recordedAfter = { chatHistory: [msg("a"), msg("b"), msg("c")] };
  // A checkpoint's changes are known only as "everything set"; the app appended one item.
  const recorded = { set: { ...recordedAfter }, appended: {}, deleted: [] };

  it("compares only what the step appended, and finds a different appended item", () => {
    const same = { set: {}, appended: { chatHistory: [msg("c")] }, deleted: [] };
    assert.equal(firstWriteDifference(recorded, same, recordedAfter, () => [msg("a"), msg("b"), msg("c")]), null);
    const other = { set: {}, appended: { chatHistory: [msg("C")] }, deleted: [] };
    const d = firstWriteDifference(recorded, other, recordedAfter, () => [msg("a"), msg("b"), msg("C")]);
    assert.equal(d?.path, "chatHistory");
  });

  it("a different length is compared whole", () => {
    const two = { set: {}, appended: { chatHistory: [msg("b"), msg("c")] }, deleted: [] };
    const d = firstWriteDifference(recorded, two, recordedAfter, () => [msg("a"), msg("b"), msg("c"), msg("c")]);
    assert.equal(d?.path, "chatHistory");
  });
});

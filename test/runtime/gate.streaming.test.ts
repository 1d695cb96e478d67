// The debugger gate and streamResult: a stream that throws mid-way is offered
// to the gate like any failed step; "retry" re-runs it into the same container.
import assert from "node:assert/strict";
import { ActionError, ApplicationBuilder, InMemoryPersister, State, action, streamingAction, type AfterStepInfo, type GateTarget, type PartialResult, type StepGate } from "burr-ts";
import { recordingHooks } from "./fixtures.js";

const prompt = action({ reads: ["n"], writes: ["n"] }, (s) => s.update({ n: (s.get("n") as number) + 1 }));

// Yields one word, then throws while state key "explode" is set.
const talk = streamingAction({ reads: ["n", "explode"], writes: ["said"] }, async function* (s) {
  yield { word: `first@${s.get("n")}` };
  if (s.get("explode")) throw new Error("connection reset");
  yield { word: "second" };
  return [{ said: s.get("n") }, s.update({ said: s.get("n") })];
});

function streamer(onFailure: (target: GateTarget, info: AfterStepInfo) => "continue" | "retry" | Promise<"continue" | "retry">) {
  const recorded = recordingHooks();
  const persister = new InMemoryPersister();
  const afters: AfterStepInfo[] = [];
  const befores: string[] = [];
  const gate: StepGate = {
    async beforeStep(_t, info) {
      befores.push(`${info.action}@${info.sequenceId}`);
    },
    async afterStep(target, info) {
      afters.push(info);
      return info.exception ? onFailure(target, info) : "continue";
    },
  };
  const app = new ApplicationBuilder()
    .withActions({ prompt, talk })
    .withTransitions(["prompt", "talk"], ["talk", "prompt"])
    .withState({ n: 0, explode: true })
    .withEntrypoint("prompt")
    .withIdentifiers({ appId: "streamer" })
    .withHooks(recorded.hooks)
    .withStatePersister(persister)
    .withDebugGate(gate)
    .build();
  return { app, calls: recorded.calls, persister, afters, befores };
}

async function consume(items: AsyncIterable<PartialResult>): Promise<{ words: string[]; error: unknown }> {
  const words: string[] = [];
  try {
    for await (const item of items) words.push(String(item.word));
  } catch (error) {
    return { words, error };
  }
  return { words, error: null };
}

describe("runtime: debugger gate and a failing stream", () => {
  it("the gate hears of the failure with the state before the step; \"continue\" delivers the error to the consumer", async () => {
    const { app, afters } = streamer(() => "continue");
    const { container } = await app.streamResult({ haltAfter: ["talk"] });
    const seen = await consume(container);
    assert.deepEqual(seen.words, ["first@1"]);
    assert.ok(seen.error instanceof ActionError && /connection reset/.test(seen.error.message));
    await assert.rejects(container.get(), ActionError);
    const failed = afters.find((a) => a.exception)!;
    assert.equal(failed.action, "talk");
    assert.equal(failed.sequenceId, 1);
    assert.equal(failed.state.get("n"), 1);
    assert.equal(failed.exception, seen.error, "the gate sees the very error the program gets");
    assert.equal(app.state.has("said"), false, "the state stays as it was before the step");
  });

  it("\"retry\" after an edit re-runs the stream into the same container; hooks and persister record the failed step, then the retry", async () => {
    const { app, calls, persister, afters, befores } = streamer((target) => {
      target.replaceState(target.state.update({ explode: false }));
      return "retry";
    });
    const { action: name, container } = await app.streamResult({ haltAfter: ["talk"] });
    const seen = await consume(container);
    assert.equal(name, "talk");
    assert.equal(seen.error, null);
    assert.deepEqual(seen.words, ["first@1", "first@1", "second"], "the failed attempt's item was already delivered; the retry's follow");
    const { result, state } = await container.get();
    assert.deepEqual(result, { said: 1 });
    assert.equal(state.get("said"), 1);
    assert.equal(app.state, state);
    // The failed attempt used sequence id 1 (as Burr records it); the retry ran as 2.
    assert.equal(app.sequenceId, 2);
    assert.deepEqual(
      afters.map((a) => `${a.action}@${a.sequenceId}${a.exception ? " failed" : ""}`),
      ["prompt@0", "talk@1 failed", "talk@2"],
    );
    assert.deepEqual(befores, ["prompt@0", "talk@1", "talk@2"]);
    assert.deepEqual(calls.slice(calls.indexOf("preRunStep talk 1")), [
      "preRunStep talk 1",
      "preStartStream talk",
      "postStreamItem talk 0",
      "postRunStep talk 1 failed",
      "postEndStream talk",
      "preRunStep talk 2",
      "preStartStream talk",
      "postStreamItem talk 0",
      "postStreamItem talk 1",
      "postRunStep talk 2",
      "postApplicationExecuteCall streamResult",
      "postEndStream talk",
    ]);
    const steps = await persister.listSteps(null, "streamer");
    assert.deepEqual(
      steps.map((s) => `${s.sequenceId}:${s.position}:${s.status}`),
      ["0:prompt:completed", "1:talk:failed", "2:talk:completed"],
    );
  });

  it("\"retry\" after a rewind runs again from the rewound step, then streams", async () => {
    let rewound = false;
    const { app, afters, befores, persister } = streamer(async (target) => {
      if (rewound) return "continue";
      rewound = true;
      await target.rewindPersisters?.(-1); // as the debugger does: persisters follow the rewind
      target.rewind({ state: new State({ n: 10, explode: false }), nextAction: "prompt", nextSequenceId: 0 });
      return "retry";
    });
    const { container } = await app.streamResult({ haltAfter: ["talk"] });
    const seen = await consume(container);
    assert.deepEqual(seen.words, ["first@1", "first@11", "second"]);
    assert.equal((await container.get()).state.get("said"), 11);
    assert.deepEqual(befores, ["prompt@0", "talk@1", "prompt@0", "talk@1"]);
    assert.deepEqual(afters.map((a) => `${a.action}@${a.sequenceId}${a.exception ? " failed" : ""}`), ["prompt@0", "talk@1 failed", "prompt@0", "talk@1"]);
    assert.equal((await persister.listBranches(null, "streamer")).length, 2, "the failed line is kept as a branch");
  });
});

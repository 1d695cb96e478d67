import assert from "node:assert/strict";
import { ActionError, ApplicationBuilder, State, StreamingAction, action, streamingAction, type PartialResult } from "burr-ts";
import { recordingHooks } from "./fixtures.js";

const prompt = action({ writes: ["prompt"], inputs: ["prompt"] }, (s, { prompt }: { prompt: string }) => [{ prompt }, s.update({ prompt })]);

const shout = streamingAction({ reads: ["prompt"], writes: ["response"] }, async function* (state) {
  const words = String(state.get("prompt")).split(" ");
  const out: string[] = [];
  for (const w of words) {
    await new Promise((r) => setImmediate(r));
    out.push(w.toUpperCase());
    yield { delta: w.toUpperCase() };
  }
  const response = out.join(" ");
  return [{ response }, state.update({ response })];
});

function streamingApp(hooks = recordingHooks()) {
  const app = new ApplicationBuilder()
    .withActions({ prompt, shout })
    .withTransitions(["prompt", "shout"], ["shout", "prompt"])
    .withEntrypoint("prompt")
    .withHooks(hooks.hooks)
    .build();
  return { app, calls: hooks.calls };
}

describe("runtime: streaming", () => {
  it("streamResult runs up to the streaming action, then yields its partial results", async () => {
    const { app } = streamingApp();
    const { action: name, container } = await app.streamResult({ haltAfter: ["shout"], inputs: { prompt: "who was burr" } });
    assert.equal(name, "shout");
    assert.equal(app.sequenceId, 0, "only the prompt step ran so far");
    const parts: PartialResult[] = [];
    for await (const p of container) parts.push(p);
    assert.deepEqual(parts, [{ delta: "WHO" }, { delta: "WAS" }, { delta: "BURR" }]);
    const { result, state } = await container.get();
    assert.deepEqual(result, { response: "WHO WAS BURR" });
    assert.equal(state.get("response"), "WHO WAS BURR");
    assert.equal(app.state, state);
    assert.equal(app.sequenceId, 1);
  });

  it("get() without iterating drains the stream", async () => {
    const { app } = streamingApp();
    const { container } = await app.streamResult({ haltAfter: ["shout"], inputs: { prompt: "a b" } });
    assert.equal((await container.get()).result?.response, "A B");
    assert.deepEqual([...(await collect(container))], [], "nothing left to iterate");
  });

  it("leaving the loop early does not cancel the step: get() finishes it", async () => {
    const { app } = streamingApp();
    const { container } = await app.streamResult({ haltAfter: ["shout"], inputs: { prompt: "one two three" } });
    for await (const p of container) {
      assert.deepEqual(p, { delta: "ONE" });
      break;
    }
    assert.equal((await container.get()).state.get("response"), "ONE TWO THREE");
  });

  it("calls the stream hooks in Burr's order", async () => {
    const { app, calls } = streamingApp();
    const { container } = await app.streamResult({ haltAfter: ["shout"], inputs: { prompt: "x y" } });
    await container.get();
    assert.deepEqual(calls.slice(calls.indexOf("preRunStep shout 1")), [
      "preRunStep shout 1",
      "preStartStream shout",
      "postStreamItem shout 0",
      "postStreamItem shout 1",
      "postRunStep shout 1",
      "postApplicationExecuteCall streamResult",
      "postEndStream shout",
    ]);
  });

  it("step and run consume the whole stream", async () => {
    const { app } = streamingApp();
    const r = await app.run({ haltAfter: ["shout"], inputs: { prompt: "quiet please" } });
    assert.equal(r.state.get("response"), "QUIET PLEASE");
    assert.equal(app.graph.actions.find((a) => a.name === "shout")?.streaming, true);
  });

  it("a sync generator works too", async () => {
    const count = streamingAction({ writes: ["n"] }, function* (state) {
      yield { i: 1 };
      yield { i: 2 };
      return [{ n: 2 }, state.update({ n: 2 })];
    });
    const app = new ApplicationBuilder().withActions({ count }).withTransitions(["count", "count"]).withEntrypoint("count").build();
    const { container } = await app.streamResult({ haltAfter: ["count"] });
    assert.deepEqual(await collect(container), [{ i: 1 }, { i: 2 }]);
    assert.equal(app.state.get("n"), 2);
  });

  it("an error mid-stream keeps the state before the step and surfaces from the loop and get()", async () => {
    const flaky = streamingAction({ writes: ["r"] }, async function* (state) {
      yield { partial: 1 };
      throw new Error("connection reset");
      return [{}, state]; // unreachable on purpose: the generator's return type needs it
    });
    const app = new ApplicationBuilder().withActions({ flaky }).withTransitions(["flaky", "flaky"]).withState({ r: 0 }).withEntrypoint("flaky").build();
    const before = app.state;
    const { container } = await app.streamResult({ haltAfter: ["flaky"] });
    const seen: PartialResult[] = [];
    await assert.rejects(
      (async () => {
        for await (const p of container) seen.push(p);
      })(),
      (e: unknown) => e instanceof ActionError && /connection reset/.test(e.message),
    );
    assert.deepEqual(seen, [{ partial: 1 }]);
    await assert.rejects(container.get(), ActionError);
    assert.equal(app.state, before);
  });

  it("a streaming action that ends without [result, state] is an error saying so", async () => {
    const bad = streamingAction({ writes: ["r"] }, async function* () {
      yield { x: 1 };
    } as never);
    const app = new ApplicationBuilder().withActions({ bad }).withTransitions(["bad", "bad"]).withEntrypoint("bad").build();
    await assert.rejects(app.step(), /ended without returning \[result, state\]/);
  });

  it("streamResult on a non-streaming action runs it and yields nothing", async () => {
    const { app } = streamingApp();
    const { action: name, container } = await app.streamResult({ haltAfter: ["prompt"], inputs: { prompt: "hi" } });
    assert.equal(name, "prompt");
    assert.deepEqual(await collect(container), []);
    assert.deepEqual((await container.get()).result, { prompt: "hi" });
  });

  it("streamResult on a non-streaming action calls no stream hooks (its result passes through)", async () => {
    const { app, calls } = streamingApp();
    const { container } = await app.streamResult({ haltAfter: ["prompt"], inputs: { prompt: "hi" } });
    await container.get();
    assert.deepEqual(calls.filter((c) => /Stream/.test(c)), []);
  });

  it("streamIterate hands over every step as a stream until haltAfter", async () => {
    const { app, calls } = streamingApp();
    const seen: { action: string; parts: PartialResult[] }[] = [];
    const it = app.streamIterate({ haltAfter: ["shout"], inputs: { prompt: "to be" } });
    let next = await it.next();
    while (!next.done) {
      const { action: name, container } = next.value;
      seen.push({ action: name, parts: await collect(container) });
      next = await it.next();
    }
    assert.deepEqual(seen, [
      { action: "prompt", parts: [] },
      { action: "shout", parts: [{ delta: "TO" }, { delta: "BE" }] },
    ]);
    assert.equal(next.value.action, "shout");
    assert.equal(next.value.state.get("response"), "TO BE");
    assert.equal(app.sequenceId, 1);
    assert.deepEqual(calls.filter((c) => /ExecuteCall/.test(c)), ["preApplicationExecuteCall streamIterate", "postApplicationExecuteCall streamIterate"]);
  });

  it("streamIterate drains a container the loop did not read, so steps commit in order", async () => {
    const { app } = streamingApp();
    const actions: string[] = [];
    // Never reads a container: each step must still finish before the next starts.
    for await (const { action: name } of app.streamIterate({ haltBefore: ["shout"], inputs: { prompt: "x" } })) actions.push(name);
    for await (const { action: name } of app.streamIterate({ haltAfter: ["prompt"], inputs: { prompt: "y" } })) actions.push(name);
    assert.deepEqual(actions, ["prompt", "shout", "prompt"]);
    assert.equal(app.state.get("response"), "X");
    assert.equal(app.state.get("prompt"), "y");
    assert.equal(app.sequenceId, 2);
  });

  it("streamResult halting before an action gives a container with a null result", async () => {
    const { app } = streamingApp();
    const { action: name, container } = await app.streamResult({ haltAfter: [], haltBefore: ["shout"], inputs: { prompt: "hi" } });
    assert.equal(name, "shout");
    const final = await container.get();
    assert.equal(final.result, null);
    assert.equal(final.state.has("response"), false);
  });

  it("the class API: streamRun yields, the last item is the result, update folds it in", async () => {
    class Tokens extends StreamingAction {
      reads: string[] = [];
      writes = ["text"];
      async *streamRun() {
        yield { token: "a" };
        yield { token: "b" };
        yield { text: "ab" };
      }
      update(result: Record<string, unknown>, state: State) {
        return state.update({ text: result.text });
      }
    }
    const app = new ApplicationBuilder().withActions({ t: new Tokens() }).withTransitions(["t", "t"]).withEntrypoint("t").build();
    const { container } = await app.streamResult({ haltAfter: ["t"] });
    assert.deepEqual(await collect(container), [{ token: "a" }, { token: "b" }]);
    assert.equal((await container.get()).state.get("text"), "ab");
  });
});

async function collect(it: AsyncIterable<PartialResult>): Promise<PartialResult[]> {
  const out: PartialResult[] = [];
  for await (const p of it) out.push(p);
  return out;
}

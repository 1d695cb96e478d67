import assert from "node:assert/strict";
import { ApplicationBuilder, HookError, action, streamingAction, trace } from "burr-ts";
import { recordingHooks } from "./fixtures.js";

function appWith(fn: Parameters<typeof action>[1], hooks = recordingHooks()) {
  const traced = action({ writes: ["out"] }, fn);
  const app = new ApplicationBuilder()
    .withActions({ traced })
    .withTransitions(["traced", "traced"])
    .withEntrypoint("traced")
    .withHooks(hooks.hooks)
    .build();
  return { app, calls: hooks.calls };
}

describe("runtime: tracer", () => {
  it("spans nest, with Burr's uids, and attributes attach to the current span", async () => {
    const { app, calls } = appWith(async (state, _inputs, { tracer }) => {
      tracer.logAttributes({ model: "offline" });
      await tracer.span("retrieve", async (span) => {
        span.logAttributes({ docs: 3 });
        await tracer.span("embed", async () => {
          tracer.logAttributes({ dims: 8 });
        });
        await span.span("rank", () => undefined);
      });
      await tracer.span("generate", () => undefined);
      return state.update({ out: 1 });
    });
    await app.step();
    await app.step();
    const step1 = calls.slice(calls.indexOf("preRunStep traced 1") + 1).filter((c) => /Span|Attribute/.test(c)).slice(0, 9);
    assert.deepEqual(step1, [
      "doLogAttribute model=\"offline\" action",
      "preStartSpan retrieve 1:0",
      "doLogAttribute docs=3 1:0",
      "preStartSpan embed 1:0.0",
      "doLogAttribute dims=8 1:0.0",
      "postEndSpan embed 1:0.0",
      "preStartSpan rank 1:0.1",
      "postEndSpan rank 1:0.1",
      "postEndSpan retrieve 1:0",
    ]);
    assert.deepEqual(calls.slice(-4, -1), ["preStartSpan generate 1:1", "postEndSpan generate 1:1", "postRunStep traced 1"]);
  });

  it("a span returns its callback's value and ends even when the callback throws", async () => {
    let value: number | undefined;
    const { app, calls } = appWith(async (state, _i, { tracer }) => {
      value = await tracer.span("compute", () => 42);
      await tracer.span("explode", () => {
        throw new Error("inside span");
      });
      return state.update({ out: 1 });
    });
    await assert.rejects(app.step(), /inside span/);
    assert.equal(value, 42);
    assert.ok(calls.includes("postEndSpan explode 0:1"));
  });

  it("concurrent spans each keep their own children", async () => {
    const { app, calls } = appWith(async (state, _i, { tracer }) => {
      await Promise.all(
        ["a", "b"].map((name) =>
          tracer.span(name, async () => {
            await new Promise((r) => setImmediate(r));
            await tracer.span(`${name}-child`, () => undefined);
          }),
        ),
      );
      return state.update({ out: 1 });
    });
    await app.step();
    assert.ok(calls.includes("preStartSpan a-child 0:0.0"));
    assert.ok(calls.includes("preStartSpan b-child 0:1.0"));
  });

  it("a failing async attribute hook fails the step", async () => {
    const { app } = appWith(
      (state, _i, { tracer }) => {
        tracer.logAttributes({ tokens: 10 });
        return state.update({ out: 1 });
      },
      { hooks: { doLogAttribute: async () => Promise.reject(new Error("sink closed")) }, calls: [] },
    );
    await assert.rejects(app.step(), (e: unknown) => {
      assert.ok(e instanceof HookError);
      assert.match(e.message, /doLogAttribute failed: Error: sink closed/);
      assert.equal(e.action, "traced");
      return true;
    });
    assert.equal(app.state.has("out"), false);
  });

  it("trace() makes each call inside an action a span with its arguments and result", async () => {
    const retrieve = trace(async function retrieve(query: string, k: number) {
      await new Promise((r) => setImmediate(r));
      return [`${query}#1`, `${query}#2`].slice(0, k);
    });
    const embed = trace((text: string) => text.length, { name: "embed", captureOutputs: false });
    const { app, calls } = appWith(async (state, _i, { tracer }) => {
      const docs = await retrieve("burr", 2);
      await tracer.span("rank", async () => {
        await embed(docs[0]!);
      });
      return state.update({ out: docs });
    });
    await app.step();
    // Each call also keeps a digest of its arguments (replay checks it; tracking/argsDigest.ts).
    assert.deepEqual(calls.filter((c) => c.includes("__burr_args_digest")).map((c) => c.replace(/"d1:[\w.]+"/, "D")), [
      "doLogAttribute __burr_args_digest=D 0:0",
      "doLogAttribute __burr_args_digest=D 0:1.0",
    ]);
    assert.deepEqual(calls.filter((c) => /Span|Attribute/.test(c) && !c.includes("__burr_args_digest")), [
      "preStartSpan retrieve 0:0",
      'doLogAttribute __burr_function="retrieve" 0:0',
      'doLogAttribute args=["burr",2] 0:0',
      'doLogAttribute return=["burr#1","burr#2"] 0:0',
      "postEndSpan retrieve 0:0",
      "preStartSpan rank 0:1",
      "preStartSpan embed 0:1.0",
      'doLogAttribute __burr_function="embed" 0:1.0',
      'doLogAttribute args=["burr#1"] 0:1.0',
      "postEndSpan embed 0:1.0",
      "postEndSpan rank 0:1",
    ]);
    // Outside an action a traced function just runs.
    assert.deepEqual(await retrieve("x", 1), ["x#1"]);
    assert.equal(calls.filter((c) => /Span/.test(c)).length, 6);
  });

  it("trace() works inside a streaming action, and logs unserializable arguments as a description", async () => {
    class Client {
      self = this;
    }
    const ask = trace(async function ask(_client: Client, prompt: string) {
      return prompt.toUpperCase();
    });
    const talk = streamingAction({ writes: ["out"] }, async function* (state) {
      yield { delta: "…" };
      const answer = await ask(new Client(), "hi");
      yield { delta: answer };
      return [{ answer }, state.update({ out: answer })];
    });
    const hooks = recordingHooks();
    const app = new ApplicationBuilder().withActions({ talk }).withTransitions(["talk", "talk"]).withEntrypoint("talk").withHooks(hooks.hooks).build();
    const { container } = await app.streamResult({ haltAfter: ["talk"] });
    await container.get();
    assert.ok(hooks.calls.includes("preStartSpan ask 0:0"), hooks.calls.join("\n"));
    assert.ok(hooks.calls.includes('doLogAttribute args=["<Client: not JSON-serializable>","hi"] 0:0'));
    assert.ok(hooks.calls.includes('doLogAttribute return="HI" 0:0'));
  });
});

// Exception transitions: `onError: captureAs(key)` turns an exception from the
// action's own code into a completed step with the error in state, so an
// ordinary condition routes to a handler.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  Action,
  ActionError,
  type ActionBase,
  ApplicationBuilder,
  ConfigurationError,
  HookError,
  InMemoryPersister,
  InvalidActionResultError,
  SQLitePersister,
  State,
  StreamingAction,
  TrackingReader,
  UndeclaredReadError,
  UndeclaredWriteError,
  UnserializableValueError,
  action,
  captureAs,
  expr,
  mapStates,
  streamingAction,
  type AfterStepInfo,
  type CapturedError,
  type LifecycleHooks,
  type PartialResult,
  type PostRunStepArgs,
  type StepGate,
} from "burr-ts";
import { recordingHooks } from "./fixtures.js";

const boom = action({ reads: [], writes: ["answer", "error"], onError: captureAs("error") }, () => {
  throw new TypeError("the model is down");
});
const handle = action({ reads: ["error"], writes: ["handled"] }, (s) => s.update({ handled: (s.get("error") as CapturedError).message }));

function routed(act: ActionBase = boom, hooks: LifecycleHooks[] = []) {
  return new ApplicationBuilder()
    .withActions({ act, handle })
    .withTransitions(["act", "handle", expr("error != null")], ["act", "act"])
    .withState({ error: null })
    .withEntrypoint("act")
    .withHooks(...hooks)
    .withDebugGate(null)
    .build();
}

describe("runtime: onError: captureAs", () => {
  it("a throwing action completes: the error is in state and in the result, the sequence id advances", async () => {
    const app = routed();
    const before = app.state;
    const r = (await app.step())!;
    const error = r.state.get("error") as CapturedError;
    assert.equal(error.type, "TypeError");
    assert.equal(error.message, "the model is down");
    assert.match(error.stack!, /TypeError: the model is down\n\s+at /);
    assert.deepEqual(r.result, { error });
    assert.deepEqual(Object.keys(r.state.getAll()).sort(), ["error"], "before + { error }: the unfinished action's other writes are not required");
    assert.equal(before.get("error"), null, "state is immutable");
    assert.equal(app.state, r.state);
    assert.equal(app.sequenceId, 0);
    assert.equal(app.nextSequenceId, 1);
    assert.deepEqual(JSON.parse(JSON.stringify(error)), error, "the record is plain JSON");
  });

  it("routes to a handler through an ordinary condition on the key", async () => {
    const app = routed();
    const r = await app.run({ haltAfter: ["handle"] });
    assert.equal(r.action, "handle");
    assert.equal(r.state.get("handled"), "the model is down");
    assert.equal(app.sequenceId, 1);
  });

  it("captures an async action's rejection", async () => {
    const slow = action({ writes: ["error"], onError: captureAs("error") }, async (s) => {
      await new Promise((r) => setImmediate(r));
      if (s) throw new RangeError("late");
      return s;
    });
    const r = (await routed(slow).step())!;
    assert.deepEqual({ ...(r.state.get("error") as CapturedError), stack: undefined }, { type: "RangeError", message: "late", stack: undefined });
  });

  it("describes values thrown that are not Errors, and leaves the stack out when asked", async () => {
    const thrown = [
      ["a string", { type: "string", message: "a string" }],
      [42, { type: "number", message: "42" }],
      [{ code: 7 }, { type: "Object", message: '{"code":7}' }],
      [undefined, { type: "undefined", message: "undefined" }],
    ] as const;
    for (const [value, record] of thrown) {
      const a = action({ writes: ["error"], onError: captureAs("error") }, () => {
        throw value;
      });
      assert.deepEqual((await routed(a).step())!.state.get("error"), record);
    }
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    const c = action({ writes: ["error"], onError: captureAs("error") }, () => {
      throw cycle;
    });
    assert.deepEqual((await routed(c).step())!.state.get("error"), { type: "Object", message: "<Object: not JSON-serializable>" });
    const noStack = action({ writes: ["error"], onError: captureAs("error", { includeStack: false }) }, () => {
      throw new Error("quiet");
    });
    assert.deepEqual((await routed(noStack).step())!.state.get("error"), { type: "Error", message: "quiet" });
  });

  it("a stream that throws mid-way keeps the items it yielded and completes the step with the error", async () => {
    const words = streamingAction({ writes: ["error", "response"], onError: captureAs("error") }, async function* (s) {
      yield { delta: "one" };
      yield { delta: "two" };
      if (s) throw new Error("connection reset");
      return [{}, s];
    });
    const { hooks, calls } = recordingHooks();
    const app = routed(words, [hooks]);
    const { container } = await app.streamResult({ haltAfter: ["act"] });
    const items: PartialResult[] = [];
    for await (const item of container) items.push(item);
    assert.deepEqual(items, [{ delta: "one" }, { delta: "two" }]);
    const final = await container.get();
    assert.equal((final.state.get("error") as CapturedError).message, "connection reset");
    assert.deepEqual(final.result, { error: final.state.get("error") });
    const stepCalls = calls.filter((c) => !c.includes("ExecuteCall"));
    const attribute = `doLogAttribute captured_error=${JSON.stringify(final.state.get("error"))} action`;
    assert.deepEqual(stepCalls.slice(-7), ["preRunStep act 0", "preStartStream act", "postStreamItem act 0", "postStreamItem act 1", attribute, "postRunStep act 0", "postEndStream act"]);
    assert.equal(app.nextAction(), "handle");
    // step() consumes the whole stream: same capture.
    const again = routed(words);
    assert.equal(((await again.step())!.state.get("error") as CapturedError).message, "connection reset");
  });

  it("class actions (Action and StreamingAction) capture through an onError field", async () => {
    class Fetch extends Action {
      readonly reads = [];
      readonly writes = ["page", "error"];
      override onError = captureAs("error");
      async run(): Promise<Record<string, unknown>> {
        throw new Error("404");
      }
      update(result: Record<string, unknown>, state: State): State {
        return state.update({ page: result.page });
      }
    }
    assert.equal(((await routed(new Fetch()).step())!.state.get("error") as CapturedError).message, "404");

    class Tokens extends StreamingAction {
      readonly reads = [];
      readonly writes = ["error"];
      override onError = captureAs("error");
      async *streamRun(): AsyncGenerator<PartialResult> {
        yield { t: 1 };
        throw new Error("cut off");
      }
      update(_r: Record<string, unknown>, state: State): State {
        return state;
      }
    }
    const { container } = await routed(new Tokens()).streamResult({ haltAfter: ["act"] });
    assert.equal(((await container.get()).state.get("error") as CapturedError).message, "cut off");
  });

  it("a retry loop: the handler counts attempts and gives up after three", async () => {
    let calls = 0;
    const fetchPage = action({ reads: [], writes: ["page", "error"], onError: captureAs("error", { includeStack: false }) }, (s) => {
      calls++;
      if (calls > 0) throw new Error(`attempt ${calls} failed`);
      return s.update({ page: "html", error: null });
    });
    const retry = action({ reads: ["attempts"], writes: ["attempts", "error"] }, (s) => s.update({ attempts: s.get("attempts") + 1, error: null }));
    const giveUp = action({ reads: ["attempts"], writes: ["gaveUp"] }, (s) => s.update({ gaveUp: `after ${s.get("attempts")} attempts` }));
    const app = new ApplicationBuilder()
      .withActions({ fetchPage, retry, giveUp })
      .withTransitions(
        ["fetchPage", "retry", expr("error != null and attempts < 3")],
        ["fetchPage", "giveUp", expr("error != null")],
        ["retry", "fetchPage"],
      )
      .withState({ error: null, attempts: 0 })
      .withEntrypoint("fetchPage")
      .build();
    const seen: string[] = [];
    for await (const step of app.iterate({ haltAfter: ["giveUp"] })) seen.push(step.action);
    assert.deepEqual(seen, ["fetchPage", "retry", "fetchPage", "retry", "fetchPage", "retry", "fetchPage", "giveUp"]);
    assert.equal(calls, 4);
    assert.equal(app.state.get("gaveUp"), "after 3 attempts");
    assert.deepEqual(app.state.get("error"), { type: "Error", message: "attempt 4 failed" });
  });

  it("a key not among the action's writes fails at definition (function and streaming) or at build() (classes), naming the key and the fix", () => {
    const expectFix = (e: unknown) => {
      assert.ok(e instanceof ConfigurationError);
      assert.match(e.message, /captureAs\("failure"\) writes the captured error to "failure", which is not in the action's writes/);
      assert.match(e.message, /Add "failure" to its writes and seed it in the initial state, e\.g\. withState\(\{ failure: null \}\)/);
      return true;
    };
    // Types reject it too (test/types/onError.ts); these casts stand for untyped callers.
    const untyped = { writes: ["answer"], onError: captureAs("failure") } as unknown as { writes: ["answer"] };
    assert.throws(() => action(untyped, (s) => s), expectFix);
    assert.throws(() => streamingAction(untyped, async function* (s) { return s; }), expectFix);
    class NoKey extends Action {
      readonly reads = [];
      readonly writes = ["answer"];
      override onError = captureAs("failure");
      run() {
        return {};
      }
      update(_r: Record<string, unknown>, s: State) {
        return s;
      }
    }
    assert.throws(() => new ApplicationBuilder().withActions({ noKey: new NoKey() }).withTransitions().withEntrypoint("noKey").build(), (e: unknown) => {
      expectFix(e);
      return /action "noKey"/.test((e as Error).message);
    });
    assert.throws(() => action({ writes: ["error"], onError: "error" as never }, (s) => s), /onError must be captureAs\("<state key>"\)/);
    assert.throws(() => captureAs(""), ConfigurationError);
    assert.throws(() => captureAs("__error"), /reserved/);
  });

  describe("errors that are not the action's own still fail the step", () => {
    async function failsWith(act: ActionBase, check: (e: unknown) => boolean, hooks: LifecycleHooks[] = []) {
      const seen: PostRunStepArgs[] = [];
      const app = routed(act, [...hooks, { postRunStep: (a) => void seen.push(a) }]);
      const before = app.state;
      await assert.rejects(app.step(), check);
      assert.equal(app.state, before);
      assert.equal(app.state.get("error"), null);
      assert.ok(seen[0]?.exception, "post hooks hear of the failure");
    }
    const cause = (Type: new (...a: never[]) => Error) => (e: unknown) => e instanceof ActionError && e.cause instanceof Type;

    it("an undeclared read or write", async () => {
      await failsWith(action({ reads: [], writes: ["error"], onError: captureAs("error") }, (s) => s.update({ error: (s as unknown as State).get("secret") })), (e) => e instanceof UndeclaredReadError);
      await failsWith(
        action({ writes: ["error"], onError: captureAs("error") }, (s) => (s as unknown as State).update({ other: 1 })),
        (e) => e instanceof UndeclaredWriteError,
      );
    });

    it("an invalid return, or a value state cannot hold", async () => {
      await failsWith(action({ writes: ["error"], onError: captureAs("error") }, () => 42 as unknown as State), cause(InvalidActionResultError));
      await failsWith(action({ writes: ["error"], onError: captureAs("error") }, (s) => s.update({ error: () => 1 })), cause(UnserializableValueError));
    });

    it("a failing hook: inside the action (a span), while logging the capture, or after the step", async () => {
      const spanned = action({ writes: ["error"], onError: captureAs("error") }, async (s, _i, ctx) => {
        await ctx.tracer.span("call", () => undefined);
        return s;
      });
      await failsWith(spanned, (e) => e instanceof HookError && e.hook === "preStartSpan", [{ preStartSpan: () => { throw new Error("tracker down"); } }]);
      await failsWith(boom, (e) => e instanceof HookError && e.hook === "doLogAttribute", [{ doLogAttribute: () => { throw new Error("tracker down"); } }]);
      await failsWith(boom, (e) => e instanceof HookError && e.hook === "doLogAttribute", [{ doLogAttribute: async () => { throw new Error("async tracker down"); } }]);
      const app = routed(boom, [{ postRunStep: () => { throw new Error("persister down"); } }]);
      await assert.rejects(app.step(), (e) => e instanceof HookError && e.hook === "postRunStep");
    });

    it("and without onError an exception fails the step as before", async () => {
      const plain = action({ writes: ["error"] }, () => {
        throw new TypeError("the model is down");
      });
      await failsWith(plain, cause(TypeError));
    });
  });

  it("hooks see a completed step: exception null, the result and the change", async () => {
    const { hooks, calls } = recordingHooks();
    const seen: PostRunStepArgs[] = [];
    const app = routed(boom, [hooks, { postRunStep: (a) => void seen.push(a) }]);
    await app.step();
    const error = app.state.get("error");
    assert.equal(seen[0].exception, null);
    assert.deepEqual(seen[0].result, { error });
    assert.deepEqual(seen[0].changes, { set: { error }, appended: {}, deleted: [] });
    assert.equal(seen[0].state, app.state);
    assert.deepEqual(calls.filter((c) => !c.includes("ExecuteCall")).slice(-3), ["preRunStep act 0", `doLogAttribute captured_error=${JSON.stringify(error)} action`, "postRunStep act 0"]);
  });

  it("persisters save it as completed, and a resumed app goes on to the handler (InMemoryPersister, SQLite)", async () => {
    for (const persister of [new InMemoryPersister(), new SQLitePersister({ dbPath: ":memory:" })]) {
      const app = new ApplicationBuilder()
        .withActions({ act: boom, handle })
        .withTransitions(["act", "handle", expr("error != null")], ["act", "act"])
        .withState({ error: null })
        .withEntrypoint("act")
        .withIdentifiers({ appId: "captured" })
        .withStatePersister(persister)
        .build();
      await app.step();
      const saved = (await persister.load(null, "captured"))!;
      assert.equal(saved.status, "completed");
      assert.equal(saved.position, "act");
      assert.equal(saved.sequenceId, 0);
      assert.deepEqual(saved.state.get("error"), app.state.get("error"));
      const resumed = await new ApplicationBuilder()
        .withActions({ act: boom, handle })
        .withTransitions(["act", "handle", expr("error != null")], ["act", "act"])
        .withIdentifiers({ appId: "captured" })
        .initializeFrom(persister, { resumeAtNextAction: true, defaultState: { error: null }, defaultEntrypoint: "act" })
        .build();
      assert.equal(resumed.nextAction(), "handle");
      assert.equal((await resumed.step())!.state.get("handled"), "the model is down");
      await persister.close();
    }
  });

  it("a tracked run shows the step completed, with a captured_error attribute on the action", async () => {
    const storageDir = mkdtempSync(join(tmpdir(), "burr-onerror-"));
    try {
      const app = new ApplicationBuilder()
        .withActions({ act: boom, handle })
        .withTransitions(["act", "handle", expr("error != null")], ["act", "act"])
        .withState({ error: null })
        .withEntrypoint("act")
        .withIdentifiers({ appId: "tracked" })
        .withTracker("local", { project: "onerror", storageDir })
        .build();
      await app.run({ haltAfter: ["handle"] });
      const run = await new TrackingReader(storageDir).readApp("onerror", "tracked");
      const [captured, handled] = run.steps;
      const error = app.state.get("error") as CapturedError;
      assert.equal(captured.action, "act");
      assert.equal(captured.error, null, "not a failed step");
      assert.deepEqual(captured.result, { error });
      assert.deepEqual(captured.attributes, { captured_error: error });
      assert.deepEqual(captured.state?.error, error);
      assert.equal(handled.action, "handle");
      assert.deepEqual(handled.attributes, {});
      assert.equal((await new TrackingReader(storageDir).listApps("onerror"))[0].status, "completed");
      // graph.json: the key rides in burr_ts_graph (which Burr's reader ignores); Burr's own action records keep Burr's fields.
      assert.equal(run.graph?.actions.find((a) => a.name === "act")?.capturesErrorsAs, "error");
      const written = JSON.parse(readFileSync(join(storageDir, "onerror", "tracked", "graph.json"), "utf8")) as { actions: Record<string, unknown>[] };
      for (const a of written.actions) assert.deepEqual(Object.keys(a).sort(), ["code", "inputs", "name", "optional_inputs", "reads", "type", "writes"]);
    } finally {
      rmSync(storageDir, { recursive: true, force: true });
    }
  });

  it("app.graph names each action's captured key (function, streaming, class); actions without onError have none", () => {
    class Publish extends Action {
      readonly reads = [];
      readonly writes = ["published", "publishError"];
      override onError = captureAs("publishError");
      run() {
        return {};
      }
      update(_r: Record<string, unknown>, s: State) {
        return s;
      }
    }
    const words = streamingAction({ writes: ["reply", "failure"], onError: captureAs("failure", { includeStack: false }) }, async function* (s) {
      return s;
    });
    const app = new ApplicationBuilder()
      .withActions({ act: boom, handle, words, publish: new Publish() })
      .withTransitions(["act", "handle"], ["handle", "words"], ["words", "publish"])
      .withState({ error: null, failure: null, publishError: null })
      .withEntrypoint("act")
      .build();
    const keys = app.graph.actions.map((a) => [a.name, a.capturesErrorsAs]);
    assert.deepEqual(keys, [["act", "error"], ["handle", undefined], ["words", "failure"], ["publish", "publishError"]]);
    assert.ok(!("capturesErrorsAs" in app.graph.actions[1]!), "absent, not undefined, without onError");
  });

  it("the debugger gate hears a completed step (no exception, the handler next), so 'Action errors' does not stop", async () => {
    const afters: AfterStepInfo[] = [];
    const gate: StepGate = {
      async beforeStep() {},
      async afterStep(_t, info) {
        afters.push(info);
        return "continue";
      },
    };
    const words = streamingAction({ writes: ["error"], onError: captureAs("error") }, async function* (s) {
      yield { delta: "partial" };
      if (s) throw new Error("stream broke");
      return s;
    });
    for (const act of [boom, words]) {
      afters.length = 0;
      const app = new ApplicationBuilder()
        .withActions({ act, handle })
        .withTransitions(["act", "handle", expr("error != null")], ["act", "act"])
        .withState({ error: null })
        .withEntrypoint("act")
        .withDebugGate(gate)
        .build();
      if (act === words) await (await app.streamResult({ haltAfter: ["act"] })).container.get();
      else await app.step();
      assert.equal(afters.length, 1);
      assert.equal(afters[0].exception, null);
      assert.equal(afters[0].next?.to, "handle");
      assert.deepEqual(afters[0].changes?.set, { error: app.state.get("error") });
    }
  });

  it("mapStates with onError captures a child application's failure", async () => {
    const square = action({ reads: ["n"], writes: ["sq"] }, (s) => {
      if (s.get("n") === 2) throw new Error("two is unlucky");
      return s.update({ sq: s.get("n") * s.get("n") });
    });
    const fan = mapStates({
      reads: ["ns"],
      writes: ["squares", "error"],
      onError: captureAs("error", { includeStack: false }),
      action: square,
      states: (s) => (s.get("ns") as number[]).map((n) => ({ n })),
      reduce: (s, states) => s.update({ squares: states.map((c) => c.get("sq")) }),
    });
    const app = new ApplicationBuilder()
      .withActions({ fan })
      .withTransitions()
      .withState({ ns: [1, 2, 3], error: null })
      .withEntrypoint("fan")
      .build();
    const r = (await app.step())!;
    const error = r.state.get("error") as CapturedError;
    assert.equal(error.type, "ChildFailedError");
    assert.match(error.message, /Child 1 \(action "fan"[^)]*\) of parallel action "fan" failed: Error: two is unlucky/);
    assert.equal(r.state.has("squares"), false);
  });
});

// Typed class actions (`extends Action.withState<S>()(spec)`, `Action.with(spec)`,
// and the StreamingAction forms) run like any action, and the runtime's read/write
// checks still fire for what the types cannot see.
import assert from "node:assert/strict";
import {
  Action,
  ActionBase,
  ApplicationBuilder,
  ConfigurationError,
  MissingWriteError,
  State,
  StreamingAction,
  UndeclaredReadError,
  UndeclaredWriteError,
  captureAs,
  type ActionResult,
  type CapturedError,
  type PartialResult,
  type StateOf,
} from "burr-ts";

type Message = { role: "user" | "assistant"; content: string };
type Chat = { prompt: string; chatHistory: Message[]; response: string; count: number; error: unknown };

const ChatAction = Action.withState<Chat>();

function single(act: ActionBase, state: Record<string, unknown> = {}) {
  return new ApplicationBuilder()
    .withActions({ act })
    .withTransitions(["act", "act"])
    .withState(state)
    .withEntrypoint("act")
    .withIdentifiers({ appId: "classes" })
    .withDebugGate(null)
    .build();
}

// Stands in for JavaScript callers or values TypeScript cannot see through.
type Loose = { get(k: string): unknown; update(v: Record<string, unknown>): State };

class Respond extends ChatAction({ reads: ["prompt", "chatHistory"], writes: ["response", "chatHistory"], inputs: ["model"], tags: ["llm"] }) {
  async run(state: StateOf<this>, inputs: { model: string }) {
    await new Promise((resolve) => setImmediate(resolve));
    return { response: `${inputs.model}: ${state.get("prompt")} #${state.get("chatHistory").length}` };
  }
  update(result: { response: string }, state: StateOf<this>) {
    return state.update({ response: result.response }).append({ chatHistory: { role: "assistant", content: result.response } });
  }
}

describe("runtime: typed class actions", () => {
  it("run gives the result, update folds it in; reads, writes, inputs and tags come from the spec", async () => {
    const respond = new Respond();
    assert.ok(respond instanceof Action);
    assert.deepEqual([respond.reads, respond.writes, respond.inputs, respond.tags], [["prompt", "chatHistory"], ["response", "chatHistory"], ["model"], ["llm"]]);
    assert.equal(String(respond), "prompt, chatHistory -> response, chatHistory");
    const app = single(respond, { prompt: "hi", chatHistory: [] });
    const r = await app.step({ inputs: { model: "m1" } });
    assert.deepEqual(r?.result, { response: "m1: hi #0" });
    assert.deepEqual(app.state.get("chatHistory"), [{ role: "assistant", content: "m1: hi #0" }]);
    assert.deepEqual(app.graph.actions.map((a) => [a.name, a.reads, a.writes]), [["act", ["prompt", "chatHistory"], ["response", "chatHistory"]]]);
  });

  it("inputs are required and .bind pre-fills them; tags work in halt lists", async () => {
    await assert.rejects(single(new Respond(), { prompt: "x", chatHistory: [] }).step(), /needs input "model"/);
    const app = single(new Respond().bind({ model: "bound" }), { prompt: "x", chatHistory: [] });
    const r = await app.run({ haltAfter: ["@tag:llm"] });
    assert.equal(r.state.get("response"), "bound: x #0");
  });

  it("each class keeps its own spec, though they share a factory", () => {
    class A extends ChatAction({ reads: ["count"], writes: ["count"] }) {
      run() {
        return {};
      }
      update(_r: ActionResult, state: StateOf<this>) {
        return state;
      }
    }
    class B extends ChatAction({ writes: ["response"] }) {
      run() {
        return {};
      }
      update(_r: ActionResult, state: StateOf<this>) {
        return state.update({ response: "" });
      }
    }
    assert.deepEqual([new A().reads, new A().writes, new B().reads, new B().writes], [["count"], ["count"], [], ["response"]]);
  });

  describe("the runtime checks still fire", () => {
    class Peek extends ChatAction({ reads: ["prompt"], writes: ["response"] }) {
      run(state: StateOf<this>) {
        return { secret: (state as unknown as Loose).get("count") };
      }
      update(_r: ActionResult, state: StateOf<this>) {
        return state.update({ response: "" });
      }
    }

    it("an undeclared read in run", async () => {
      const app = single(new Peek(), { prompt: "p", count: 1 });
      await assert.rejects(app.step(), (e: unknown) => {
        assert.ok(e instanceof UndeclaredReadError);
        assert.equal(e.action, "act");
        assert.equal(e.key, "count");
        return true;
      });
      assert.equal(app.state.has("response"), false, "the state before the step is kept");
    });

    it("an undeclared write in update", async () => {
      class Sneaky extends ChatAction({ writes: ["response"] }) {
        run() {
          return {};
        }
        update(_r: ActionResult, state: StateOf<this>) {
          return (state as unknown as Loose).update({ response: "", count: 2 });
        }
      }
      await assert.rejects(single(new Sneaky()).step(), (e: unknown) => e instanceof UndeclaredWriteError && e.key === "count");
    });

    it("a declared write missing from the returned state", async () => {
      class Forgets extends Action.with({ writes: ["a", "b"] }) {
        run() {
          return {};
        }
        update(_r: ActionResult, state: StateOf<this>) {
          return state.update({ a: 1 });
        }
      }
      await assert.rejects(single(new Forgets()).step(), (e: unknown) => e instanceof MissingWriteError && e.key === "b");
    });

    it("run and update must return an object and a State", async () => {
      class Bad extends Action.with({ writes: ["a"] }) {
        run() {
          return 1 as unknown as ActionResult;
        }
        update(_r: ActionResult, state: StateOf<this>) {
          return state;
        }
      }
      await assert.rejects(single(new Bad()).step(), /run\(\) must return a plain object as its result, got number/);
      class NoState extends Action.with({ writes: ["a"] }) {
        run() {
          return {};
        }
        update() {
          return { a: 1 } as unknown as State;
        }
      }
      await assert.rejects(single(new NoState()).step(), /update\(\) must return a State, got an object of class Object/);
    });
  });

  it("the spec is checked where the class is declared", () => {
    const untyped = { writes: ["answer"], onError: captureAs("failure") } as unknown as { writes: ["answer"] };
    assert.throws(() => Action.with(untyped), (e: unknown) => e instanceof ConfigurationError && /captureAs\("failure"\)/.test(e.message));
    assert.throws(() => StreamingAction.with(untyped), ConfigurationError);
    assert.throws(() => Action.with({ reads: "prompt" } as never), /"reads" must be an array of strings/);
  });

  it("onError: captureAs in the spec or as a field routes the exception into state", async () => {
    class Fails extends ChatAction({ reads: [], writes: ["response", "error"], onError: captureAs("error", { includeStack: false }) }) {
      async run(): Promise<ActionResult> {
        throw new Error("503");
      }
      update(_r: ActionResult, state: StateOf<this>) {
        return state.update({ response: "", error: null });
      }
    }
    assert.deepEqual((await single(new Fails(), { error: null }).step())?.state.get("error"), { type: "Error", message: "503" });
    class FieldFails extends ChatAction({ writes: ["response", "error"] }) {
      override onError = captureAs("error", { includeStack: false });
      run(): ActionResult {
        throw new TypeError("bad");
      }
      update(_r: ActionResult, state: StateOf<this>) {
        return state;
      }
    }
    const app = single(new FieldFails(), { error: null });
    assert.deepEqual((await app.step())?.state.get("error"), { type: "TypeError", message: "bad" });
    assert.equal(app.graph.actions[0]?.capturesErrorsAs, "error");
  });

  it("records its class declaration, body included, past a multi-line spec", () => {
    const line = Number(new Error().stack!.split("\n")[1].match(/:(\d+):\d+\)?$/)![1]); // 1-based: the next line, 0-based
    class Noop extends Action.withState<{ n: number; m: { k: string } }>()({
      reads: ["n"],
      writes: ["m"],
    }) {
      run() {
        return {};
      }
      update(_r: ActionResult, state: StateOf<this>) {
        return state.update({ m: { k: "}" } });
      }
    }
    const model = single(new Noop()).graph.actions[0];
    assert.equal(model?.source?.file, __filename);
    assert.equal(model?.source?.start.line, line);
    assert.deepEqual(model?.source?.end, model?.source?.start, "a point; the language server widens it to the class");
  });
});

describe("runtime: typed streaming class actions", () => {
  class Tokens extends StreamingAction.withState<Chat>()({ reads: ["prompt"], writes: ["response"] }) {
    async *streamRun(state: StateOf<this>): AsyncGenerator<PartialResult> {
      for (const word of state.get("prompt").split(" ")) yield { delta: word };
      yield { response: state.get("prompt").toUpperCase() };
    }
    update(result: ActionResult, state: StateOf<this>) {
      return state.update({ response: String(result.response) });
    }
  }

  it("streamRun yields the partials, the last item is the result, update folds it in", async () => {
    const tokens = new Tokens();
    assert.ok(tokens instanceof StreamingAction);
    assert.equal(tokens.streaming, true);
    const app = single(tokens, { prompt: "a b" });
    const { container } = await app.streamResult({ haltAfter: ["act"] });
    const seen: PartialResult[] = [];
    for await (const p of container) seen.push(p);
    assert.deepEqual(seen, [{ delta: "a" }, { delta: "b" }]);
    const final = await container.get();
    assert.deepEqual(final.result, { response: "A B" });
    assert.equal(final.state.get("response"), "A B");
  });

  it("the runtime checks fire, and onError captures", async () => {
    class Leaky extends StreamingAction.with({ reads: ["a"], writes: ["b"] }) {
      *streamRun(state: StateOf<this>) {
        yield { b: (state as unknown as Loose).get("c") };
      }
      update(_r: ActionResult, state: StateOf<this>) {
        return state.update({ b: 1 });
      }
    }
    await assert.rejects(single(new Leaky(), { a: 1, c: 2 }).step(), (e: unknown) => e instanceof UndeclaredReadError && e.key === "c");
    class Cut extends StreamingAction.withState<Chat>()({ writes: ["error"], onError: captureAs("error", { includeStack: false }) }) {
      async *streamRun(): AsyncGenerator<PartialResult> {
        yield { t: 1 };
        throw new Error("cut off");
      }
      update(_r: ActionResult, state: StateOf<this>) {
        return state;
      }
    }
    const { container } = await single(new Cut(), { error: null }).streamResult({ haltAfter: ["act"] });
    assert.equal(((await container.get()).state.get("error") as CapturedError).message, "cut off");
  });
});

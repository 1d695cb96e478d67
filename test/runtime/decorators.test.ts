// Action decorators: `@action` / `@streamingAction` on methods and `actionsOf`
// run exactly like function actions (this file itself is compiled by tsx);
// decorators.compilers.test.ts covers tsc, esbuild and experimentalDecorators.
import assert from "node:assert/strict";
import {
  ApplicationBuilder,
  ConfigurationError,
  FunctionAction,
  FunctionStreamingAction,
  MissingInputError,
  State,
  UndeclaredReadError,
  action,
  actionsOf,
  captureAs,
  streamingAction,
  type ActionContext,
  type ActionState,
  type CapturedError,
} from "burr-ts";

type Chat = { prompt: string; safe: boolean; response: string; chatHistory: string[]; error: CapturedError | null };
const chatAction = action.withState<Chat>();

interface Model {
  complete(prompt: string): Promise<string>;
}

class Chatbot {
  calls = 0;
  constructor(private readonly model: Model) {}

  @action({ reads: [], writes: ["prompt"], inputs: ["prompt"], tags: ["input"] })
  humanInput(state: State, { prompt }: { prompt: string }) {
    return [{ prompt }, state.update({ prompt })] as const;
  }

  @chatAction({ reads: ["prompt"], writes: ["safe"] })
  safetyCheck(state: ActionState<Chat, "prompt", "safe">) {
    this.calls++;
    return state.update({ safe: !state.get("prompt").includes("unsafe") });
  }

  @action({ reads: ["prompt"], writes: ["response", "error"], optionalInputs: ["style"], onError: captureAs("error") })
  async respond(state: State, { style = "plain" }: { style?: string }, ctx: ActionContext) {
    const prompt = state.get("prompt") as string;
    if (prompt === "boom") throw new Error("model down");
    const response = `${style}:${await this.model.complete(prompt)}@${ctx.action}`;
    return [{ response }, state.update({ response, error: null })] as const;
  }

  @streamingAction({ reads: ["prompt"], writes: ["response"] })
  async *stream(state: State) {
    const words = (await this.model.complete(state.get("prompt") as string)).split(" ");
    for (const w of words) yield { delta: w };
    const response = words.join(" ");
    return [{ response }, state.update({ response })] as const;
  }

  helper(): string {
    return "not an action";
  }
}

const echo: Model = { complete: async (p) => `echo ${p}` };

function build(bot: Chatbot) {
  return new ApplicationBuilder()
    .withActions(actionsOf(bot))
    .withTransitions(["humanInput", "safetyCheck"], ["safetyCheck", "respond"], ["respond", "stream"], ["stream", "humanInput"])
    .withState({ chatHistory: [] })
    .withEntrypoint("humanInput")
    .withDebugGate(null)
    .build();
}

describe("runtime: action decorators", () => {
  it("actionsOf gives the decorated methods, in declaration order, as function actions with their spec", () => {
    const actions = actionsOf(new Chatbot(echo));
    assert.deepEqual(Object.keys(actions), ["humanInput", "safetyCheck", "respond", "stream"]);
    assert.ok(actions.humanInput instanceof FunctionAction);
    assert.ok(actions.stream instanceof FunctionStreamingAction);
    assert.deepEqual(actions.humanInput!.inputs, ["prompt"]);
    assert.deepEqual(actions.humanInput!.tags, ["input"]);
    assert.deepEqual(actions.respond!.optionalInputs, ["style"]);
    assert.deepEqual([actions.safetyCheck!.reads, actions.safetyCheck!.writes], [["prompt"], ["safe"]]);
  });

  it("runs sync, async and streaming methods with `this` bound to the instance", async () => {
    const bot = new Chatbot(echo);
    const app = build(bot);
    await app.run({ haltAfter: ["respond"], inputs: { prompt: "hello" } });
    assert.equal(app.state.get("response"), "plain:echo hello@respond");
    assert.equal(bot.calls, 1);
    const { action: name, container } = await app.streamResult({ haltAfter: ["stream"] });
    assert.equal(name, "stream");
    const deltas: unknown[] = [];
    for await (const p of container) deltas.push(p);
    assert.deepEqual(deltas, [{ delta: "echo" }, { delta: "hello" }]);
    assert.equal((await container.get()).state.get("response"), "echo hello");
  });

  it("two instances keep their own `this`", async () => {
    const a = build(new Chatbot({ complete: async () => "A" }));
    const b = build(new Chatbot({ complete: async () => "B" }));
    await a.run({ haltAfter: ["respond"], inputs: { prompt: "x" } });
    await b.run({ haltAfter: ["respond"], inputs: { prompt: "x" } });
    assert.deepEqual([a.state.get("response"), b.state.get("response")], ["plain:A@respond", "plain:B@respond"]);
  });

  it("inputs, bind and onError: captureAs work as for function actions", async () => {
    const app = build(new Chatbot(echo));
    await assert.rejects(app.step(), MissingInputError);
    const actions = actionsOf(new Chatbot(echo));
    const bound = new ApplicationBuilder()
      .withActions({ ...actionsOf(new Chatbot(echo)), respond: actions.respond!.bind({ style: "fancy" }) })
      .withTransitions(["humanInput", "respond"], ["respond", "humanInput"])
      .withEntrypoint("humanInput")
      .withDebugGate(null)
      .build();
    await bound.run({ haltAfter: ["respond"], inputs: { prompt: "boom" } });
    const err = bound.state.get("error") as CapturedError;
    assert.equal(err.message, "model down");
    await bound.run({ haltAfter: ["respond"], inputs: { prompt: "hi" } });
    assert.equal(bound.state.get("response"), "fancy:echo hi@respond");
  });

  it("the runtime's read checks still apply to a method typed `state: State`", async () => {
    class Sneaky {
      @action({ reads: [], writes: ["x"] })
      peek(state: State) {
        return state.update({ x: state.get("secret") });
      }
    }
    const app = new ApplicationBuilder().withActions(actionsOf(new Sneaky())).withTransitions(["peek", "peek"]).withState({ secret: 1 }).withEntrypoint("peek").withDebugGate(null).build();
    await assert.rejects(app.step(), UndeclaredReadError);
  });

  it("subclasses inherit decorated methods, base first; an override keeps its place and runs the subclass's code", async () => {
    class Base {
      @action({ reads: [], writes: ["a"] })
      first(state: State) {
        return state.update({ a: "base" });
      }
      @action({ reads: [], writes: ["b"] })
      second(state: State) {
        return state.update({ b: 1 });
      }
    }
    class Derived extends Base {
      @action({ reads: [], writes: ["c"] })
      third(state: State) {
        return state.update({ c: 1 });
      }
      @action({ reads: [], writes: ["a"] })
      override first(state: State) {
        return state.update({ a: "derived" });
      }
    }
    const acts = actionsOf(new Derived());
    assert.deepEqual(Object.keys(acts), ["first", "second", "third"]);
    assert.deepEqual(Object.keys(actionsOf(new Base())), ["first", "second"]);
    const app = new ApplicationBuilder().withActions(acts).withTransitions(["first", "second"]).withEntrypoint("first").withDebugGate(null).build();
    await app.step();
    assert.equal(app.state.get("a"), "derived");
  });

  it("the action's source points at the decorated method in this file", () => {
    const app = build(new Chatbot(echo));
    const safety = app.graph.actions.find((a) => a.name === "safetyCheck")!;
    assert.equal(safety.source?.file, __filename);
    // A point on the `@chatAction(` line; the language server widens it through the method's closing brace.
    const text = require("node:fs").readFileSync(__filename, "utf8").split("\n") as string[];
    assert.match(text[safety.source!.start.line]!, /@chatAction\(\{ reads: \["prompt"\], writes: \["safe"\] \}\)/);
    assert.match(text[safety.source!.start.line + 1]!, /safetyCheck\(state/);
    assert.deepEqual(safety.source!.end, safety.source!.start);
  });

  it("refuses misuse with errors that say what to do", () => {
    assert.throws(() => actionsOf(new (class Plain {})()), (e: Error) => e instanceof ConfigurationError && /Plain has no @action or @streamingAction methods/.test(e.message));
    assert.throws(() => actionsOf(Chatbot as unknown as object), /pass an instance/);
    assert.throws(() => actionsOf(null as unknown as object), /takes an instance/);
    assert.throws(() => action({ reads: "prompt" as unknown as string[] }), /"reads" must be an array of strings/);
    const decorate = action({ reads: [] }) as unknown as (v: unknown, c: unknown) => void;
    assert.throws(() => decorate({}, { kind: "field", name: "x", static: false, private: false, metadata: {} }), /goes on a method, but "x" is a field/);
    assert.throws(() => decorate(() => 0, { kind: "method", name: "s", static: true, private: false, metadata: {} }), /static methods cannot be actions/);
    // `@action` without its spec is called as (method, context).
    assert.throws(() => (action as unknown as (f: unknown, c: unknown) => void)(() => 0, { kind: "method", name: "go", static: false, private: false, metadata: {} }), /@action on "go" needs its spec: write @action\(\{ reads/);
    // What a legacy (experimentalDecorators) compiler passes: (prototype, name, descriptor).
    assert.throws(() => decorate({}, "safetyCheck"), /@action on "safetyCheck" was compiled as a legacy decorator.*remove "experimentalDecorators"/);
  });
});

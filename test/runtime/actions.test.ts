import assert from "node:assert/strict";
import { Action, ActionError, ApplicationBuilder, MissingInputError, State, action, type ActionContext } from "burr-ts";

function single(act: Parameters<ApplicationBuilder["withActions"]>[0][string], state: Record<string, unknown> = {}) {
  return new ApplicationBuilder()
    .withActions({ act })
    .withTransitions(["act", "act"])
    .withState(state)
    .withEntrypoint("act")
    .withDebugGate(null)
    .build();
}

describe("runtime: actions", () => {
  it("a function action returns [result, state]", async () => {
    const a = action({ reads: ["n"], writes: ["n"] }, (state) => [{ was: state.get("n") }, state.update({ n: 2 })]);
    const r = await single(a, { n: 1 }).step();
    assert.deepEqual(r?.result, { was: 1 });
    assert.equal(r?.state.get("n"), 2);
  });

  it("a function action may return just a State (the result is then {})", async () => {
    const a = action({ writes: ["n"] }, (state) => state.update({ n: 5 }));
    const r = await single(a).step();
    assert.deepEqual(r?.result, {});
    assert.equal(r?.state.get("n"), 5);
  });

  it("an async function action is awaited", async () => {
    const a = action({ writes: ["n"] }, async (state) => {
      await new Promise((resolve) => setImmediate(resolve));
      return [{}, state.update({ n: 7 })];
    });
    assert.equal((await single(a).step())?.state.get("n"), 7);
  });

  it("the third argument is the context: app id, partition key, sequence id, action name, tracer", async () => {
    let seen: ActionContext | undefined;
    const a = action({ writes: ["n"] }, (state, _inputs, ctx) => {
      seen = ctx;
      return state.update({ n: 1 });
    });
    const app = new ApplicationBuilder()
      .withActions({ first: a })
      .withTransitions(["first", "first"])
      .withEntrypoint("first")
      .withIdentifiers({ appId: "app-ctx", partitionKey: "user-1" })
      .build();
    await app.step();
    await app.step();
    assert.equal(seen?.appId, "app-ctx");
    assert.equal(seen?.partitionKey, "user-1");
    assert.equal(seen?.sequenceId, 1);
    assert.equal(seen?.action, "first");
    assert.equal(typeof seen?.tracer.span, "function");
  });

  it("receives only the inputs it declares", async () => {
    let got: Record<string, unknown> = {};
    const a = action({ writes: ["x"], inputs: ["prompt"], optionalInputs: ["temperature"] }, (state, inputs) => {
      got = inputs;
      return state.update({ x: 1 });
    });
    await single(a).step({ inputs: { prompt: "hi", other: 1 } });
    assert.deepEqual(got, { prompt: "hi" });
  });

  it("optional inputs take the function's default when omitted, and the value when given", async () => {
    const temps: number[] = [];
    const a = action(
      { writes: ["t"], optionalInputs: ["temperature"] },
      (state, { temperature = 0.5 }: { temperature?: number }) => {
        temps.push(temperature);
        return state.update({ t: temperature });
      },
    );
    const app = single(a);
    await app.step();
    await app.step({ inputs: { temperature: 0.9 } });
    assert.deepEqual(temps, [0.5, 0.9]);
  });

  it("a missing required input is an error naming the input and the action; nothing runs", async () => {
    let ran = false;
    const a = action({ writes: ["p"], inputs: ["prompt", "user"] }, (state) => {
      ran = true;
      return state.update({ p: 1 });
    });
    const app = single(a);
    await assert.rejects(app.step({ inputs: { user: "u" } }), (e: unknown) => {
      assert.ok(e instanceof MissingInputError);
      assert.match(e.message, /"act" needs input "prompt"/);
      assert.match(e.message, /prompt: \/\* FILL ME IN \*\//);
      assert.equal(e.action, "act");
      assert.equal(e.key, "prompt");
      return true;
    });
    assert.equal(ran, false);
    assert.equal(app.sequenceId, null);
  });

  it("bind pre-fills inputs, which then vanish from the declared inputs", async () => {
    const greet = action({ writes: ["greeting"], inputs: ["name", "punctuation"] }, (state, { name, punctuation }: { name: string; punctuation: string }) =>
      state.update({ greeting: `hello ${name}${punctuation}` }),
    );
    const bound = greet.bind({ punctuation: "!" });
    assert.deepEqual([...bound.inputs], ["name"]);
    assert.deepEqual([...greet.inputs], ["name", "punctuation"], "the original is unchanged");
    const r = await single(bound).step({ inputs: { name: "Aaron" } });
    assert.equal(r?.state.get("greeting"), "hello Aaron!");
  });

  it("inputs starting with __ are rejected", async () => {
    const a = action({ writes: ["x"] }, (state) => state.update({ x: 1 }));
    await assert.rejects(single(a).step({ inputs: { __secret: 1 } }), /"__secret" starts with "__"/);
    assert.throws(() => action({ inputs: ["__x"] }, (s) => s), /"__x" starts with "__"/);
  });

  it("a spec that is not arrays of strings is rejected where it is written", () => {
    assert.throws(() => action({ reads: "a" as unknown as string[] }, (s) => s), /"reads" must be an array of strings/);
  });

  it("returning something other than [result, state] or a State fails the step with a fix-it", async () => {
    const a = action({ writes: ["x"] }, () => ({ x: 1 }) as unknown as State);
    await assert.rejects(single(a).step(), (e: unknown) => {
      assert.ok(e instanceof ActionError);
      assert.match(e.message, /must return \[result, state\] or a State/);
      return true;
    });
  });

  it("the class API: run gives the result, update folds it into state", async () => {
    class Counter extends Action {
      reads = ["count"];
      writes = ["count"];
      run(state: State) {
        return { count: (state.get("count") as number) + 1 };
      }
      update(result: Record<string, unknown>, state: State) {
        return state.update({ count: result.count });
      }
    }
    const app = single(new Counter(), { count: 41 });
    const r = await app.step();
    assert.deepEqual(r?.result, { count: 42 });
    assert.equal(app.state.get("count"), 42);
  });

  it("the class API with inputs and an async run", async () => {
    class Echo extends Action {
      reads: string[] = [];
      writes = ["echo"];
      override inputs = ["text"];
      async run(_state: State, inputs: Record<string, unknown>) {
        return { echo: String(inputs.text).toUpperCase() };
      }
      update(result: Record<string, unknown>, state: State) {
        return state.update({ echo: result.echo });
      }
    }
    const r = await single(new Echo()).step({ inputs: { text: "burr" } });
    assert.equal(r?.state.get("echo"), "BURR");
    await assert.rejects(single(new Echo()).step(), MissingInputError);
  });

  it("records where it was defined: the point of the action( call (0-based), never reading the file", async () => {
    const line = Number(new Error().stack!.split("\n")[1].match(/:(\d+):\d+\)?$/)![1]); // this line, 1-based
    const a = action({ writes: ["x"] }, (state) =>
      state.update({ x: 1 }),
    );
    const model = single(a).graph.actions[0];
    assert.equal(model.source?.file, __filename);
    assert.equal(model.source?.start.line, line); // the next line, 0-based
    assert.equal(model.source?.start.character, "    const a = ".length, "at the action( call");
    assert.deepEqual(model.source?.end, model.source?.start, "a point: the language server widens it (burr/definitionRange)");
  });

  it("a class action records the point of its class declaration", () => {
    const line = Number(new Error().stack!.split("\n")[1].match(/:(\d+):\d+\)?$/)![1]); // 1-based: the next line, 0-based
    class Noop extends Action {
      reads: string[] = [];
      writes: string[] = [];
      run() {
        return {};
      }
      update(_r: Record<string, unknown>, state: State) {
        return state;
      }
    }
    const model = single(new Noop()).graph.actions[0];
    assert.equal(model.source?.file, __filename);
    assert.equal(model.source?.start.line, line);
    assert.deepEqual(model.source?.end, model.source?.start);
  });

  it("toString shows reads -> writes", () => {
    assert.equal(String(action({ reads: ["a", "b"], writes: ["c"] }, (s) => s)), "a, b -> c");
  });
});

import assert from "node:assert/strict";
import { ActionError, ApplicationBuilder, ConfigurationError, State, action, expr, when } from "burr-ts";
import { counterApp, finish, increment } from "./fixtures.js";

describe("runtime: application", () => {
  it("sequence ids start at 0 for the first step and grow by one", async () => {
    const app = counterApp();
    assert.equal(app.sequenceId, null);
    assert.equal(app.nextSequenceId, 0);
    await app.step();
    assert.equal(app.sequenceId, 0);
    await app.step();
    assert.equal(app.sequenceId, 1);
  });

  it("step resolves { action, result, state } and null once no transition applies", async () => {
    const app = counterApp(2);
    const names: string[] = [];
    for (let r = await app.step(); r !== null; r = await app.step()) names.push(r.action);
    assert.deepEqual(names, ["increment", "increment", "finish"]);
    assert.equal(await app.step(), null);
    assert.equal(app.state.get("done"), true);
  });

  it("the app id is a UUID unless given; the partition key is null unless given", () => {
    const app = counterApp();
    assert.match(app.uid, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.equal(app.partitionKey, null);
    assert.notEqual(counterApp().uid, app.uid);
    const named = new ApplicationBuilder()
      .withActions({ increment })
      .withTransitions(["increment", "increment"])
      .withState({ count: 0 })
      .withEntrypoint("increment")
      .withIdentifiers({ appId: "my-app", partitionKey: "user-7" })
      .build();
    assert.equal(named.uid, "my-app");
    assert.equal(named.partitionKey, "user-7");
  });

  it("run stops after a haltAfter action and returns it", async () => {
    const app = counterApp(10);
    const r = await app.run({ haltAfter: ["finish"] });
    assert.equal(r.action, "finish");
    assert.deepEqual(r.result, { done: true });
    assert.equal(r.state.get("count"), 10);
    assert.equal(app.sequenceId, 10);
  });

  it("run stops before a haltBefore action, returning it with a null result", async () => {
    const app = counterApp(3);
    const r = await app.run({ haltBefore: ["finish"] });
    assert.equal(r.action, "finish");
    assert.equal(r.result, null);
    assert.equal(app.state.get("count"), 3);
    assert.equal(app.state.has("done"), false);
  });

  it("as in Burr, run always takes one step, even if the next action is in haltBefore", async () => {
    const app = counterApp(1);
    await app.run({ haltBefore: ["finish"] });
    const r = await app.run({ haltBefore: ["finish"] });
    assert.equal(app.state.get("done"), true);
    assert.equal(r.action, "finish");
  });

  it("run without halts runs until the app ends and returns the last step", async () => {
    const r = await counterApp(2).run();
    assert.equal(r.action, "finish");
    assert.deepEqual(r.result, { done: true });
  });

  it("run on an app that has ended returns a null action and the state", async () => {
    const app = counterApp(0);
    await app.run();
    const r = await app.run();
    assert.equal(r.action, null);
    assert.equal(r.state.get("done"), true);
  });

  it("halt lists accept @tag:<name>", async () => {
    const tagged = action({ reads: ["count"], writes: ["count"], tags: ["llm"] }, (s) => s.update({ count: s.get("count") + 10 }));
    const app = new ApplicationBuilder()
      .withActions({ increment, tagged })
      .withTransitions(["increment", "tagged"], ["tagged", "increment"])
      .withState({ count: 0 })
      .withEntrypoint("increment")
      .build();
    const r = await app.run({ haltAfter: ["@tag:llm"] });
    assert.equal(r.action, "tagged");
    assert.equal(app.state.get("count"), 11);
  });

  it("halt lists naming unknown actions are an error that lists the known ones", async () => {
    await assert.rejects(counterApp().run({ haltAfter: ["finsh"] }), (e: unknown) => {
      assert.ok(e instanceof ConfigurationError);
      assert.match(e.message, /haltAfter names action "finsh", which the app does not have. Did you mean "finish"\? Its actions are: increment, finish/);
      return true;
    });
  });

  it("iterate yields every step and returns what run would", async () => {
    const app = counterApp(2);
    const it = app.iterate({ haltAfter: ["finish"] });
    const seen: string[] = [];
    let next = await it.next();
    while (!next.done) {
      seen.push(`${next.value.action}:${next.value.state.get("count")}`);
      next = await it.next();
    }
    assert.deepEqual(seen, ["increment:1", "increment:2", "finish:2"]);
    assert.equal(next.value.action, "finish");
  });

  it("iterate with for await, stopping at haltBefore", async () => {
    const seen: number[] = [];
    for await (const step of counterApp(5).iterate({ haltBefore: ["finish"] })) seen.push(step.state.get("count") as number);
    assert.deepEqual(seen, [1, 2, 3, 4, 5]);
  });

  it("the same inputs are offered to every step; each action takes what it declares", async () => {
    const got: string[] = [];
    const a = action({ writes: ["a"], inputs: ["prompt"] }, (s, { prompt }: { prompt: string }) => {
      got.push(`a:${prompt}`);
      return s.update({ a: 1 });
    });
    const b = action({ writes: ["b"], inputs: ["prompt"] }, (s, { prompt }: { prompt: string }) => {
      got.push(`b:${prompt}`);
      return s.update({ b: 1 });
    });
    const app = new ApplicationBuilder().withActions({ a, b }).withTransitions(["a", "b"]).withEntrypoint("a").build();
    await app.run({ haltAfter: ["b"], inputs: { prompt: "p" } });
    assert.deepEqual(got, ["a:p", "b:p"]);
  });

  it("transitions from one action are tried in order; the first that holds wins", async () => {
    const start = action({ writes: ["n"] }, (s) => s.update({ n: 5 }));
    const big = action({ writes: ["which"] }, (s) => s.update({ which: "big" }));
    const huge = action({ writes: ["which"] }, (s) => s.update({ which: "huge" }));
    const app = new ApplicationBuilder()
      .withActions({ start, big, huge })
      .withTransitions(["start", "big", expr("n > 1")], ["start", "huge", expr("n > 3")])
      .withEntrypoint("start")
      .build();
    const r = await app.run({ haltAfter: ["big", "huge"] });
    assert.equal(r.action, "big");
  });

  it("a transition from a list of sources applies to each", async () => {
    const app = new ApplicationBuilder()
      .withActions({ increment, finish })
      .withTransitions([["increment", "finish"], "increment"])
      .withState({ count: 0 })
      .withEntrypoint("finish")
      .build();
    const names: string[] = [];
    for await (const s of app.iterate({ haltAfter: ["increment"] })) names.push(s.action);
    assert.deepEqual(names, ["finish", "increment"]);
    assert.equal(app.graph.transitions.length, 2);
  });

  it("an exception in an action names app, sequence id and action, and keeps the state before the step", async () => {
    const boom = action({ reads: ["count"], writes: ["count"] }, () => {
      throw new TypeError("the model is down");
    });
    const app = new ApplicationBuilder()
      .withActions({ increment, boom })
      .withTransitions(["increment", "boom"])
      .withState({ count: 0 })
      .withEntrypoint("increment")
      .withIdentifiers({ appId: "crashy" })
      .build();
    await app.step();
    const before = app.state;
    await assert.rejects(app.step(), (e: unknown) => {
      assert.ok(e instanceof ActionError);
      assert.equal(e.appId, "crashy");
      assert.equal(e.action, "boom");
      assert.equal(e.sequenceId, 1);
      assert.ok(e.cause instanceof TypeError);
      assert.match(e.message, /Action "boom" failed at sequence id 1: TypeError: the model is down/);
      assert.match(e.message, /app "crashy"/);
      return true;
    });
    assert.equal(app.state, before);
    assert.equal(app.state.get("count"), 1);
    assert.equal(app.sequenceId, 1, "the failed step used its sequence id, as in Burr");
  });

  it("an async action's rejection is reported the same way", async () => {
    const boom = action({ writes: ["x"] }, async () => {
      throw new Error("later");
    });
    const app = new ApplicationBuilder().withActions({ boom }).withTransitions(["boom", "boom"]).withEntrypoint("boom").build();
    await assert.rejects(app.run({ haltAfter: ["boom"] }), /Action "boom" failed at sequence id 0: Error: later/);
  });

  it("a condition on a key missing from state is a clear error", async () => {
    const noop = action({ writes: ["x"] }, (s) => s.update({ x: 1 }));
    const app = new ApplicationBuilder()
      .withActions({ noop })
      .withTransitions(["noop", "noop", when({ missing: true })])
      .withEntrypoint("noop")
      .build();
    await app.step();
    await assert.rejects(app.step(), /missing/);
  });

  it("app.graph is the graph model with condition text and keys", () => {
    const app = counterApp(3);
    assert.equal(app.graph.entrypoint, "increment");
    assert.deepEqual(
      app.graph.actions.map((a) => [a.name, a.reads, a.writes, a.streaming]),
      [
        ["increment", ["count"], ["count"], false],
        ["finish", ["count"], ["done"], false],
      ],
    );
    assert.deepEqual(
      app.graph.transitions.map((t) => [t.from, t.to, t.condition, t.keys]),
      [
        ["increment", "finish", "count >= 3", ["count"]],
        ["increment", "increment", "default", []],
      ],
    );
  });

  it("transitions record the point of their withTransitions call", () => {
    const app = counterApp(3);
    const [first, second] = app.graph.transitions;
    assert.ok(first.source && second.source);
    assert.match(first.source.file, /fixtures\.ts$/);
    // Both tuples of the call share its point; the language server widens each to its tuple by name.
    assert.deepEqual(second.source, first.source);
    assert.deepEqual(first.source.end, first.source.start);
  });

  it("visualize gives Mermaid and DOT text", () => {
    const app = counterApp(3);
    const mermaid = app.visualize("mermaid");
    assert.match(mermaid, /increment/);
    assert.match(mermaid, /finish/);
    assert.match(app.visualize("dot"), /digraph/);
    assert.throws(() => app.visualize("png" as "dot"), /mermaid" or "dot"/);
  });

  it("a State given to withState is used as is", async () => {
    const initial = new State({ count: 3 });
    const app = new ApplicationBuilder()
      .withActions({ increment, finish })
      .withTransitions(["increment", "finish"])
      .withState(initial)
      .withEntrypoint("increment")
      .build();
    assert.equal(app.state, initial);
    await app.step();
    assert.equal(app.state.get("count"), 4);
    assert.equal(initial.get("count"), 3, "states are immutable");
  });

  it("updateState replaces the state and the transitions choose again; resetToEntrypoint goes back to the start", async () => {
    const app = counterApp(3);
    await app.step();
    assert.equal(app.nextAction(), "increment");
    app.updateState(new State({ count: 3 }));
    assert.equal(app.nextAction(), "finish");
    app.resetToEntrypoint();
    assert.equal(app.nextAction(), "increment");
    const r = await app.step();
    assert.equal(r?.state.get("count"), 4);
    assert.equal(app.sequenceId, 1);
  });
});

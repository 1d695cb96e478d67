import assert from "node:assert/strict";
import {
  ActionError,
  ApplicationBuilder,
  GraphBuilder,
  MapStates,
  RunnableGraph,
  State,
  action,
  mapActions,
  mapActionsAndStates,
  mapStates,
  type ActionContext,
  type PostApplicationCreateArgs,
} from "burr-ts";

const square = action({ reads: ["n"], writes: ["square"] }, (s) => s.update({ square: s.get("n") * s.get("n") }));
const double = action({ reads: ["n"], writes: ["square"] }, (s) => s.update({ square: s.get("n") * 2 }));

function parentApp(mapper: Parameters<ApplicationBuilder["withActions"]>[0][string], created: PostApplicationCreateArgs[] = []) {
  return new ApplicationBuilder()
    .withActions({ fanOut: mapper })
    .withTransitions(["fanOut", "fanOut"])
    .withState({ numbers: [1, 2, 3] })
    .withEntrypoint("fanOut")
    .withIdentifiers({ appId: "parent", partitionKey: "pk" })
    .withTracker({ postApplicationCreate: (a) => void created.push(a) })
    .build();
}

const sumOfSquares = mapStates({
  reads: ["numbers"],
  writes: ["total"],
  action: square,
  states: (state) => (state.get("numbers") as number[]).map((n) => ({ n })),
  reduce: (state, states) => state.update({ total: states.reduce((sum, s) => sum + (s.get("square") as number), 0) }),
});

describe("runtime: parallelism and sub-applications", () => {
  it("mapStates runs one action over many sub-states and reduces their results", async () => {
    const r = await parentApp(sumOfSquares).step();
    assert.equal(r?.state.get("total"), 1 + 4 + 9);
  });

  it("each child is an app that records the spawning step of its parent (with the partition key)", async () => {
    const created: PostApplicationCreateArgs[] = [];
    const app = parentApp(sumOfSquares, created);
    await app.step();
    await app.step();
    const children = created.filter((c) => c.spawningParent);
    assert.equal(children.length, 6);
    assert.deepEqual(children[0].spawningParent, { appId: "parent", sequenceId: 0, partitionKey: "pk" });
    assert.deepEqual(children[3].spawningParent, { appId: "parent", sequenceId: 1, partitionKey: "pk" });
    assert.equal(children[0].partitionKey, "pk");
    const ids = new Set(children.map((c) => c.appId));
    assert.equal(ids.size, 6, "child ids differ between steps too (no stale replay, apache/burr#761)");
    assert.match(children[0].appId, /^[0-9a-f]{64}$/);
  });

  it("a user's postRunStep hook sees child steps only when asked (inherit.hooks)", async () => {
    const steps: string[] = [];
    const mk = (cascade: boolean) =>
      new ApplicationBuilder()
        .withActions({ fanOut: mapStates({ ...sumOfSquaresSpec(), inherit: { hooks: cascade ? "cascade" : null } }) })
        .withTransitions(["fanOut", "fanOut"])
        .withState({ numbers: [1, 2] })
        .withEntrypoint("fanOut")
        .withHooks({ postRunStep: (a) => void steps.push(`${a.appId === "p" ? "parent" : "child"}:${a.action}`) })
        .withIdentifiers({ appId: "p" })
        .build();
    await mk(true).step();
    assert.deepEqual(steps.sort(), ["child:square", "child:square", "parent:fanOut"]);
    steps.length = 0;
    await mk(false).step();
    assert.deepEqual(steps, ["parent:fanOut"]);
  });

  it("mapActions runs many actions over one state", async () => {
    const both = mapActions({
      reads: ["n"],
      writes: ["results"],
      actions: () => [square, double],
      reduce: (state, states) => state.update({ results: states.map((s) => s.get("square")) }),
    });
    const app = new ApplicationBuilder().withActions({ both }).withTransitions(["both", "both"]).withState({ n: 5 }).withEntrypoint("both").build();
    assert.deepEqual((await app.step())?.state.get("results"), [25, 10]);
  });

  it("mapActionsAndStates runs every action over every sub-state, action-major", async () => {
    const grid = mapActionsAndStates({
      reads: ["numbers"],
      writes: ["results"],
      actions: () => [square, double],
      states: async function* (state) {
        for (const n of state.get("numbers") as number[]) yield { n };
      },
      reduce: (state, states) => state.update({ results: states.map((s) => s.get("square")) }),
    });
    const app = new ApplicationBuilder().withActions({ grid }).withTransitions(["grid", "grid"]).withState({ numbers: [2, 3] }).withEntrypoint("grid").build();
    assert.deepEqual((await app.step())?.state.get("results"), [4, 9, 4, 6]);
  });

  it("a child can run a sub-graph until its haltAfter", async () => {
    const inc = action({ reads: ["n"], writes: ["n"] }, (s) => s.update({ n: s.get("n") + 1 }));
    const graph = new GraphBuilder()
      .withActions({ inc, square })
      .withTransitions(["inc", "square"])
      .build();
    const viaGraph = mapStates({
      reads: ["numbers"],
      writes: ["squares"],
      action: new RunnableGraph(graph, "inc", ["square"]),
      states: function* (state) {
        for (const n of state.get("numbers") as number[]) yield new State({ n });
      },
      reduce: (state, states) => state.update({ squares: states.map((s) => s.get("square")) }),
    });
    const r = await parentApp(viaGraph).step();
    assert.deepEqual(r?.state.get("squares"), [4, 9, 16]);
  });

  it("the class API, with inputs passed to the children and a concurrency limit", async () => {
    let running = 0;
    let peak = 0;
    const scaled = action({ reads: ["n"], writes: ["square"], inputs: ["factor"] }, async (s, { factor }: { factor: number }) => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((r) => setImmediate(r));
      running--;
      return s.update({ square: s.get("n") * factor });
    });
    class Scale extends MapStates {
      reads = ["numbers"];
      writes = ["scaled"];
      override inputs = ["factor"];
      override maxConcurrency = 2;
      action() {
        return scaled;
      }
      states(state: State, ctx: ActionContext) {
        assert.equal(ctx.action, "fanOut");
        return (state.get("numbers") as number[]).map((n) => ({ n }));
      }
      reduce(state: State, states: State[]) {
        return state.update({ scaled: states.map((s) => s.get("square")) });
      }
    }
    const app = parentApp(new Scale());
    const r = await app.step({ inputs: { factor: 10 } });
    assert.deepEqual(r?.state.get("scaled"), [10, 20, 30]);
    assert.equal(peak, 2);
  });

  it("a failing child fails the parent's step; the parent's state is kept", async () => {
    const boom = action({ reads: ["n"], writes: ["square"] }, () => {
      throw new Error("child exploded");
    });
    const app = parentApp(mapStates({ ...sumOfSquaresSpec(), action: boom }));
    await assert.rejects(app.step(), (e: unknown) => e instanceof ActionError && e.action === "fanOut" && /child exploded/.test(e.message));
    assert.equal(app.state.has("total"), false);
    assert.equal(app.state.has("total"), false);
  });

  it("a manual sub-application records its parent with withSpawningParent", async () => {
    const created: PostApplicationCreateArgs[] = [];
    const spawn = action({ writes: ["childResult"] }, async (state, _i, ctx) => {
      const child = new ApplicationBuilder()
        .withActions({ square })
        .withTransitions(["square", "square"])
        .withState({ n: 7 })
        .withEntrypoint("square")
        .withSpawningParent({ appId: ctx.appId, sequenceId: ctx.sequenceId, partitionKey: ctx.partitionKey })
        .withHooks({ postApplicationCreate: (a) => void created.push(a) })
        .build();
      const r = await child.run({ haltAfter: ["square"] });
      return state.update({ childResult: r.state.get("square") });
    });
    const app = new ApplicationBuilder().withActions({ spawn }).withTransitions(["spawn", "spawn"]).withEntrypoint("spawn").withIdentifiers({ appId: "boss" }).build();
    assert.equal((await app.step())?.state.get("childResult"), 49);
    assert.deepEqual(created[0].spawningParent, { appId: "boss", sequenceId: 0, partitionKey: null });
  });
});

function sumOfSquaresSpec() {
  return {
    reads: ["numbers"],
    writes: ["total"],
    action: { square },
    states: (state: State) => (state.get("numbers") as number[]).map((n) => ({ n })),
    reduce: (state: State, states: State[]) => state.update({ total: states.reduce((sum, s) => sum + (s.get("square") as number), 0) }),
  };
}

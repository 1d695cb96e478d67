// Wildcard transitions: ["*", "handleError", expr("error != null")] is one
// transition from every action but its target, expanded at build() where it
// was declared, so with onError: captureAs any action's failure routes to one
// handler, and the graph model, validator and debugger see ordinary edges.
import assert from "node:assert/strict";
import {
  ApplicationBuilder,
  ConfigurationError,
  GraphBuilder,
  InvalidGraphError,
  action,
  always,
  captureAs,
  expr,
  validateGraph,
  type CapturedError,
} from "burr-ts";

const thisLine = (): number => Number(new Error().stack!.split("\n")[2].match(/:(\d+):\d+\)?$/)![1]) - 1; // caller's line, 0-based

/** Throws when state.failAt names it; captures the error into "error". */
const step = (name: string, next: string) =>
  action({ reads: ["failAt"], writes: ["error", "trail"], onError: captureAs("error") }, (state) => {
    if (state.get("failAt") === name) throw new Error(`${name} failed`);
    return state.update({ error: null, trail: next });
  });
const fetchPage = step("fetchPage", "summarize");
const summarize = step("summarize", "publish");
const publish = step("publish", "done");
const handleError = action({ reads: ["error"], writes: ["handled", "error"] }, (state) =>
  state.update({ handled: (state.get("error") as CapturedError).message, error: null }),
);

function pipeline(failAt: string | null) {
  return new ApplicationBuilder()
    .withActions({ fetchPage, summarize, publish, handleError })
    .withTransitions(
      ["*", "handleError", expr("error != null")],
      ["fetchPage", "summarize"],
      ["summarize", "publish"],
    )
    .withState({ failAt, error: null })
    .withEntrypoint("fetchPage")
    .withDebugGate(null)
    .build();
}

describe("runtime: wildcard transitions (\"*\")", () => {
  it("routes a captured error from any action to the handler", async () => {
    for (const failAt of ["fetchPage", "summarize", "publish"]) {
      const app = pipeline(failAt);
      const r = await app.run({ haltAfter: ["handleError"] });
      assert.equal(r.action, "handleError", `from ${failAt}`);
      assert.equal(r.state.get("handled"), `${failAt} failed`);
    }
    const clean = await pipeline(null).run({ haltAfter: ["publish"] });
    assert.equal(clean.action, "publish");
    assert.equal(clean.state.has("handled"), false);
  });

  it("app.graph holds the expanded edges, in place, with the withTransitions call's point and a wildcard mark", () => {
    const line = thisLine() + 3;
    const app = new ApplicationBuilder()
      .withActions({ fetchPage, summarize, handleError })
      .withTransitions(["fetchPage", "summarize"], ["*", "handleError", expr("error != null")], ["summarize", "fetchPage"])
      .withState({ failAt: null, error: null })
      .withEntrypoint("fetchPage")
      .build();
    const edges = app.graph.transitions.map((t) => [t.from, t.to, t.condition, t.wildcard ?? false]);
    assert.deepEqual(edges, [
      ["fetchPage", "summarize", "default", false],
      ["fetchPage", "handleError", "error != null", true],
      ["summarize", "handleError", "error != null", true],
      ["summarize", "fetchPage", "default", false],
    ]);
    const [normal, fromFetch, fromSummarize] = app.graph.transitions;
    assert.equal(fromFetch.source?.file, __filename);
    assert.equal(fromFetch.source?.start.line, line);
    assert.deepEqual(fromSummarize.source, fromFetch.source, "every expanded edge points at the one call");
    // One call, one stack frame: the language server tells its tuples apart by their names (burr/definitionRange).
    assert.deepEqual(normal.source, fromFetch.source);
    assert.equal(fromFetch.keys?.join(), "error");
  });

  it("excludes the target: the handler does not loop to itself", () => {
    const app = pipeline(null);
    assert.ok(!app.graph.transitions.some((t) => t.from === "handleError" && t.to === "handleError"));
    assert.equal(app.graph.transitions.filter((t) => t.wildcard).length, 3);
  });

  it("declared first it wins over later edges; declared last it is only a fallback", async () => {
    // pipeline() declares the wildcard first: fetchPage's error beats its unconditional edge to summarize.
    assert.equal((await pipeline("fetchPage").run({ haltAfter: ["handleError", "summarize"] })).action, "handleError");

    const last = new ApplicationBuilder()
      .withActions({ fetchPage, summarize, handleError })
      .withTransitions(["fetchPage", "summarize"], ["*", "handleError", expr("error != null")])
      .withState({ failAt: "fetchPage", error: null })
      .withEntrypoint("fetchPage")
      .withDebugGate(null)
      .build();
    // fetchPage's unconditional edge is tried first, so its error goes on to summarize.
    const r = await last.run({ haltAfter: ["handleError", "summarize"] });
    assert.equal(r.action, "summarize");
    const problems = validateGraph(last.graph, { appName: "last" });
    const shadowed = problems.filter((p) => p.code === "shadowed-transition");
    assert.equal(shadowed.length, 1, "the validator says the fallback from fetchPage is never taken");
    assert.equal(last.graph.transitions[shadowed[0].transition!].from, "fetchPage");
    assert.equal(last.graph.transitions[shadowed[0].transition!].wildcard, true);
  });

  it("covers actions added after withTransitions", () => {
    const app = new ApplicationBuilder()
      .withTransitions(["*", "handleError", expr("error != null")], ["fetchPage", "summarize"])
      .withActions({ fetchPage, handleError })
      .withActions({ summarize })
      .withState({ failAt: null, error: null })
      .withEntrypoint("fetchPage")
      .build();
    assert.deepEqual(app.graph.transitions.filter((t) => t.wildcard).map((t) => t.from), ["fetchPage", "summarize"]);
  });

  it("an always-true wildcard declared first shadows every later transition", () => {
    const build = () =>
      new ApplicationBuilder()
        .withActions({ fetchPage, summarize, handleError })
        .withTransitions(["*", "handleError", always], ["fetchPage", "summarize"])
        .withState({ failAt: null, error: null })
        .withEntrypoint("fetchPage")
        .build();
    // A later unconditional edge from fetchPage can never be taken: Burr rejects it, so does build().
    assert.throws(build, (e: unknown) => {
      assert.ok(e instanceof InvalidGraphError);
      assert.deepEqual(e.problems.map((p) => p.code), ["redundant-default"]);
      assert.match(e.message, /fetchPage → summarize is redundant.*fetchPage → handleError/);
      return true;
    });
  });

  it('"*" as a target, inside a source list, as an action name or in a halt list is a ConfigurationError saying what to do', async () => {
    const builder = () => new ApplicationBuilder().withActions({ fetchPage, handleError });
    assert.throws(() => builder().withTransitions(["fetchPage", "*"]), (e: unknown) => {
      assert.ok(e instanceof ConfigurationError);
      assert.match(e.message, /goes to "\*", but a transition goes to one action: name it/);
      return true;
    });
    assert.throws(() => builder().withTransitions([["*", "fetchPage"], "handleError"]), /write "\*" alone as the source \(\["\*", "handleError", condition\]\)/);
    assert.throws(() => builder().withActions({ "*": handleError }), /an action cannot be named "\*"/);
    assert.throws(() => new GraphBuilder().withTransitions(["a", "*"]), ConfigurationError);
    assert.throws(() => new GraphBuilder().withActions({ "*": handleError }), ConfigurationError);
    const app = pipeline(null);
    await assert.rejects(app.run({ haltAfter: ["*"] }), /haltAfter cannot hold "\*".*List the actions/);
    await assert.rejects(app.run({ haltBefore: ["*"] }), /haltBefore cannot hold "\*"/);
  });

  it('"*" as the entrypoint fails build() naming the app', () => {
    assert.throws(
      () => new ApplicationBuilder().withActions({ fetchPage }).withName("pipeline").withState({ failAt: null, error: null }).withEntrypoint("*").build(),
      (e: unknown) => {
        assert.ok(e instanceof InvalidGraphError);
        assert.equal(e.problems.length, 1);
        assert.match(e.problems[0].message, /^App "pipeline": the entrypoint cannot be "\*".*withEntrypoint \("fetchPage"\)/);
        return true;
      },
    );
  });

  it("GraphBuilder: the graph keeps one \"*\" entry, expanded over the app's actions where it is used", async () => {
    const graph = new GraphBuilder()
      .withActions({ fetchPage, handleError })
      .withTransitions(["*", "handleError", expr("error != null")], ["fetchPage", "summarize"])
      .build();
    assert.deepEqual(graph.transitions.map((t) => t.from), ["*", "fetchPage"]);
    assert.deepEqual(graph.toModel("fetchPage").transitions.map((t) => [t.from, t.to, t.wildcard ?? false]), [
      ["fetchPage", "handleError", true],
      ["fetchPage", "summarize", false],
    ]);
    const app = new ApplicationBuilder()
      .withGraph(graph)
      .withActions({ summarize })
      .withState({ failAt: "summarize", error: null })
      .withEntrypoint("fetchPage")
      .withDebugGate(null)
      .build();
    assert.deepEqual(app.graph.transitions.map((t) => [t.from, t.to]), [
      ["fetchPage", "handleError"],
      ["summarize", "handleError"],
      ["fetchPage", "summarize"],
    ]);
    const r = await app.run({ haltAfter: ["handleError"] });
    assert.equal(r.state.get("handled"), "summarize failed");
  });
});

import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ApplicationBuilder, ConfigurationError, GraphBuilder, InvalidGraphError, State, action, when } from "burr-ts";
import { finish, increment } from "./fixtures.js";

describe("runtime: builder", () => {
  it("build() throws one error listing every problem, each with a fix-it", () => {
    const b = new ApplicationBuilder()
      .withActions({ increment, finish })
      .withTransitions(["increment", "finsh"], ["nowhere", "increment"])
      .withState({ count: 0 })
      .withEntrypoint("incremnt")
      .withIdentifiers({ appId: "broken-app" });
    assert.throws(
      () => b.build(),
      (e: unknown) => {
        assert.ok(e instanceof InvalidGraphError);
        const codes = e.problems.map((p) => p.code);
        assert.ok(codes.filter((c) => c === "unknown-action").length >= 3, codes.join(","));
        assert.match(e.message, /problems; fix them and build again/);
        assert.match(e.message, /"finsh"/);
        assert.match(e.message, /"nowhere"/);
        assert.match(e.message, /"incremnt"/);
        assert.match(e.message, /increment/, "suggests the closest name");
        assert.equal(e.appId, "broken-app");
        return true;
      },
    );
  });

  it("a missing entrypoint is a problem", () => {
    assert.throws(
      () => new ApplicationBuilder().withActions({ increment }).withTransitions(["increment", "increment"]).withState({ count: 0 }).build(),
      (e: unknown) => e instanceof InvalidGraphError && e.problems.some((p) => p.code === "missing-entrypoint"),
    );
  });

  it("warnings do not stop the build", () => {
    // finish is unreachable: a warning, not an error.
    const app = new ApplicationBuilder()
      .withActions({ increment, finish })
      .withTransitions(["increment", "increment"])
      .withState({ count: 0 })
      .withEntrypoint("increment")
      .build();
    assert.equal(app.graph.actions.length, 2);
  });

  it("registering one name twice is reported", () => {
    assert.throws(
      () =>
        new ApplicationBuilder()
          .withActions({ increment })
          .withActions({ increment: finish })
          .withTransitions(["increment", "increment"])
          .withState({ count: 0 })
          .withEntrypoint("increment")
          .build(),
      (e: unknown) => e instanceof InvalidGraphError && e.problems.some((p) => p.code === "duplicate-action" && p.action === "increment"),
    );
  });

  it("rejects things that are not actions or conditions where they are given", () => {
    assert.throws(() => new ApplicationBuilder().withActions({ nope: (() => 1) as never }), /"nope" is not an action/);
    assert.throws(() => new ApplicationBuilder().withTransitions(["a", "b", "safe" as never]), /is not a condition/);
    assert.throws(() => new ApplicationBuilder().withTransitions(["a"] as never), /must be \[from, to\] or \[from, to, condition\]/);
  });

  it("withEntrypoint once only", () => {
    assert.throws(() => new ApplicationBuilder().withEntrypoint("a").withEntrypoint("b"), ConfigurationError);
  });

  it("withState merges several calls, and takes a State", () => {
    const app = new ApplicationBuilder()
      .withActions({ increment })
      .withTransitions(["increment", "increment"])
      .withState({ count: 0, a: 1 })
      .withState(new State({ a: 2, b: 3 }))
      .withEntrypoint("increment")
      .build();
    assert.deepEqual(app.state.getAll(), { count: 0, a: 2, b: 3 });
  });

  it("a value state cannot serialize is caught where it enters", () => {
    assert.throws(() => new ApplicationBuilder().withState({ fn: () => 1 } as never), /fn/);
  });

  it("withGraph adds a reusable graph built with GraphBuilder", async () => {
    const graph = new GraphBuilder()
      .withActions({ increment, finish })
      .withTransitions(["increment", "finish", when({ count: 2 })], ["increment", "increment"])
      .build();
    const mk = () => new ApplicationBuilder().withGraph(graph).withState({ count: 0 }).withEntrypoint("increment").build();
    const r = await mk().run({ haltAfter: ["finish"] });
    assert.equal(r.state.get("count"), 2);
    assert.equal(mk().graph.transitions[0].condition, "count=2");
    assert.equal(graph.toModel().actions.length, 2);
  });

  it("GraphBuilder rejects a name registered twice", () => {
    assert.throws(() => new GraphBuilder().withActions({ a: increment }).withActions({ a: finish }).build(), /"a" registered twice/);
  });

  it("withTracker needs a project, or takes any hooks object", async () => {
    assert.throws(() => new ApplicationBuilder().withTracker("local", {} as never), /needs a project name/);
    const seen: string[] = [];
    const app = new ApplicationBuilder()
      .withActions({ increment })
      .withTransitions(["increment", "increment"])
      .withState({ count: 0 })
      .withEntrypoint("increment")
      .withTracker({ postRunStep: (a) => void seen.push(a.action) })
      .build();
    await app.step();
    assert.deepEqual(seen, ["increment"]);
  });

  it("one action object can serve under two names in one app", async () => {
    const a = action({ reads: ["count"], writes: ["count"] }, (s) => s.update({ count: s.get("count") + 1 }));
    const app = new ApplicationBuilder()
      .withActions({ first: a, second: a })
      .withTransitions(["first", "second"])
      .withState({ count: 0 })
      .withEntrypoint("first")
      .build();
    const r = await app.run({ haltAfter: ["second"] });
    assert.equal(r.state.get("count"), 2);
  });

  it('withTracker("local", { project, storageDir }) writes the run in Burr\'s layout', async () => {
    const storageDir = mkdtempSync(join(tmpdir(), "burr-builder-tracker-"));
    try {
      const app = new ApplicationBuilder()
        .withActions({ increment, finish })
        .withTransitions(["increment", "finish"])
        .withState({ count: 0 })
        .withEntrypoint("increment")
        .withIdentifiers({ appId: "tracked-app" })
        .withTracker("local", { project: "builder-test", storageDir })
        .build();
      await app.run({ haltAfter: ["finish"] });
      const dir = join(storageDir, "builder-test", "tracked-app");
      assert.ok(existsSync(join(dir, "graph.json")));
      const lines = readFileSync(join(dir, "log.jsonl"), "utf8").trim().split("\n");
      assert.equal(lines.length, 4, "a begin and an end entry per step");
    } finally {
      rmSync(storageDir, { recursive: true, force: true });
    }
  });
});

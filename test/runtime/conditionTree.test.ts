// Each transition of a built app records its condition as data
// (TransitionModel.conditionTree): when() values in stored form, expr parse
// trees, not/and/or, and condition(fn) as a custom name with its keys.
import { strict as assert } from "node:assert";
import { action, ApplicationBuilder, condition, expr, when, type ConditionTree } from "burr-ts";

const noop = action({ reads: [], writes: [] }, (state) => [{}, state]);

describe("graph model: condition trees", () => {
  const app = new ApplicationBuilder()
    .withActions({ a: noop, b: noop, c: noop, d: noop, e: noop })
    .withTransitions(
      ["a", "b", when({ mode: "x", at: new Date("2024-01-01T00:00:00Z") })],
      ["a", "c", expr("len(items) > 2").not().or(when({ flag: true }))],
      ["a", "d", condition((s) => s.get("n") === 1, { keys: ["n"], name: "isOne" })],
      ["a", "e", when({ fn: () => 1 })],
      ["a", "e"],
    )
    .withState({ mode: "x", at: new Date(0), items: [], flag: false, n: 0, fn: 0 })
    .withEntrypoint("a")
    .build();
  const trees = app.graph.transitions.map((t) => t.conditionTree);

  it("when(): keys sorted, values in the stored (serde-tagged) form states are recorded in", () => {
    const tree = trees[0] as Extract<ConditionTree, { kind: "when" }>;
    assert.equal(tree.kind, "when");
    assert.deepEqual(tree.equals.map((e) => e.key), ["at", "mode"]);
    assert.equal(tree.equals[1]!.value, "x");
    const at = tree.equals[0]!.value as Record<string, unknown>;
    assert.equal(typeof at, "object", "a Date is stored tagged, not as its display text");
    assert.ok(Object.keys(at).some((k) => k.startsWith("__burr")), JSON.stringify(at));
  });

  it("not / or / expr keep the parse tree; the display text is unchanged beside it", () => {
    assert.equal(app.graph.transitions[1]!.condition, "(not (len(items) > 2)) or flag=true");
    const tree = trees[1] as Extract<ConditionTree, { operands: unknown }>;
    assert.equal(tree.kind, "or");
    const [left, right] = tree.operands;
    assert.equal(left!.kind, "not");
    const inner = (left as Extract<ConditionTree, { kind: "not" }>).operand as Extract<ConditionTree, { kind: "expr" }>;
    assert.equal(inner.kind, "expr");
    assert.equal(inner.source, "len(items) > 2");
    assert.equal(inner.tree.kind, "compare");
    assert.deepEqual(right, { kind: "when", equals: [{ key: "flag", value: true }] });
  });

  it("condition(fn) is custom with its name and keys; a when() value with no stored form falls back to custom; no condition is default", () => {
    assert.deepEqual(trees[2], { kind: "custom", name: "isOne", keys: ["n"] });
    assert.equal(trees[3]!.kind, "custom");
    assert.deepEqual((trees[3] as Extract<ConditionTree, { kind: "custom" }>).keys, ["fn"]);
    assert.deepEqual(trees[4], { kind: "default" });
  });

  it("the tree survives JSON (graph.json) unchanged", () => {
    assert.deepEqual(JSON.parse(JSON.stringify(trees)), trees);
  });
});

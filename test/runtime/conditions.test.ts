// Conditions: when/expr/condition/always, combinators, display text, missing keys.
import assert from "node:assert/strict";
import { State, Condition, always, condition, expr, when, ConditionKeyError, ConditionTypeError, ExprSyntaxError } from "burr-ts";

const state = new State({
  count: 12,
  done: false,
  safe: true,
  mode: "chat",
  user: { age: 20, name: "ada", tags: ["a", "b"] },
  history: [1, 2, 3],
  nothing: null,
  empty: [],
});

describe("when()", () => {
  it("holds when every key equals its value", () => {
    assert.equal(when({ safe: true }).run(state), true);
    assert.equal(when({ safe: false }).run(state), false);
    assert.equal(when({ safe: true, mode: "chat" }).run(state), true);
    assert.equal(when({ safe: true, mode: "other" }).run(state), false);
  });

  it("compares arrays and objects by value", () => {
    assert.equal(when({ history: [1, 2, 3] }).run(state), true);
    assert.equal(when({ user: { age: 20, name: "ada", tags: ["a", "b"] } }).run(state), true);
    assert.equal(when({ user: { age: 20 } }).run(state), false);
  });

  it("has a canonical name: keys sorted, values as JSON", () => {
    assert.equal(when({ safe: false }).name, "safe=false");
    assert.equal(when({ mode: "chat", count: 3, nothing: null }).name, 'count=3, mode="chat", nothing=null');
    assert.deepEqual(when({ b: 1, a: 2 }).keys, ["a", "b"]);
  });

  it("throws naming the key when it is missing (not false, as in Burr)", () => {
    assert.throws(
      () => when({ absent: 1 }).run(state),
      (error: unknown) =>
        error instanceof ConditionKeyError && error.key === "absent" && /"absent=1"/.test(error.message) && /withState/.test(error.message),
    );
  });

  it("rejects an empty object", () => {
    assert.throws(() => when({}), /at least one key/);
  });
});

describe("expr()", () => {
  const holds = (source: string) => expr(source).run(state);

  it("compares numbers, strings, booleans and null", () => {
    assert.equal(holds("count >= 10"), true);
    assert.equal(holds("count < 10"), false);
    assert.equal(holds("count == 12 and count != 13"), true);
    assert.equal(holds("mode == 'chat'"), true);
    assert.equal(holds('mode == "chat"'), true);
    assert.equal(holds("mode < 'd'"), true);
    assert.equal(holds("done == false"), true);
    assert.equal(holds("nothing == null"), true);
    assert.equal(holds("count == -12"), false);
    assert.equal(holds("count > 1.5e1"), false);
  });

  it("has the usual precedence: not > and > or; comparisons bind tightest", () => {
    assert.equal(holds("count >= 10 and not done"), true);
    assert.equal(holds("not done and done"), false, "(not done) and done");
    assert.equal(holds("done and done or safe"), true, "(done and done) or safe");
    assert.equal(holds("safe or done and done"), true, "safe or (done and done)");
    assert.equal(holds("not (safe or done)"), false);
    assert.equal(holds("not count == 12"), false, "not (count == 12), as in Python");
  });

  it("accepts && || ! and Python's True/False/None", () => {
    assert.equal(holds("count > 3 && !done || false"), true);
    assert.equal(holds("safe == True and done == False and nothing == None"), true);
  });

  it("chains comparisons like Python", () => {
    assert.equal(holds("0 < count < 20"), true);
    assert.equal(holds("0 < count < 5"), false);
  });

  it("reads dotted paths and .length, and a missing property reads as null", () => {
    assert.equal(holds("user.age >= 18"), true);
    assert.equal(holds("user.name == 'ada'"), true);
    assert.equal(holds("history.length == 3 and user.tags.length == 2 and mode.length == 4"), true);
    assert.equal(holds("user.missing == null"), true);
    assert.equal(holds("user.constructor == null"), true, "prototype properties are not reachable");
  });

  it("uses Python-like truthiness for bare values", () => {
    assert.equal(holds("history"), true);
    assert.equal(holds("empty"), false);
    assert.equal(holds("not nothing"), true);
    assert.equal(holds("mode and count"), true);
  });

  it("lists the state keys it reads and keeps the source (trimmed) as its name", () => {
    const c = expr("  count >= 10 and user.age > 3 and not done and count < 100 ");
    assert.deepEqual(c.keys, ["count", "user", "done"]);
    assert.equal(c.name, "count >= 10 and user.age > 3 and not done and count < 100");
  });

  it("throws naming the key when a key is missing", () => {
    assert.throws(() => holds("count > 1 or absent"), (e: unknown) => e instanceof ConditionKeyError && e.key === "absent");
  });

  it("throws a clear error when ordering values of different types", () => {
    assert.throws(
      () => holds("mode > 3"),
      (e: unknown) => e instanceof ConditionTypeError && /mode \(which is "chat"\) and 3/.test((e as Error).message),
    );
    assert.throws(() => holds("nothing < 1"), ConditionTypeError);
  });

  it("supports string escapes", () => {
    const s = new State({ text: 'say "hi"\n' });
    assert.equal(expr('text == "say \\"hi\\"\\n"').run(s), true);
    assert.equal(expr("text == 'say \"hi\"\\u000a'").run(s), true);
  });
});

describe("expr() parse errors", () => {
  const cases: Array<[string, number, RegExp]> = [
    ["count >= ", 10, /expected a value .* but found end of input/],
    ["count = 3", 7, /expected "==" /],
    ["a & b", 3, /expected "&&" or "and"/],
    ["a | b", 3, /expected "\|\|" or "or"/],
    ["(a > 1", 7, /expected "\)" to close the "\(" at column 1/],
    ["'abc", 5, /closing ' for the string opened at column 1/],
    ["count >= 10 10", 13, /expected "and", "or", an operator or the end/],
    ["and", 1, /expected a value/],
    ["", 1, /expected an expression/],
    ["a.", 3, /a property name after '\.'/],
    ["a # b", 3, /found "#"/],
    ["'\\q'", 2, /an escape/],
    ["x -", 4, /expected a value .* but found end of input/],
    ["len(x, y)", 1, /one argument to len\(\)/],
    ["foo(x)", 1, /a state key or one of the functions len, min, max, abs, sum, any, all/],
    ["x is 3", 6, /None, True or False after "is"/],
    ["xs[0", 5, /"\]" to close the "\[" at column 3/],
    ["[1, 2", 6, /"," or "\]" to close the "\[" at column 1/],
    ["x.y(1)", 4, /only len, min, max, abs, sum, any, all can be called/],
  ];
  for (const [source, column, pattern] of cases) {
    it(`${JSON.stringify(source)} fails at column ${column}`, () => {
      assert.throws(
        () => expr(source),
        (e: unknown) => e instanceof ExprSyntaxError && e.column === column && pattern.test(e.message),
      );
    });
  }

  it("never evaluates code: calls, indexing, assignment and templates are parse errors", () => {
    for (const source of [
      "constructor.constructor('x')()",
      "process.exit(1)",
      "count = 1",
      "`${count}`",
      "count; done",
      "(() => true)()",
      "x.toString()",
      "len.call(x)",
    ]) {
      assert.throws(() => expr(source), ExprSyntaxError, source);
    }
  });

  it("shows the source and a caret under the problem", () => {
    assert.throws(() => expr("count >> 1"), (e: unknown) => (e as Error).message.includes("count >> 1\n         ^"));
  });
});

describe("condition(), always and combinators", () => {
  it("condition() wraps a function, checks its keys first and names it", () => {
    const big = condition((s) => (s.get("count") as number) > 10, { keys: ["count"], name: "big" });
    assert.equal(big.run(state), true);
    assert.equal(big.name, "big");
    function isAdult(s: Pick<State, "get">) {
      return ((s.get("user") as { age: number }).age) >= 18;
    }
    assert.equal(condition(isAdult, { keys: ["user"] }).name, "isAdult");
    assert.equal(condition(() => true, { keys: ["a", "b"] }).name, "condition(a, b)");
    assert.throws(() => condition(() => true, { keys: ["absent"] }).run(state), ConditionKeyError);
  });

  it("always holds, reads nothing and is displayed as default", () => {
    assert.equal(always.run(new State()), true);
    assert.deepEqual(always.keys, []);
    assert.equal(always.name, "default");
    assert.equal(always.isDefault, true);
    assert.equal(when({ safe: true }).isDefault, false);
  });

  it("not/and/or combine results, keys and names", () => {
    const safe = when({ safe: true });
    const many = expr("count > 100");
    assert.equal(safe.not().run(state), false);
    assert.equal(safe.and(many).run(state), false);
    assert.equal(safe.or(many).run(state), true);
    assert.equal(safe.and(many).not().run(state), true);
    assert.deepEqual(safe.and(many).keys, ["safe", "count"]);
    assert.deepEqual(safe.or(expr("safe and count > 1")).keys, ["safe", "count"]);
    assert.equal(safe.not().name, "not safe=true");
    assert.equal(safe.and(many).name, "safe=true and (count > 100)");
    assert.equal(safe.or(many).not().name, "not (safe=true or (count > 100))");
  });

  it("combinators of function conditions still see the whole state", () => {
    const fn = condition((s) => s.get("mode") === "chat", { keys: ["mode"] });
    assert.equal(fn.not().run(state), false);
    assert.equal(fn.and(when({ safe: true })).run(state), true);
  });

  it("a combined condition checks every key before evaluating (as Burr)", () => {
    assert.throws(() => when({ safe: true }).or(when({ absent: 1 })).run(state), ConditionKeyError);
  });

  it("Condition.lt/lte/gt/gte build readable comparisons", () => {
    assert.equal(Condition.lt("count", 13).run(state), true);
    assert.equal(Condition.gte("count", 13).run(state), false);
    assert.equal(Condition.gt("mode", "a").run(state), true);
    assert.equal(Condition.lte("count", 12).name, "count <= 12");
    assert.equal(Condition.gt("mode", 'say "x"').name, 'mode > "say \\"x\\""');
  });
});

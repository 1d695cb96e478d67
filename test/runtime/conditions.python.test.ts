// expr() as Burr users write it in Python: the contract's subset (len, in,
// arithmetic, subscripts, is None, chained comparisons...). Cases are the
// shapes found in Burr's examples and tests; each is evaluated against the
// Python meaning, and the keys an expression tests stay exact.
import assert from "node:assert/strict";
import { ApplicationBuilder, ConditionKeyError, ConditionTypeError, ExprSyntaxError, State, action, evaluateExpr, expr } from "burr-ts";

const state = new State({
  count: 7,
  history: [{ role: "user", content: "hi" }, { role: "assistant", content: "hello" }],
  mode: "chat",
  tags: ["a", "b"],
  scores: [3, 9, 4],
  doc: { title: "T", "odd key": 1 },
  answer: null,
  a: 2,
  b: 3,
  done: false,
});

describe("expr(): the Python subset Burr users write", () => {
  const holds: Array<[string, boolean]> = [
    ["len(history) > 1", true],
    ["len(history) >= 3", false],
    ["len(mode) == 4 and len(doc) == 2", true],
    ['mode in ["chat", "voice"]', true],
    ['mode not in ["chat", "voice"]', false],
    ['"a" in tags', true],
    ['"z" not in tags', true],
    ['"ha" in mode', true],
    ['"title" in doc', true],
    ["a + b == 5", true],
    ["a * b - 1 == 5", true],
    ["count // a == 3", true],
    ["count % a == 1", true],
    ["-count % 3 == 2", true],
    ["count / a == 3.5", true],
    ["-a < 0 < b", true],
    ["1 < a < b < 10", true],
    ["1 < a > b", false],
    ['doc["title"] == "T"', true],
    ['doc["odd key"] == 1', true],
    ["scores[0] == 3 and scores[-1] == 4", true],
    ['history[-1]["content"] == "hello"', true],
    ["history[-1].content == 'hello'", true],
    ["answer is None", true],
    ["answer is not None", false],
    ["done is False", true],
    ["not done and count > 5", true],
    ["max(scores) == 9 and min(scores) == 3", true],
    ["max(a, b) == b", true],
    ["abs(-count) == 7", true],
    ["sum(scores) == 16", true],
    ["sum(scores, 4) == 20", true],
    ["any([done, a > 1])", true],
    ["all([done, a > 1])", false],
    ["mode + '!' == 'chat!'", true],
    ["tags + ['c'] == ['a', 'b', 'c']", true],
    ["mode * 2 == 'chatchat'", true],
    ["(a + b) * 2 == 10", true],
    ["len([1, 2, 3,]) == 3", true],
    ["scores", true],
    ["not []", true],
    ["True and not False and None is None", true],
  ];
  for (const [source, expected] of holds) {
    it(`${source} → ${expected}`, () => {
      assert.equal(expr(source).run(state), expected);
    });
  }

  it("the keys an expression tests are exact: builtins and literals are not keys", () => {
    assert.deepEqual(expr("len(history) > 1").keys, ["history"]);
    assert.deepEqual(expr('mode in ["chat", "voice"]').keys, ["mode"]);
    assert.deepEqual(expr("scores[a] + max(b, count) > sum([a, b])").keys, ["scores", "a", "b", "count"]);
    assert.deepEqual(expr('doc["title"].upper is None').keys, ["doc"]);
    assert.deepEqual(expr("answer is None").keys, ["answer"]);
    assert.deepEqual(expr("len == 3").keys, ["len"], "a builtin's name not called is a state key");
  });

  it("a missing key is a ConditionKeyError, as in Burr", () => {
    assert.throws(() => expr("len(missing) > 0").run(state), (e: unknown) => e instanceof ConditionKeyError && e.key === "missing");
  });

  it("type mismatches name the expression, the values and the fix", () => {
    const cases: Array<[string, RegExp]> = [
      ["mode + 1 > 0", /cannot apply "\+" to mode \(which is "chat"\) and 1.*"\+" takes two numbers, two strings or two lists/],
      ["count / (a - 2) > 1", /a - 2 is 0 on the right of "\/"/],
      ["scores[5] == 1", /scores\[5\]: index 5 is out of range for a list of length 3.*len\(scores\) > 5/],
      ['doc["nope"] == 1', /doc\["nope"\]: doc has no key "nope".*"nope" in doc/],
      ["1 in count", /"in" needs a list, a string or an object on the right, got count \(which is 7\)/],
      ["len(count) > 1", /len\(\) takes a list, a string or an object, got count \(which is 7\)/],
      ["-mode == 1", /cannot negate mode/],
      ["mode > 3", /cannot apply ">" to mode \(which is "chat"\) and 3/],
      ["max([]) > 1", /max\(\) of an empty list has no value/],
    ];
    for (const [source, pattern] of cases) {
      assert.throws(() => expr(source).run(state), (e: unknown) => e instanceof ConditionTypeError && pattern.test(e.message), source);
      assert.throws(() => expr(source).run(state), new RegExp(`expr\\(${JSON.stringify(source).replace(/[[\]()*+?.\\^$|]/g, "\\$&")}\\)`));
    }
  });

  it("subscripts and attributes never reach prototypes or globals", () => {
    const s = new State({ o: {}, xs: [1] });
    assert.equal(expr("o.constructor is None").run(s), true);
    assert.throws(() => expr('o["constructor"] == 1').run(s), /o has no key "constructor"/);
    assert.throws(() => expr('o["__proto__"] == 1').run(s), /o has no key "__proto__"/);
    assert.throws(() => expr("globalThis['x'] == 1").run(s), ConditionKeyError, "globalThis is a state key like any other");
    assert.throws(() => expr('xs["length"] == 1').run(s), /a list is indexed by a whole number/);
  });

  it("hostile nesting fails cleanly with a syntax error, never a stack overflow", () => {
    for (const deep of ["(".repeat(5000) + "x" + ")".repeat(5000), "not ".repeat(5000) + "x", "-".repeat(5000) + "x", "[".repeat(5000)]) {
      assert.throws(() => expr(deep), (e: unknown) => e instanceof ExprSyntaxError && /at most 200 levels of nesting/.test(e.message));
    }
    assert.equal(expr("(".repeat(150) + "a" + ")".repeat(150)).run(state), true);
    // A long text is shown as a window around the column, caret still under the problem.
    const long = `count > ${"1 + ".repeat(100)}= 3`;
    assert.throws(() => expr(long), (e: unknown) => {
      const [first, shown, caret] = (e as Error).message.split("\n");
      assert.ok(first!.length < 300 && shown!.length < 130, "bounded");
      assert.equal(shown![caret!.indexOf("^")], "=");
      return e instanceof ExprSyntaxError && e.column === long.indexOf("= 3") + 1;
    });
  });

  it("syntax errors name the column", () => {
    assert.throws(() => expr("len(history) >"), (e: unknown) => e instanceof ExprSyntaxError && e.column === 15);
    assert.throws(() => expr("history[-1"), (e: unknown) => e instanceof ExprSyntaxError && e.column === 11 && /column 8/.test(e.message));
  });
});

describe("expr() in an app", () => {
  it("a type error while choosing the next action names the app, the transition and the fix", async () => {
    const write = action({ writes: ["mode"] }, (s) => s.update({ mode: "chat" }));
    const app = new ApplicationBuilder()
      .withActions({ write })
      .withTransitions(["write", "write", expr("mode + 1 > 2")])
      .withEntrypoint("write")
      .withIdentifiers({ appId: "typed-app" })
      .build({ warnings: "silent" });
    await assert.rejects(app.run({ haltAfter: [] }), (e: unknown) => {
      assert.ok(e instanceof ConditionTypeError);
      assert.equal(e.appId, "typed-app");
      assert.equal(e.action, "write");
      assert.match(e.message, /^Transition write → write: expr\("mode \+ 1 > 2"\): cannot apply "\+" to mode \(which is "chat"\) and 1/);
      assert.match(e.message, /\[app "typed-app", action "write", sequence id 0\]/);
      return true;
    });
  });
});

describe("evaluateExpr(): the value of an expression (the debugger's evaluate)", () => {
  it("returns values, not just truth", () => {
    assert.equal(evaluateExpr("len(history)", state), 2);
    assert.equal(evaluateExpr("history[-1].content", state), "hello");
    assert.deepEqual(evaluateExpr("scores + [1]", state), [3, 9, 4, 1]);
    assert.equal(evaluateExpr("count >= 3", state), true);
  });

  it("Sets and Maps (values beyond JSON) work with in and len()", () => {
    const values: Record<string, unknown> = { tags: new Set(["a", "b"]), byId: new Map([["x", 1]]) };
    const view = { has: (k: string) => k in values, get: (k: string) => values[k], keys: () => Object.keys(values) };
    assert.equal(evaluateExpr('"a" in tags and "z" not in tags', view), true);
    assert.equal(evaluateExpr('"x" in byId and len(byId) == 1 and len(tags) == 2', view), true);
  });

  it("a key not in state is a ConditionKeyError naming it", () => {
    assert.throws(() => evaluateExpr("len(nothing)", state), (e: unknown) => e instanceof ConditionKeyError && e.key === "nothing");
  });
});

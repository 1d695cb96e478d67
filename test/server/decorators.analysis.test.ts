// The analysis of decorated classes in process (no LSP): the forms of
// actionsOf it follows, JS spread semantics, inheritance, and honesty (no
// false "unknown action" when the class cannot be read).
import assert from "node:assert/strict";
import { AnalysisHost } from "../../server/src/analysis/host.js";
import { validateGraph } from "../../runtime/src/graph/validate.js";

const HEADER = `import { ApplicationBuilder, State, action, actionsOf, streamingAction } from "burr-ts";\n`;

function analyse(files: Record<string, string>, main = "/w/app.ts") {
  const host = new AnalysisHost((g, o) => validateGraph(g, o), { rethrow: true });
  for (const [path, text] of Object.entries(files)) host.setFile(path, text);
  const a = host.analyse(main);
  return { analysis: a, app: a.apps[0]!, codes: a.problems.map((p) => `${p.code}:${p.action ?? ""}`).sort() };
}

const base = `export class Base {
  @action({ reads: [], writes: ["a"] })
  first(state: State) { return state.update({ a: 1 }); }
  @action({ reads: ["a"], writes: ["b"] })
  second(state: State) { return state.update({ b: state.get("a") }); }
}
`;

describe("language server analysis: decorated classes (in process)", () => {
  it("follows actionsOf(this), a variable holding actionsOf, and a subclass across files (base first, override in place)", () => {
    const { app, codes } = analyse({
      "/w/base.ts": HEADER + base,
      "/w/app.ts": HEADER + `import { Base } from "./base.js";
class Derived extends Base {
  @action({ reads: ["b"], writes: ["c"] })
  third(state: State) { return state.update({ c: state.get("b") }); }
  @action({ reads: [], writes: ["a"] })
  override first(state: State) { return state.update({ a: 2 }); }
  build() {
    const actions = actionsOf(this);
    return new ApplicationBuilder().withActions(actions).withTransitions(["first", "second"], ["second", "third"]).withEntrypoint("first").build();
  }
}
`,
    });
    assert.deepEqual(app.graph.actions.map((a) => [a.name, a.source?.file.split("/").pop(), a.writes.join()]), [
      ["first", "app.ts", "a"],
      ["second", "base.ts", "b"],
      ["third", "app.ts", "c"],
    ]);
    assert.deepEqual(codes, []);
  });

  it("a key written after the spread replaces the method's action in its place; one before it is replaced by the method", () => {
    const { app } = analyse({
      "/w/app.ts": HEADER + base + `
const other = action({ reads: [], writes: ["x"] }, (state) => state.update({ x: 1 }));
const bot = new Base();
export const app = new ApplicationBuilder()
  .withActions({ second: other, ...actionsOf(bot), first: other })
  .withTransitions(["second", "first"]).withEntrypoint("second").build();
`,
    });
    assert.deepEqual(app.graph.actions.map((a) => [a.name, a.writes.join()]), [["second", "b"], ["first", "x"]]);
  });

  it("says nothing it cannot know: an unresolvable class, a base from a package, or a computed argument leave the action list open", () => {
    for (const withActions of ["actionsOf(makeBot())", "actionsOf(new Missing())", "{ ...actionsOf(new Ext()) }"]) {
      const { codes } = analyse({
        "/w/app.ts": HEADER + `import { Missing } from "./missing.js";
import { Thing } from "some-package";
class Ext extends Thing {
  @action({ reads: [], writes: ["a"] })
  go(state: State) { return state.update({ a: 1 }); }
}
declare function makeBot(): object;
export const app = new ApplicationBuilder().withActions(${withActions}).withTransitions(["go", "elsewhere"]).withEntrypoint("go").build();
`,
      });
      assert.ok(!codes.some((c) => c.startsWith("unknown-action")), `${withActions}: ${codes.join(", ")}`);
    }
  });

  it("a typed factory, action.withState<S>()(spec) and a streaming decorator are actions; undecorated and static methods are not", () => {
    const { app, analysis } = analyse({
      "/w/app.ts": HEADER + `type S = { a: number; b: number };
const typed = action.withState<S>();
class Bot {
  @typed({ reads: ["a"], writes: ["b"] })
  one(state: State) { return state.update({ b: state.get("a") + state.get("c") }); }
  @action.withState<S>()({ reads: [], writes: ["a"] })
  two(state: State) { return state.update({ a: 1 }); }
  @streamingAction({ reads: [], writes: ["a"] })
  async *three(state: State) { yield {}; return [{}, state.update({ a: 2 })] as const; }
  helper() { return 1; }
}
export const app = new ApplicationBuilder().withActions(actionsOf(new Bot())).withTransitions(["two", "one"], ["one", "three"]).withEntrypoint("two").build();
`,
    });
    assert.deepEqual(app.graph.actions.map((a) => [a.name, a.streaming]), [["one", false], ["two", false], ["three", true]]);
    assert.deepEqual(analysis.problems.map((p) => `${p.code}:${p.key}`), ["undeclared-read:c"]);
  });
});

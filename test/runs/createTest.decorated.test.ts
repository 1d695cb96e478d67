// "Create test from step" for decorated actions: the recorded source points
// at the method's decorator; the generated test constructs the class and takes
// the action from actionsOf, and passes under mocha.
import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { ApplicationBuilder, actionsOf, when } from "burr-ts";
import { Chatbot, chat, type ChatState } from "../../examples/decorated-chatbot/app.js";
import { OfflineModel } from "../../examples/chatbot/model.js";
import { constructorDraft, findDecoratedMethod } from "../../runtime/src/testcase/decoratedMethod.js";
import { generateStepTest, importSpecifier } from "../../runtime/src/testcase/codegen.js";
import { TrackingDirStore } from "../../extension/src/runs/stores/trackingDirStore.js";
import { tempDir } from "./helpers.js";

const appFile = resolve("examples/decorated-chatbot/app.ts");

describe("runs: create test from a decorated action's step", function () {
  this.timeout(60_000);
  let t: { dir: string; dispose: () => void };

  before(() => {
    t = tempDir("gen-decorated");
  });
  after(() => t.dispose());

  it("finds the method's class and constructor, drafts the construction, and the generated test passes", async () => {
    const app = new ApplicationBuilder<ChatState>()
      .withActions(actionsOf(new Chatbot(new OfflineModel())))
      .withTransitions(["humanInput", "safetyCheck"], ["safetyCheck", "unsafeResponse", when({ safe: false })], ["safetyCheck", "aiResponse"], [["unsafeResponse", "aiResponse"], "humanInput"])
      .withState({ chatHistory: [] })
      .withEntrypoint("humanInput")
      .withTracker("local", { project: "demo", storageDir: join(t.dir, "burr") })
      .build();
    await chat(app, "Who was Aaron Burr?");
    const run = await new TrackingDirStore(join(t.dir, "burr")).readApp("demo", app.uid);
    const step = run.steps[1]!;
    assert.equal(step.action, "safetyCheck");
    const action = run.graph!.actions.find((a) => a.name === "safetyCheck")!;
    assert.equal(action.source?.file, appFile);
    const found = findDecoratedMethod(readFileSync(appFile, "utf8"), "safetyCheck", action.source!.start.line)!;
    assert.deepEqual(found, { className: "Chatbot", constructorParams: "private readonly model: ChatModel" });
    const construct = constructorDraft(found);
    assert.equal(construct, "new Chatbot(/* model */ undefined as never)");
    const file = join(t.dir, "safetyCheck.step1.test.ts");
    const g = generateStepTest({
      project: "demo", appId: app.uid, step, previous: run.steps[0]!, writes: action.writes,
      importPath: importSpecifier(file, appFile), exportName: found.className, construct, runtimeImport: require.resolve("burr-ts"),
    });
    assert.match(g.text, /import \{ Chatbot \} from "(\.\.\/)+.*examples\/decorated-chatbot\/app\.js"/);
    assert.match(g.text, /const actionUnderTest = actionsOf\(new Chatbot\(\/\* model \*\/ undefined as never\)\)\["safetyCheck"\]!;/);
    writeFileSync(file, g.text);
    const r = spawnSync(process.execPath, ["--import", "tsx", require.resolve("mocha/bin/mocha.js"), "--no-config", "--reporter", "dot", file], { encoding: "utf8" });
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /1 passing/);
  });

  it("is null for a line that is no decorator, or a method in no exported class", () => {
    const src = "class Hidden {\n  @action({ reads: [] })\n  go(state) { return state; }\n}\nexport class Open {\n  constructor() {}\n  @action({\n    reads: [],\n  })\n  async *run(state) {}\n}\n";
    assert.equal(findDecoratedMethod(src, "go", 1), null);
    assert.equal(findDecoratedMethod(src, "go", 2), null);
    assert.deepEqual(findDecoratedMethod(src, "run", 6), { className: "Open", constructorParams: "" });
    assert.equal(constructorDraft({ className: "Open", constructorParams: "" }), "new Open()");
  });
});

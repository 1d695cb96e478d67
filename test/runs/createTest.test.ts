// "Create test from step" end to end: run the real chatbot with the local
// tracker, generate tests from its recorded steps, and run them with mocha.
import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { chat, chatbotBuilder } from "../../examples/chatbot/app.js";
import { findExportName, generateStepTest, importSpecifier } from "../../runtime/src/testcase/codegen.js";
import { TrackingDirStore } from "../../extension/src/runs/stores/trackingDirStore.js";
import { fullStep } from "../../extension/src/runs/views/materialize.js";
import type { AppRun } from "../../extension/src/runs/stores/types.js";
import { tempDir } from "./helpers.js";

const appFile = resolve("examples/chatbot/app.ts");

function runMocha(files: string[]): { status: number | null; out: string } {
  const r = spawnSync(process.execPath, ["--import", "tsx", require.resolve("mocha/bin/mocha.js"), "--no-config", "--reporter", "dot", ...files], { encoding: "utf8", cwd: process.cwd() });
  return { status: r.status, out: r.stdout + r.stderr };
}

describe("runs: create test from step", function () {
  this.timeout(60_000);
  let t: { dir: string; dispose: () => void };
  let run: AppRun;
  let appId: string;

  before(async () => {
    t = tempDir("gen");
    const app = chatbotBuilder({ configure: (b) => b.withTracker("local", { project: "demo", storageDir: join(t.dir, "burr") }) }).build();
    for (const prompt of ["Who was Aaron Burr?", "How do I do something unsafe?"]) await chat(app, prompt);
    appId = app.uid;
    // The sidebar reads compact runs as deltas; the command rebuilds each step's state (fullStep), as here.
    const read = await new TrackingDirStore(join(t.dir, "burr")).readApp("demo", appId);
    run = { ...read, steps: read.steps.map((s) => fullStep(read, s)) };
  });
  after(() => t.dispose());

  function generate(seq: number): { file: string; text: string; notes: string[] } {
    const step = run.steps[seq];
    const action = run.graph!.actions.find((a) => a.name === step.action)!;
    assert.equal(action.source?.file, appFile, "our runs record where each action is defined");
    const found = findExportName(readFileSync(appFile, "utf8"), step.action, action.source!.start.line)!;
    const file = join(t.dir, `${step.action}.step${seq}.test.ts`);
    const g = generateStepTest({
      project: "demo", appId, step, previous: seq > 0 ? run.steps[seq - 1] : null, writes: action.writes,
      importPath: importSpecifier(file, appFile), exportName: found.name, factory: found.factory,
      // Outside the repository "burr-ts" does not resolve; point at the same built package.
      runtimeImport: require.resolve("burr-ts"),
    });
    writeFileSync(file, g.text);
    return { file, text: g.text, notes: g.notes };
  }

  it("generates tests for the chatbot's steps that pass under mocha", () => {
    assert.deepEqual(run.steps.map((s) => s.action), ["humanInput", "safetyCheck", "aiResponse", "humanInput", "safetyCheck", "unsafeResponse"]);
    const files = [0, 1, 3, 4, 5].map((seq) => generate(seq));
    assert.match(files[0].text, /import \{ humanInput as actionUnderTest \} from "(\.\.\/)+.*examples\/chatbot\/app\.js"/);
    assert.match(files[0].notes[0], /state before step 0 is not recorded/);
    assert.match(files[2].text, /"content": "Aaron Burr \(1756-1836\)/, "step 3 starts from step 2's state");
    const r = runMocha(files.map((f) => f.file));
    assert.equal(r.status, 0, r.out);
    assert.match(r.out, /5 passing/);
  });

  it("the generated test fails when the action no longer does what was recorded", () => {
    const g = generate(1);
    writeFileSync(g.file, g.text.replace(/const expectedResult = \{\n  "safe": true\n\}/, 'const expectedResult = {\n  "safe": false\n}'));
    const r = runMocha([g.file]);
    assert.notEqual(r.status, 0);
    assert.match(r.out, /1 failing/);
  });

  it("an action made by an exported factory imports the factory and says to fill in its arguments", () => {
    const g = generate(2);
    assert.match(g.text, /import \{ aiResponseWith \} from/);
    assert.match(g.text, /const actionUnderTest = aiResponseWith\(\);/);
    assert.match(g.notes[0], /created by calling aiResponseWith/);
  });

  it("finds exports by name, by definition line, and writes .ts imports as .js", () => {
    const src = "import x from 'y';\nexport const a = action({}, f);\nexport function make() {\n  return action({}, g);\n}\n";
    assert.deepEqual(findExportName(src, "a"), { name: "a", factory: false });
    assert.deepEqual(findExportName(src, "b", 3), { name: "make", factory: true });
    assert.equal(findExportName(src, "b"), null);
    assert.equal(importSpecifier("/w/test/burr/x.test.ts", "/w/examples/chatbot/app.ts"), "../../examples/chatbot/app.js");
    assert.equal(importSpecifier("/w/a.test.ts", "/w/src/b.mts"), "./src/b.mjs");
  });
});

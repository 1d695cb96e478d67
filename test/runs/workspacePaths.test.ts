// A run recorded in another checkout is placed inside the open workspace by
// its recorded path's trailing folders, never used as it is; ambiguous
// matches are reported for the editor to ask; Create Test imports within the
// workspace and type-checks with the workspace's own test framework.
import { strict as assert } from "node:assert";
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import ts from "typescript";
import { detectTestFramework } from "../../runtime/src/testcase/framework.js";
import { generateStepTest, importSpecifier, type TestFramework } from "../../runtime/src/testcase/codegen.js";
import type { StepRecord } from "../../extension/src/runs/stores/types.js";
import { placeGraphSources, placeInWorkspace } from "../../extension/src/runs/code/workspacePaths.js";

const REPO = resolve(__dirname, "../..");

describe("runs: sources placed inside the workspace", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "burr-place-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const file = (path: string, text = "export {};\n") => {
    mkdirSync(join(dir, path, ".."), { recursive: true });
    writeFileSync(join(dir, path), text);
    return join(dir, path);
  };

  it("maps another checkout's file (even one that exists on disk) to the workspace's copy", () => {
    const outside = file("alice/checkout/src/bot/app.ts");
    const inside = file("ws/src/bot/app.ts");
    file("ws/other/app.ts");
    assert.deepEqual(placeInWorkspace(outside, [join(dir, "ws")]), { kind: "inside", file: inside });
    assert.deepEqual(placeInWorkspace(`file://${outside}`, [join(dir, "ws")]), { kind: "inside", file: inside });
    // A file recorded inside the workspace stays itself.
    assert.deepEqual(placeInWorkspace(inside, [join(dir, "ws")]), { kind: "inside", file: inside });
  });

  it("finds a checkout nested below the workspace through same-name candidates, and reports ties", () => {
    const nested = file("ws/clones/bot/src/app.ts");
    const recorded = "/home/alice/bot/src/app.ts";
    assert.deepEqual(placeInWorkspace(recorded, [join(dir, "ws")], [nested]), { kind: "inside", file: nested });
    const twin = file("ws/forks/bot/src/app.ts");
    assert.deepEqual(placeInWorkspace(recorded, [join(dir, "ws")], [nested, twin]), { kind: "ambiguous", candidates: [nested, twin] });
    assert.deepEqual(placeInWorkspace("/home/alice/bot/src/missing.ts", [join(dir, "ws")], []), { kind: "missing" });
    // A candidate outside the workspace is never taken.
    assert.deepEqual(placeInWorkspace(recorded, [join(dir, "ws2")], [nested]), { kind: "missing" });
  });

  it("a graph keeps only sources inside the workspace", () => {
    const inside = file("ws/src/app.ts");
    const range = (f: string) => ({ file: f, start: { line: 1, character: 0 }, end: { line: 1, character: 5 } });
    const graph = {
      entrypoint: "a",
      actions: [{ name: "a", reads: [], writes: [], inputs: [], optionalInputs: [], streaming: false, source: range("/elsewhere/src/app.ts") }],
      transitions: [{ from: "a", to: "a", condition: "default", source: range("/elsewhere/lib/nowhere.ts") }],
    };
    const placed = placeGraphSources(graph, [join(dir, "ws")]);
    assert.equal(placed.actions[0].source?.file, inside);
    assert.equal(placed.transitions[0].source, undefined);
    // A choice the user made wins, but never one outside.
    assert.equal(placeGraphSources(graph, [join(dir, "ws")], { "/elsewhere/src/app.ts": "/etc/passwd" }).actions[0].source, undefined);
  });

  it("detects vitest, jest, mocha from package.json or config files, node:test otherwise", () => {
    const detect = (pkg: object, extra?: string) => {
      const root = mkdtempSync(join(dir, "p-"));
      writeFileSync(join(root, "package.json"), JSON.stringify(pkg));
      if (extra) writeFileSync(join(root, extra), "{}");
      return detectTestFramework(root);
    };
    assert.equal(detect({ devDependencies: { vitest: "^3" } }), "vitest");
    assert.equal(detect({ devDependencies: { jest: "^29", "ts-jest": "^29" } }), "jest");
    assert.equal(detect({ devDependencies: { mocha: "^11" } }), "mocha");
    assert.equal(detect({}, ".mocharc.json"), "mocha");
    assert.equal(detect({ scripts: { test: "node --test" } }), "node:test");
    assert.equal(detect({}), "node:test");
  });

  it("a generated test imports the workspace's module and type-checks with each framework", function () {
    this.timeout(120_000); // four tsc programs: about 5 s each on a quiet machine, several times that under load
    const ws = join(dir, "ws");
    cpSync(join(REPO, "examples/chatbot"), join(ws, "examples/chatbot"), { recursive: true });
    const nm = join(ws, "node_modules");
    mkdirSync(join(nm, "@types"), { recursive: true });
    symlinkSync(join(REPO, "runtime"), join(nm, "burr-ts"), "dir");
    symlinkSync(join(REPO, "node_modules/@types/node"), join(nm, "@types/node"), "dir");
    symlinkSync(join(REPO, "node_modules/@types/mocha"), join(nm, "@types/mocha"), "dir");
    // vitest and jest are not installed here: stand-ins that declare what their packages export.
    const stub = (name: string) => {
      mkdirSync(join(nm, name), { recursive: true });
      writeFileSync(join(nm, name, "package.json"), JSON.stringify({ name, types: "index.d.ts" }));
      writeFileSync(join(nm, name, "index.d.ts"), "export declare function describe(name: string, fn: () => void): void;\nexport declare function it(name: string, fn: () => Promise<void> | void): void;\n");
    };
    stub("vitest");
    stub("@jest/globals");
    const step: StepRecord = {
      sequenceId: 1, action: "safetyCheck", inputs: {}, result: { safe: true }, state: { prompt: "hi", safe: true, chatHistory: [] },
      error: null, startTime: null, endTime: null, spans: [], attributes: {}, stream: null,
    };
    const previous: StepRecord = { ...step, sequenceId: 0, action: "humanInput", result: { prompt: "hi" }, state: { prompt: "hi", chatHistory: [] } };
    const moduleFile = join(ws, "examples/chatbot/app.ts");
    for (const framework of ["mocha", "vitest", "jest", "node:test"] as TestFramework[]) {
      const testFile = join(ws, "test/burr", `${framework.replace(":", "-")}.test.ts`);
      mkdirSync(join(testFile, ".."), { recursive: true });
      const importPath = importSpecifier(testFile, moduleFile);
      assert.equal(importPath, "../../examples/chatbot/app.js");
      const g = generateStepTest({ project: "demo", appId: "a1", step, previous, writes: ["safe"], importPath, exportName: "safetyCheck", framework });
      writeFileSync(testFile, g.text);
      const types = framework === "mocha" ? ["node", "mocha"] : ["node"];
      const program = ts.createProgram([testFile], {
        target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext,
        strict: true, noEmit: true, skipLibCheck: true, types, typeRoots: [join(nm, "@types")],
      });
      writeFileSync(join(ws, "package.json"), JSON.stringify({ type: "module" }));
      const problems = ts.getPreEmitDiagnostics(program).filter((d) => d.file?.fileName === testFile || !d.file);
      assert.deepEqual(problems.map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n")), [], `${framework}:\n${g.text}`);
    }
  });
});

// Hostile strings from a tracked run (someone else's, possibly) must stay data
// in the generated test: the file parses to the same statements with hostile
// names and values as with benign ones, and each string reads back exactly.
import { strict as assert } from "node:assert";
import ts from "typescript";
import { generateStepTest, type TestFramework, type TestSpec } from "../../runtime/src/testcase/codegen.js";
import type { StepRecord } from "../../extension/src/runs/stores/types.js";

const HOSTILE = [
  "a\nprocess.exit(1); //",
  "a\r\nthrow 1",
  "a\u2028globalThis.pwned = 1",
  "a\u2029globalThis.pwned = 2",
  "*/ globalThis.pwned = 3; /*",
  "`${globalThis.pwned = 4}`",
  "${process.exit(5)}",
  '"); process.exit(6); ("',
  "'); process.exit(7); ('",
  "\\",
  "</script>\u0000\u001b[31m",
];

function step(action: string, text: string, error: string | null): StepRecord {
  return {
    sequenceId: 3, action, error, startTime: null, endTime: null, spans: [], attributes: {}, stream: null,
    inputs: { [text]: text, prompt: text },
    // As a tracked run's JSON arrives: "__proto__" is an own key.
    result: error ? null : { ...(JSON.parse(`{"__proto__": ${JSON.stringify(text)}}`) as object), [text]: [text, { nested: text }] },
    state: { [text]: text, count: 1, history: [text] },
  };
}

function spec(name: string, text: string, error: string | null, framework: TestFramework): TestSpec {
  const s = step(name, text, error);
  const previous = { ...step(name, text, null), sequenceId: 2 };
  return { project: text, appId: text, step: s, previous, writes: [text, "count"], importPath: "./app.js", exportName: "chat", framework };
}

/** The statement structure: every node's kind, with literal and comment text left out. */
function shape(text: string): { kinds: string; strings: string[]; errors: string[] } {
  const file = ts.createSourceFile("gen.test.ts", text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const kinds: string[] = [];
  const strings: string[] = [];
  const walk = (node: ts.Node, depth: number) => {
    kinds.push(`${depth}:${ts.SyntaxKind[node.kind]}`);
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) strings.push(node.text);
    node.forEachChild((child) => walk(child, depth + 1));
  };
  walk(file, 0);
  const diagnostics = (file as unknown as { parseDiagnostics: ts.Diagnostic[] }).parseDiagnostics;
  return { kinds: kinds.join(" "), strings, errors: diagnostics.map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n")) };
}

describe("runs: generated tests with hostile names", () => {
  for (const framework of ["mocha", "vitest", "jest", "node:test"] as const) {
    for (const failed of [false, true]) {
      it(`${framework}, ${failed ? "a failed step" : "a step that succeeded"}: same statements as with benign names, every string intact`, () => {
        const benign = shape(generateStepTest(spec("chat", "hello", failed ? "Error: boom\n    at x" : null, framework)).text);
        assert.deepEqual(benign.errors, []);
        for (const hostile of HOSTILE) {
          const generated = generateStepTest(spec(hostile, hostile, failed ? `Error: ${hostile}\n    at x` : null, framework));
          const parsed = shape(generated.text);
          assert.deepEqual(parsed.errors, [], `${JSON.stringify(hostile)}:\n${generated.text}`);
          assert.equal(parsed.kinds, benign.kinds, `${JSON.stringify(hostile)} changed the statements:\n${generated.text}`);
          // The name is the action's key and entrypoint, exactly; the test title carries the app id and project.
          assert.ok(parsed.strings.filter((s) => s === hostile).length >= 2, JSON.stringify(hostile));
          assert.ok(parsed.strings.some((s) => s.includes(`of app ${hostile} (project ${hostile})`)));
          // Only `//` comments and no raw line terminator anywhere but between statements.
          assert.doesNotMatch(generated.text, /[\u2028\u2029\r]/);
          assert.ok(!generated.fileName.includes("/") && !generated.fileName.includes("\n"), generated.fileName);
        }
      });
    }
  }

  it("a __proto__ key in a recorded value stays an own property of the literal", () => {
    const generated = generateStepTest(spec("chat", "x", null, "mocha")).text;
    assert.match(generated, /\["__proto__"\]: "x"/);
  });

  it("refuses an export name that is not an identifier", () => {
    assert.throws(() => generateStepTest({ ...spec("chat", "x", null, "mocha"), exportName: "x } from 'fs'; import {y" }), /is not a JavaScript identifier/);
  });
});

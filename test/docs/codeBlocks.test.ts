// Every ```ts block in README.md, runtime/README.md and docs/*.md compiles
// against the real package: one TypeScript program holds all blocks, each a
// module of its own whose imports of "burr-ts", "burr-ts/http" … resolve to
// runtime/dist through the workspace link, as they do for a user. A block that
// is deliberately a fragment (or deliberately wrong) says so with
// `<!-- fragment -->` or `<!-- no-check: why -->` on the line above it;
// a failure names the Markdown file and line.
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import ts from "typescript";
import { codeBlocks, docFiles, REPO, type CodeBlock } from "./markdown.js";

const TS_LANGS = new Set(["ts", "typescript"]);
/** `<!-- fragment -->` or `<!-- no-check: why -->` above the fence, or "```ts fragment". */
const isFragment = (b: CodeBlock) => /\bfragment\b/.test(b.info) || /^(fragment|no-check)\b/.test(b.marker ?? "");

/** Where a block lives in the program: beside the tests, so node_modules resolution finds burr-ts. */
const virtualPath = (b: CodeBlock, i: number) => join(REPO, "test/docs/.blocks", `${b.file.replace(/[/.]/g, "_")}_L${b.line}_${i}.mts`);

const OPTIONS: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  lib: ["lib.es2023.d.ts", "lib.dom.d.ts"],
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  moduleDetection: ts.ModuleDetectionKind.Force,
  strict: true,
  noEmit: true,
  skipLibCheck: true,
  esModuleInterop: true,
  types: ["node"],
};

describe("docs: code blocks compile against the package", function () {
  this.timeout(180_000);
  const all = docFiles().flatMap((file) => codeBlocks(file));
  const checked = all.filter((b) => TS_LANGS.has(b.lang) && !isFragment(b));
  const byPath = new Map(checked.map((b, i) => [virtualPath(b, i), b]));
  let diagnostics: ts.Diagnostic[] = [];

  before(() => {
    assert.ok(existsSync(join(REPO, "runtime/dist/index.d.ts")), "runtime/dist is missing: run node scripts/build.mjs first");
    const host = ts.createCompilerHost(OPTIONS, true);
    const readFile = host.readFile.bind(host);
    const fileExists = host.fileExists.bind(host);
    const getSourceFile = host.getSourceFile.bind(host);
    host.readFile = (f) => byPath.get(f)?.code ?? readFile(f);
    host.fileExists = (f) => byPath.has(f) || fileExists(f);
    host.getSourceFile = (f, lang, onError, create) => {
      const block = byPath.get(f);
      return block ? ts.createSourceFile(f, block.code, lang, true, ts.ScriptKind.TS) : getSourceFile(f, lang, onError, create);
    };
    const program = ts.createProgram([...byPath.keys()], OPTIONS, host);
    diagnostics = [...program.getOptionsDiagnostics(), ...program.getGlobalDiagnostics(), ...ts.getPreEmitDiagnostics(program)];
  });

  it("finds the blocks, and fragments stay rare", () => {
    const ts = all.filter((b) => TS_LANGS.has(b.lang));
    assert.ok(checked.length >= 20, `only ${checked.length} checked blocks found`);
    const fragments = ts.filter(isFragment);
    assert.ok(fragments.length * 5 <= ts.length, `too many fragments: ${fragments.map((b) => `${b.file}:${b.line}`).join(", ")}`);
  });

  it("has no problems outside the blocks (options, libraries)", () => {
    const outside = diagnostics.filter((d) => !d.file || !byPath.has(d.file.fileName));
    assert.deepEqual(outside.map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n")), []);
  });

  for (const file of docFiles()) {
    it(`${file}: every ts block type-checks`, () => {
      const problems = diagnostics
        .slice()
        .sort((x, y) => (x.start ?? 0) - (y.start ?? 0))
        .filter((d) => d.file && byPath.get(d.file.fileName)?.file === file)
        .map((d) => {
          const block = byPath.get(d.file!.fileName)!;
          const { line, character } = d.file!.getLineAndCharacterOfPosition(d.start ?? 0);
          return `${file}:${block.line + line}:${character + 1}: ${ts.flattenDiagnosticMessageText(d.messageText, "\n  ")}`;
        });
      assert.equal(problems.length, 0, `code blocks that do not compile (mark a deliberate fragment with <!-- fragment -->):\n${problems.join("\n")}`);
    });
  }
});

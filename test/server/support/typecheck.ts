// TypeScript's own check of fixture files, with some files' text replaced (an
// edit applied in the editor but not saved): a rename must leave code that compiles.
import { existsSync } from "node:fs";
import { join } from "node:path";
import ts from "typescript";
import { repoRoot } from "./client.js";

/** Every TypeScript error in `files` (and what they import), as "file:line: message". */
export function typeErrors(files: string[], edited: Record<string, string> = {}): string[] {
  const types = join(repoRoot, "runtime/dist/index.d.ts");
  if (!existsSync(types)) throw new Error("runtime/dist is missing: run `node scripts/build.mjs --runtime-only` first");
  const options: ts.CompilerOptions = {
    strict: true, noEmit: true, skipLibCheck: true, types: [],
    target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler,
    paths: { "burr-ts": [types] },
  };
  const host = ts.createCompilerHost(options);
  const { readFile, getSourceFile, fileExists } = host;
  host.fileExists = (f) => f in edited || fileExists.call(host, f);
  host.readFile = (f) => edited[f] ?? readFile.call(host, f);
  host.getSourceFile = (f, lang, onError, fresh) => (f in edited ? ts.createSourceFile(f, edited[f]!, lang) : getSourceFile.call(host, f, lang, onError, fresh));
  const program = ts.createProgram(files, options, host);
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const where = d.file && d.start !== undefined ? `${d.file.fileName}:${d.file.getLineAndCharacterOfPosition(d.start).line + 1}` : "?";
    return `${where}: ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`;
  });
}

// Quick fixes for Burr diagnostics: add a key to reads/writes, fix a near-miss action name.
import { CodeActionKind, type CodeAction, type CodeActionParams } from "vscode-languageserver";
import type { AnalysisProblem } from "../analysis/types.js";

const same = (a: { line: number; character: number }, b: { line: number; character: number }): boolean => a.line === b.line && a.character === b.character;

export function codeActions(problems: AnalysisProblem[], params: CodeActionParams): CodeAction[] {
  const out: CodeAction[] = [];
  for (const diag of params.context.diagnostics) {
    if (diag.source !== "burr") continue;
    const problem = problems.find((p) => p.code === diag.code && p.fix && same(p.range.start, diag.range.start) && same(p.range.end, diag.range.end));
    if (!problem?.fix) continue;
    const { fix } = problem;
    out.push({
      title: fix.title,
      kind: CodeActionKind.QuickFix,
      diagnostics: [diag],
      isPreferred: true,
      edit: { changes: { [fix.range.file]: [{ range: { start: fix.range.start, end: fix.range.end }, newText: fix.newText }] } },
    });
  }
  return out;
}

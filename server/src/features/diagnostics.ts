// AnalysisProblem → LSP Diagnostic (source "burr", code = the problem code).
import { DiagnosticSeverity, type Diagnostic } from "vscode-languageserver";
import type { AnalysisProblem } from "../analysis/types.js";

export function toDiagnostics(uri: string, problems: AnalysisProblem[]): Diagnostic[] {
  return problems
    .filter((p) => p.range.file === uri)
    .map((p) => ({
      range: { start: p.range.start, end: p.range.end },
      severity: p.severity === "error" ? DiagnosticSeverity.Error : DiagnosticSeverity.Warning,
      source: "burr",
      code: p.code,
      message: p.message,
    }));
}

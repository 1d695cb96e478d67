// Document symbols (apps with their actions, action declarations) and code lenses over each app.
import { SymbolKind, type CodeLens, type DocumentSymbol, type Range } from "vscode-languageserver";
import { actionName } from "../analysis/actionChecks.js";
import type { FileAnalysis, SourceRange } from "../analysis/types.js";
import { DebugAppCommand, ShowGraphCommand } from "../protocol.js";

const lsp = (r: SourceRange): Range => ({ start: r.start, end: r.end });

function inside(inner: SourceRange, outer: SourceRange): boolean {
  const before = (a: SourceRange["start"], b: SourceRange["start"]): boolean => a.line < b.line || (a.line === b.line && a.character <= b.character);
  return inner.file === outer.file && before(outer.start, inner.start) && before(inner.end, outer.end);
}

export function documentSymbols(analysis: FileAnalysis): DocumentSymbol[] {
  const out: DocumentSymbol[] = [];
  for (const app of analysis.apps) {
    const children: DocumentSymbol[] = app.syntax.actions
      .filter((e) => inside(e.range, app.range))
      .map((e) => ({ name: e.name, kind: SymbolKind.Function, detail: "action", range: lsp(e.range), selectionRange: lsp(e.range) }));
    out.push({ name: app.name, kind: SymbolKind.Class, detail: "burr app", range: lsp(app.range), selectionRange: lsp({ ...app.range, end: app.range.start }), children });
  }
  for (const def of analysis.actions) {
    if (def.id.includes("#inline:")) continue;
    out.push({ name: actionName(def), kind: SymbolKind.Function, detail: `burr ${def.kind} action`, range: lsp(def.range), selectionRange: lsp(def.range) });
  }
  return out;
}

export function codeLenses(analysis: FileAnalysis): CodeLens[] {
  return analysis.apps.flatMap((app) => {
    const range: Range = { start: app.range.start, end: app.range.start };
    return [
      { range, command: { title: "Show graph", command: ShowGraphCommand, arguments: [analysis.uri, app.id] } },
      { range, command: { title: "Debug", command: DebugAppCommand, arguments: [analysis.uri, app.id] } },
    ];
  });
}

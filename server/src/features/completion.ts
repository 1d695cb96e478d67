// Completion inside strings: action names in transitions, withEntrypoint and
// halt lists; state keys in reads/writes and state.get/has/subset.
import ts from "typescript";
import { CompletionItemKind, type CompletionItem, type Position } from "vscode-languageserver";
import type { AppModel, FileAnalysis } from "../analysis/types.js";
import { WILDCARD } from "../../../runtime/src/graph/wildcard.js";

type Slot = "action" | "key" | null;

function stringAt(sf: ts.SourceFile, offset: number): ts.StringLiteral | ts.NoSubstitutionTemplateLiteral | null {
  let found: ts.Node | null = null;
  const visit = (n: ts.Node): void => {
    if (offset < n.getStart(sf) || offset > n.getEnd()) return;
    if ((ts.isStringLiteral(n) || ts.isNoSubstitutionTemplateLiteral(n)) && offset > n.getStart(sf)) found = n;
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return found;
}

function slotOf(str: ts.Node): Slot {
  let p = str.parent;
  let inArray = false;
  if (p && ts.isArrayLiteralExpression(p)) { inArray = true; p = p.parent; }
  if (p && ts.isArrayLiteralExpression(p)) p = p.parent; // [["a", "b"], "c"]: sources of a transition
  if (!p) return null;
  if (ts.isCallExpression(p) && ts.isPropertyAccessExpression(p.expression)) {
    const m = p.expression.name.text;
    if (m === "withTransitions" && inArray) return "action";
    if (m === "withEntrypoint" && !inArray) return "action";
    if ((m === "get" || m === "has" || m === "subset") && !inArray) return "key";
  }
  if (inArray && ts.isPropertyAssignment(p) && (ts.isIdentifier(p.name) || ts.isStringLiteral(p.name))) {
    const k = p.name.text;
    if (k === "haltBefore" || k === "haltAfter") return "action";
    if (k === "reads" || k === "writes") return "key";
  }
  if (inArray && ts.isPropertyDeclaration(p) && p.name && ts.isIdentifier(p.name) && (p.name.text === "reads" || p.name.text === "writes")) return "key";
  return null;
}

/** The bare first element of a withTransitions tuple: where "*" may stand. */
function isTransitionSource(str: ts.Node): boolean {
  const tuple = str.parent;
  if (!tuple || !ts.isArrayLiteralExpression(tuple) || tuple.elements[0] !== str) return false;
  const call = tuple.parent;
  return !!call && ts.isCallExpression(call) && ts.isPropertyAccessExpression(call.expression) && call.expression.name.text === "withTransitions";
}

/** `apps`: the apps naming actions in this file, also from other files (a class whose decorated methods an app elsewhere uses). */
export function completion(analysis: FileAnalysis, sf: ts.SourceFile | null, pos: Position, apps: AppModel[] = analysis.apps): CompletionItem[] {
  if (!sf) return [];
  let offset: number;
  try {
    offset = sf.getPositionOfLineAndCharacter(pos.line, pos.character);
  } catch {
    return [];
  }
  const str = stringAt(sf, offset);
  if (!str) return [];
  const slot = slotOf(str);
  if (slot === "action") {
    const names = new Map<string, string>();
    for (const app of apps) for (const a of app.graph.actions) if (!names.has(a.name)) names.set(a.name, app.name);
    const items: CompletionItem[] = [...names].map(([name, app]) => ({ label: name, kind: CompletionItemKind.Function, detail: `action of ${app}` }));
    if (isTransitionSource(str)) {
      items.push({
        label: WILDCARD, kind: CompletionItemKind.Operator, detail: "every action (but the target)", sortText: "~",
        documentation: 'A wildcard source: ["*", "handleError", expr("error != null")] is tried from every action, in declaration order.',
      });
    }
    return items;
  }
  if (slot === "key") {
    const keys = new Set<string>();
    for (const app of apps) {
      for (const a of app.graph.actions) for (const k of [...a.reads, ...a.writes]) keys.add(k);
      for (const k of app.syntax.initialStateKeys ?? []) keys.add(k);
      for (const k of app.syntax.stateSchemaKeys ?? []) keys.add(k);
    }
    for (const d of analysis.actions) for (const k of [...(d.reads?.items ?? []), ...(d.writes?.items ?? [])]) keys.add(k.name);
    return [...keys].sort().map((k) => ({ label: k, kind: CompletionItemKind.Field, detail: "state key" }));
  }
  return [];
}

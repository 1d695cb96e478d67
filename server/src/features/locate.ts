// What the cursor is on: a string naming an action in some app, or an action declaration.
import type { Position } from "vscode-languageserver";
import type { ActionDef, AppModel, FileAnalysis, NameRef, SourceRange } from "../analysis/types.js";

export type OccurrenceKind = "key" | "transition" | "entrypoint" | "haltBefore" | "haltAfter";

export interface Occurrence extends NameRef {
  kind: OccurrenceKind;
  /** For keys: how the key is written (rename rewrites shorthand keys). */
  keyKind?: "shorthand" | "identifier" | "string";
}

/** Every place an app names its actions. */
export function occurrences(app: AppModel): Occurrence[] {
  const s = app.syntax;
  const out: Occurrence[] = s.actions.map((e) => ({ name: e.name, range: e.range, kind: "key" as const, keyKind: e.keyKind }));
  for (const t of s.transitions) {
    for (const f of t.from) out.push({ ...f, kind: "transition" });
    out.push({ ...t.to, kind: "transition" });
  }
  if (s.entrypoint) out.push({ ...s.entrypoint, kind: "entrypoint" });
  for (const r of s.runs) {
    for (const h of r.haltBefore) out.push({ ...h, kind: "haltBefore" });
    for (const h of r.haltAfter) out.push({ ...h, kind: "haltAfter" });
  }
  return out;
}

export function contains(range: SourceRange, uri: string, pos: Position): boolean {
  if (range.file !== uri) return false;
  const { start, end } = range;
  if (pos.line < start.line || pos.line > end.line) return false;
  if (pos.line === start.line && pos.character < start.character) return false;
  if (pos.line === end.line && pos.character > end.character) return false;
  return true;
}

export type Target =
  | { kind: "name"; app: AppModel; name: string; occurrence: Occurrence }
  | { kind: "declaration"; def: ActionDef; apps: { app: AppModel; name: string }[] };

/** The action under the cursor in a document. */
export function targetAt(analysis: FileAnalysis, pos: Position): Target | null {
  const uri = analysis.uri;
  for (const app of analysis.apps) {
    for (const o of occurrences(app)) {
      if (contains(o.range, uri, pos) && app.syntax.actions.some((a) => a.name === o.name)) return { kind: "name", app, name: o.name, occurrence: o };
    }
  }
  for (const app of analysis.apps) {
    for (const o of occurrences(app)) if (contains(o.range, uri, pos)) return { kind: "name", app, name: o.name, occurrence: o };
  }
  for (const def of analysis.actions) {
    if (!contains(def.range, uri, pos)) continue;
    const apps: { app: AppModel; name: string }[] = [];
    for (const app of analysis.apps) for (const [name, d] of app.defs) if (d.id === def.id) apps.push({ app, name });
    return { kind: "declaration", def, apps };
  }
  return null;
}

// Go to definition, find references and rename, from any string naming an action.
import type { Location, Position, Range, TextEdit, WorkspaceEdit } from "vscode-languageserver";
import type { AppModel, FileAnalysis, SourceRange } from "../analysis/types.js";
import { occurrences, targetAt, type Occurrence } from "./locate.js";

const toLocation = (r: SourceRange): Location => ({ uri: r.file, range: { start: r.start, end: r.end } });

/** The (app, name) pairs the cursor refers to. */
function named(analysis: FileAnalysis, pos: Position): { app: AppModel; name: string }[] {
  const t = targetAt(analysis, pos);
  if (!t) return [];
  return t.kind === "name" ? [{ app: t.app, name: t.name }] : t.apps;
}

export function definition(analysis: FileAnalysis, pos: Position): Location[] {
  const t = targetAt(analysis, pos);
  if (!t || t.kind !== "name") return [];
  const def = t.app.defs.get(t.name);
  if (def) return [toLocation(def.range)];
  const key = t.app.syntax.actions.find((a) => a.name === t.name);
  return key ? [toLocation(key.range)] : [];
}

export function references(analysis: FileAnalysis, pos: Position, includeDeclaration: boolean): Location[] {
  const out: Location[] = [];
  const seen = new Set<string>();
  const add = (r: SourceRange): void => {
    const k = `${r.file}:${r.start.line}:${r.start.character}`;
    if (!seen.has(k)) { seen.add(k); out.push(toLocation(r)); }
  };
  for (const { app, name } of named(analysis, pos)) {
    if (includeDeclaration) {
      const def = app.defs.get(name);
      if (def) add(def.range);
    }
    for (const o of occurrences(app)) if (o.name === name) add(o.range);
  }
  return out;
}

export function prepareRename(analysis: FileAnalysis, pos: Position): { range: Range; placeholder: string } | null {
  const t = targetAt(analysis, pos);
  if (!t || t.kind !== "name" || !t.app.syntax.actions.some((a) => a.name === t.name)) return null;
  return { range: { start: t.occurrence.range.start, end: t.occurrence.range.end }, placeholder: t.name };
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

function editFor(o: Occurrence, newName: string): string {
  if (o.kind !== "key") return newName;
  if (o.keyKind === "string") return newName;
  const key = IDENTIFIER.test(newName) ? newName : JSON.stringify(newName);
  // `{ humanInput }` becomes `{ greet: humanInput }`: the variable keeps its name.
  return o.keyKind === "shorthand" ? `${key}: ${o.name}` : key;
}

/** Renames an action everywhere its app names it: the withActions key, transitions, entrypoint and halt lists. */
export function rename(analysis: FileAnalysis, pos: Position, newName: string): WorkspaceEdit | null {
  if (!newName || /["'`\\\n]/.test(newName)) return null;
  const t = targetAt(analysis, pos);
  if (!t || t.kind !== "name" || !t.app.syntax.actions.some((a) => a.name === t.name)) return null;
  const changes: Record<string, TextEdit[]> = {};
  for (const o of occurrences(t.app)) {
    if (o.name !== t.name) continue;
    (changes[o.range.file] ??= []).push({ range: { start: o.range.start, end: o.range.end }, newText: editFor(o, newName) });
  }
  return { changes };
}

// Go to definition, find references, rename and document highlights, from any
// string naming an action, and (definition, references) from an action's
// declaration or import.
import { LSPErrorCodes, ResponseError, type DocumentHighlight, type Location, type Position, type Range, type TextEdit, type WorkspaceEdit } from "vscode-languageserver";
import { appsSharing } from "../analysis/sharing.js";
import type { AppModel, FileAnalysis, SourceRange } from "../analysis/types.js";
import { occurrences, singleFile, targetAt, type AppLookup, type Occurrence, type Use } from "./locate.js";

const toLocation = (r: SourceRange): Location => ({ uri: r.file, range: { start: r.start, end: r.end } });
const rangeKey = (r: SourceRange): string => `${r.file}:${r.start.line}:${r.start.character}`;

export function definition(analysis: FileAnalysis, pos: Position, lookup?: AppLookup): Location[] {
  const t = targetAt(analysis, pos, lookup);
  if (!t) return [];
  // From an import: the declaration in its module. On the declaration itself there is nowhere to go.
  if (t.kind === "declaration") return rangeKey(t.at) === rangeKey(t.def.range) ? [] : [toLocation(t.def.range)];
  const def = t.app.defs.get(t.name);
  if (def) return [toLocation(def.range)];
  const key = t.app.syntax.actions.find((a) => a.name === t.name);
  return key ? [toLocation(key.range)] : [];
}

export function references(analysis: FileAnalysis, pos: Position, includeDeclaration: boolean, lookup?: AppLookup): Location[] {
  const t = targetAt(analysis, pos, lookup);
  if (!t) return [];
  const out: Location[] = [];
  const seen = new Set<string>();
  const add = (r: SourceRange): void => {
    if (!seen.has(rangeKey(r))) { seen.add(rangeKey(r)); out.push(toLocation(r)); }
  };
  if (t.kind === "declaration" && includeDeclaration) add(t.def.range);
  // From a string: its app and every app sharing the string's places (built from the same helper), as rename covers.
  const uses: Use[] = t.kind === "name" ? sharing(analysis, t.app, t.name, lookup).map((app) => ({ app, name: t.name })) : t.uses;
  for (const { app, name } of uses) {
    if (includeDeclaration && t.kind === "name") {
      const def = app.defs.get(name);
      if (def) add(def.range);
    }
    for (const o of occurrences(app)) if (o.name === name) add(o.range);
  }
  return out;
}

/** Every string in this document naming the action under the cursor, in its app and the apps sharing its helper. */
export function documentHighlights(analysis: FileAnalysis, pos: Position, lookup?: AppLookup): DocumentHighlight[] {
  const t = targetAt(analysis, pos, lookup);
  if (!t || t.kind !== "name") return [];
  const out: DocumentHighlight[] = [];
  const seen = new Set<string>();
  for (const app of sharing(analysis, t.app, t.name, lookup)) {
    for (const o of occurrences(app)) {
      if (o.name !== t.name || o.range.file !== analysis.uri || seen.has(rangeKey(o.range))) continue;
      seen.add(rangeKey(o.range));
      out.push({ range: { start: o.range.start, end: o.range.end } });
    }
  }
  return out;
}

/**
 * The apps a string's action stands for: its app, and every other app sharing
 * one of the places naming it (apps built from the same builder helper); a
 * rename of the helper's key must cover them all, else their own strings break.
 */
function sharing(analysis: FileAnalysis, app: AppModel, name: string, lookup: AppLookup | undefined): AppModel[] {
  const l = lookup ?? singleFile(analysis);
  return appsSharing(app, name, (uri) => l.appsAt(uri));
}

export function prepareRename(analysis: FileAnalysis, pos: Position, lookup?: AppLookup): { range: Range; placeholder: string } | null {
  const t = targetAt(analysis, pos, lookup);
  if (!t || t.kind !== "name" || !t.app.syntax.actions.some((a) => a.name === t.name)) return null;
  return { range: { start: t.occurrence.range.start, end: t.occurrence.range.end }, placeholder: t.name };
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

function editFor(o: Occurrence, newName: string): string {
  if (o.kind !== "key") return newName;
  if (o.keyKind === "string") return newName;
  const key = IDENTIFIER.test(newName) ? newName : JSON.stringify(newName);
  // `{ humanInput }` becomes `{ greet: humanInput }`: the variable, maybe imported and used by
  // other apps under its own name, keeps its name; only this app's action is renamed.
  return o.keyKind === "shorthand" ? `${key}: ${o.name}` : key;
}

/** Renames an action everywhere its app names it: the withActions key, transitions, entrypoint and halt lists. */
export function rename(analysis: FileAnalysis, pos: Position, newName: string, lookup?: AppLookup): WorkspaceEdit | null | ResponseError<void> {
  const t = targetAt(analysis, pos, lookup);
  if (!t || t.kind !== "name" || !t.app.syntax.actions.some((a) => a.name === t.name)) return null;
  if (newName === t.name) return { changes: {} };
  // Told to the user instead of silently doing nothing (or merging two actions into one).
  if (!newName.trim() || newName === "*" || /["'`\\\n]/.test(newName)) return rejected(`"${newName}" cannot be an action name: use letters, digits, "_" or "-", without quotes or backslashes.`);
  const group = sharing(analysis, t.app, t.name, lookup);
  const clash = group.find((app) => app.syntax.actions.some((a) => a.name === newName));
  if (clash) return rejected(`App "${clash.syntax.name}" already has an action named "${newName}": pick another name, or remove that action first.`);
  const changes: Record<string, TextEdit[]> = {};
  const done = new Set<string>();
  for (const app of group) {
    for (const o of occurrences(app)) {
      if (o.name !== t.name || done.has(rangeKey(o.range))) continue;
      done.add(rangeKey(o.range));
      (changes[o.range.file] ??= []).push({ range: { start: o.range.start, end: o.range.end }, newText: editFor(o, newName) });
    }
  }
  return { changes };
}

function rejected(message: string): ResponseError<void> {
  return new ResponseError(LSPErrorCodes.RequestFailed, message);
}

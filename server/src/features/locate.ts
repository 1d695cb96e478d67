// What the cursor is on: a string naming an action in some app, an action
// declaration, or an import of one.
import type { Position } from "vscode-languageserver";
import { occurrences, type Occurrence } from "../analysis/occurrences.js";
import type { ActionDef, AppModel, FileAnalysis, SourceRange } from "../analysis/types.js";

export { occurrences, type Occurrence, type OccurrenceKind } from "../analysis/occurrences.js";

/** An app and the key it gives an action. */
export interface Use {
  app: AppModel;
  name: string;
}

/**
 * Apps in other files, answered from the analysis' indexes (see Session):
 * features stay functions of one analysis plus these lookups.
 */
export interface AppLookup {
  /** Every app, in any file, whose withActions names this declaration, with its key there. */
  usesOf(def: ActionDef): Use[];
  /** Every app naming actions in this file: built here, or elsewhere from a builder helper written here. */
  appsAt(uri: string): AppModel[];
  /** The name of the builder helper whose chain writes the string at this range, if any. */
  helperAt(range: SourceRange): string | null;
}

/** Only the document's own apps: for callers without a workspace. */
export function singleFile(analysis: FileAnalysis): AppLookup {
  return {
    usesOf: (def) => analysis.apps.flatMap((app) => [...app.defs].filter(([, d]) => d.id === def.id).map(([name]) => ({ app, name }))),
    appsAt: (uri) => (uri === analysis.uri ? analysis.apps : []),
    helperAt: () => null,
  };
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
  /** `at` is the declaration's own name, or an import of it in this document. */
  | { kind: "declaration"; def: ActionDef; at: SourceRange; uses: Use[] };

/** The action under the cursor in a document. */
export function targetAt(analysis: FileAnalysis, pos: Position, lookup: AppLookup = singleFile(analysis)): Target | null {
  const uri = analysis.uri;
  const apps = [...analysis.apps, ...lookup.appsAt(uri).filter((a) => a.uri !== uri)];
  // A name an app declares wins over an unknown name at the same place (another app sharing the helper).
  for (const app of apps) {
    for (const o of occurrences(app)) {
      if (contains(o.range, uri, pos) && app.syntax.actions.some((a) => a.name === o.name)) return { kind: "name", app, name: o.name, occurrence: o };
    }
  }
  for (const app of apps) {
    for (const o of occurrences(app)) if (contains(o.range, uri, pos)) return { kind: "name", app, name: o.name, occurrence: o };
  }
  for (const def of analysis.actions) {
    if (contains(def.range, uri, pos)) return { kind: "declaration", def, at: def.range, uses: lookup.usesOf(def) };
  }
  for (const imp of analysis.actionImports) {
    if (contains(imp.range, uri, pos)) return { kind: "declaration", def: imp.def, at: imp.range, uses: lookup.usesOf(imp.def) };
  }
  return null;
}

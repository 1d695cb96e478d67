// Every place an app names its actions: withActions keys, transitions, the
// entrypoint and halt lists (possibly in several files, via builder helpers).
import { WILDCARD } from "../../../runtime/src/graph/wildcard.js";
import type { AppModel, NameRef } from "./types.js";

export type OccurrenceKind = "key" | "transition" | "entrypoint" | "haltBefore" | "haltAfter";

export interface Occurrence extends NameRef {
  kind: OccurrenceKind;
  /** For keys: how the key is written (rename rewrites shorthand keys). */
  keyKind?: "shorthand" | "identifier" | "string";
}

/** "*" is never an occurrence: it names no action, so hover, definition, references and rename skip it. */
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
  return out.filter((o) => o.name !== WILDCARD);
}

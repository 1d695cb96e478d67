// An app's transitions as single edges, in the order the runtime tries them:
// a list of sources is one edge per source, and a bare "*" source (a wildcard
// tuple) one edge from every action but its target, where it was declared.
// The graph model's transition indexes are indexes into this list.
import { wildcardSources } from "../../../runtime/src/graph/wildcard.js";
import type { AppSyntax, NameRef, SourceRange, TransitionSyntax } from "./types.js";

export interface TransitionEdge {
  transition: TransitionSyntax;
  /** The source action; for a wildcard edge its name with the range of the "*". */
  from: NameRef;
  to: NameRef;
  range: SourceRange;
  wildcard: boolean;
}

export function transitionEdges(s: AppSyntax): TransitionEdge[] {
  const out: TransitionEdge[] = [];
  for (const t of s.transitions) {
    const star = t.wildcard ? t.from[0] : undefined;
    const sources = star ? wildcardSources(s.actions.map((a) => a.name), t.to.name).map((name) => ({ name, range: star.range })) : t.from;
    for (const from of sources) out.push({ transition: t, from, to: t.to, range: t.range, wildcard: !!star });
  }
  return out;
}

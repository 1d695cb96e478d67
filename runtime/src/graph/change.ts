// Whether an edited program's graph is still the one a debug session runs:
// actions, transitions (with their conditions) and the entrypoint. Source
// positions are ignored (an edit moves lines). Pure, so the debug adapter can use it.
import type { GraphModel } from "./model.js";

/** What differs, as a sentence part ("actions changed (+x)"); null when the graphs are the same. */
export function graphChange(session: GraphModel, now: GraphModel): string | null {
  const names = (g: GraphModel): string[] => g.actions.map((a) => a.name).sort();
  const [was, is] = [names(session), names(now)];
  const added = is.filter((n) => !was.includes(n));
  const removed = was.filter((n) => !is.includes(n));
  if (added.length || removed.length) {
    return `actions changed (${[...added.map((n) => `added ${n}`), ...removed.map((n) => `removed ${n}`)].join(", ")})`;
  }
  const edge = (t: GraphModel["transitions"][number]): string => `${t.from} -> ${t.to} [${t.condition}]`;
  const [te, tn] = [session.transitions.map(edge), now.transitions.map(edge)];
  for (let k = 0; k < Math.max(te.length, tn.length); k++) {
    if (te[k] !== tn[k]) return `transitions changed: ${te[k] ?? "(none)"} is now ${tn[k] ?? "(none)"}`;
  }
  if (session.entrypoint !== now.entrypoint) return `the entrypoint changed from ${session.entrypoint ?? "(none)"} to ${now.entrypoint ?? "(none)"}`;
  return null;
}

// The wildcard source of a transition, ["*", "handleError", condition]: one
// tuple standing for a transition from every action. Shared by the runtime's
// builders and the language server so both expand it the same way. No imports.

export const WILDCARD = "*";

/**
 * The actions a wildcard tuple leaves from, in the app's action order: every
 * action except its own target (a handler routed to itself would loop while
 * the error it handles is still set; write that edge out if it is wanted).
 */
export function wildcardSources(actions: Iterable<string>, target: string): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  for (const name of actions) {
    if (name === target || name === WILDCARD || seen.has(name)) continue;
    seen.add(name);
    out.push(name);
  }
  return out;
}

// Halt lists: action names or "@tag:<name>", checked against the app's actions once per call.
import type { ActionBase } from "../actions/action.js";
import { ConfigurationError } from "../errors.js";
import { WILDCARD } from "../graph/wildcard.js";

// Short arrays, not Sets: halt lists hold a name or two, and run() compiles them on every call.
export interface Halts {
  before: readonly string[];
  after: readonly string[];
}

const NONE: readonly string[] = [];

function expand(list: readonly string[] | undefined, actions: ReadonlyMap<string, ActionBase>, which: string, appId: string): readonly string[] {
  if (!list || list.length === 0) return NONE;
  if (!Array.isArray(list)) {
    throw new ConfigurationError(`${which} must be an array of action names, e.g. ${which}: ["aiResponse"]`, { appId });
  }
  if (list.every((name) => actions.has(name))) return list;
  const out: string[] = [];
  for (const name of list) {
    if (typeof name === "string" && name.startsWith("@tag:")) {
      const tag = name.slice(5);
      for (const [actionName, act] of actions) if (act.tags.includes(tag)) out.push(actionName);
      continue;
    }
    if (name === WILDCARD) {
      throw new ConfigurationError(
        `${which} cannot hold "*": it only stands for "every action" as a transition's source. List the actions, or tag them and use "@tag:<name>"`,
        { appId },
      );
    }
    if (!actions.has(name)) {
      const known = [...actions.keys()].join(", ");
      throw new ConfigurationError(`${which} names action "${name}", which the app does not have. Its actions are: ${known}`, {
        appId,
        action: name,
      });
    }
    out.push(name);
  }
  return out;
}

export function compileHalts(
  opts: { haltBefore?: readonly string[]; haltAfter?: readonly string[] },
  actions: ReadonlyMap<string, ActionBase>,
  appId: string,
): Halts {
  return {
    before: expand(opts.haltBefore, actions, "haltBefore", appId),
    after: expand(opts.haltAfter, actions, "haltAfter", appId),
  };
}

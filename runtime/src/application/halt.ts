// Halt lists: action names or "@tag:<name>", checked against the app's actions once per call.
// Every unknown name in both lists is reported in one error, like build()'s problems.
import type { ActionBase } from "../actions/action.js";
import { ConfigurationError } from "../errors.js";
import { editDistance } from "../graph/validate.js";
import { WILDCARD } from "../graph/wildcard.js";

// Short arrays, not Sets: halt lists hold a name or two, and run() compiles them on every call.
export interface Halts {
  before: readonly string[];
  after: readonly string[];
}

const NONE: readonly string[] = [];

function expand(
  list: readonly string[] | undefined,
  actions: ReadonlyMap<string, ActionBase>,
  which: string,
  appId: string,
  problems: string[],
): readonly string[] {
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
      problems.push(
        `${which} cannot hold "*": it only stands for "every action" as a transition's source. List the actions, or tag them and use "@tag:<name>"`,
      );
      continue;
    }
    if (!actions.has(name)) {
      const near = typeof name === "string" ? nearest(name, actions) : undefined;
      problems.push(
        `${which} names action ${JSON.stringify(name)}, which the app does not have.` +
          (near ? ` Did you mean "${near}"?` : "") +
          ` Its actions are: ${[...actions.keys()].join(", ")}`,
      );
      continue;
    }
    out.push(name);
  }
  return out;
}

function nearest(name: string, actions: ReadonlyMap<string, ActionBase>): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of actions.keys()) {
    const d = editDistance(name.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [candidate, d];
  }
  return bestDistance <= Math.max(2, Math.floor(name.length / 3)) ? best : undefined;
}

export function compileHalts(
  opts: { haltBefore?: readonly string[]; haltAfter?: readonly string[] },
  actions: ReadonlyMap<string, ActionBase>,
  appId: string,
): Halts {
  const problems: string[] = [];
  const halts = {
    before: expand(opts.haltBefore, actions, "haltBefore", appId, problems),
    after: expand(opts.haltAfter, actions, "haltAfter", appId, problems),
  };
  if (problems.length === 1) throw new ConfigurationError(problems[0], { appId });
  if (problems.length > 1) {
    throw new ConfigurationError(
      `The halt lists have ${problems.length} problems; fix them and run again:\n${problems.map((p, i) => `  ${i + 1}. ${p}`).join("\n")}\n`,
      { appId },
    );
  }
  return halts;
}

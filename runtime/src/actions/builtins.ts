// Burr's built-in actions: Result(...keys) returns those keys of state as its
// result and changes nothing; Input(...keys) writes the inputs of those names
// into state. Both are ordinary actions (graph, tracker, debugger see them).
import type { State } from "../state/state.js";
import { ConfigurationError } from "../errors.js";
import { ActionBase, type ActionContext, type ActionOutcome, type Inputs } from "./action.js";

function checkKeys(kind: string, keys: readonly unknown[]): readonly string[] {
  if (keys.length === 0 || keys.some((k) => typeof k !== "string" || k === "")) {
    throw new ConfigurationError(`${kind}(...keys) takes one or more state key names, e.g. ${kind}("answer", "chatHistory"), got ${JSON.stringify(keys)}`);
  }
  return Object.freeze([...new Set(keys as string[])]);
}

/** Reads `keys` and returns the present ones as its result; state is unchanged (Burr's `Result`). */
export class ResultAction extends ActionBase {
  readonly reads: readonly string[];
  readonly writes: readonly string[] = [];

  constructor(keys: readonly string[]) {
    super();
    this.reads = checkKeys("Result", keys);
  }

  execute(state: State): ActionOutcome {
    const result: Record<string, unknown> = {};
    for (const key of this.reads) if (state.has(key)) result[key] = state.get(key);
    return { result, state };
  }
}

/** Needs inputs named `keys` and writes each to the state key of the same name (Burr's `Input`). */
export class InputAction extends ActionBase {
  readonly reads: readonly string[] = [];
  readonly writes: readonly string[];

  constructor(keys: readonly string[]) {
    super();
    this.writes = checkKeys("Input", keys);
    this.inputs = this.writes;
  }

  execute(state: State, inputs: Inputs, _ctx: ActionContext): ActionOutcome {
    const result: Record<string, unknown> = {};
    for (const key of this.writes) result[key] = inputs[key];
    return { result, state: (state as State<Record<string, unknown>>).update(result) as State };
  }
}

/** `Result("answer")`: an action that ends a run returning those state keys. */
export function Result(...keys: string[]): ResultAction {
  return new ResultAction(keys);
}

/** `Input("prompt")`: an action that stores the inputs of those names in state. */
export function Input(...keys: string[]): InputAction {
  return new InputAction(keys);
}

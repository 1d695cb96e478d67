// The function forms of the parallel actions: mapStates, mapActions,
// mapActionsAndStates, parallelTasks (task-based) and mapReduce, each
// configured from one options object like action(spec, fn).
import { adoptSpec, normalizeSpec, type ActionContext, type ActionSpec, type Inputs } from "../actions/action.js";
import { ConfigurationError } from "../errors.js";
import type { State } from "../state/state.js";
import {
  MapActions,
  MapActionsAndStates,
  MapStates,
  ParallelAction,
  TaskBasedParallelAction,
  type Produces,
  type SubGraphTask,
  type SubState,
} from "./parallel.js";
import type { ChildInheritance, ParallelExecutor } from "./parallelTypes.js";
import type { SubTarget } from "./runnableGraph.js";

export interface ParallelOptions extends ActionSpec {
  reduce(state: State, states: State[]): State | Promise<State>;
  /** What children inherit (tracker, persister, initializer: "cascade" by default; hooks: not). */
  inherit?: ChildInheritance;
  maxConcurrency?: number;
  /** Where children run (overrides the app's withParallelExecutor). */
  executor?: ParallelExecutor;
}

function configure<T extends ParallelAction>(target: T, opts: ParallelOptions): T {
  const { reads, writes, inputs, optionalInputs, tags, onError } = normalizeSpec(opts);
  adoptSpec(target, { reads, writes, inputs, optionalInputs, tags, onError });
  if (opts.inherit !== undefined) target.inherit = { ...opts.inherit };
  if (opts.maxConcurrency !== undefined) target.maxConcurrency = opts.maxConcurrency;
  if (opts.executor !== undefined) target.executor = opts.executor;
  return target;
}

type StatesFn = (state: State, ctx: ActionContext, inputs: Inputs) => Produces<SubState>;
type ActionsFn = (state: State, ctx: ActionContext, inputs: Inputs) => Produces<SubTarget>;

/** MapStates from functions: `mapStates({ reads, writes, action: { square }, states, reduce })`. */
export function mapStates(opts: ParallelOptions & { action: SubTarget | ((state: State, inputs: Inputs) => SubTarget); states: StatesFn }): MapStates {
  class FunctionMapStates extends MapStates {
    readonly reads: readonly string[] = [];
    readonly writes: readonly string[] = [];
    action(state: State, inputs: Inputs): SubTarget {
      return typeof opts.action === "function" ? opts.action(state, inputs) : opts.action;
    }
    states(state: State, ctx: ActionContext, inputs: Inputs) {
      return opts.states(state, ctx, inputs);
    }
    reduce(state: State, states: State[]) {
      return opts.reduce(state, states);
    }
  }
  return configure(new FunctionMapStates(), opts);
}

/** MapActions from functions: `mapActions({ reads, writes, actions, reduce })`. */
export function mapActions(opts: ParallelOptions & { actions: ActionsFn; state?(state: State, inputs: Inputs): SubState }): MapActions {
  class FunctionMapActions extends MapActions {
    readonly reads: readonly string[] = [];
    readonly writes: readonly string[] = [];
    actions(state: State, ctx: ActionContext, inputs: Inputs) {
      return opts.actions(state, ctx, inputs);
    }
    override state(state: State, inputs: Inputs): SubState {
      return opts.state ? opts.state(state, inputs) : state;
    }
    reduce(state: State, states: State[]) {
      return opts.reduce(state, states);
    }
  }
  return configure(new FunctionMapActions(), opts);
}

/** MapActionsAndStates from functions: `mapActionsAndStates({ reads, writes, actions, states, reduce })`. */
export function mapActionsAndStates(opts: ParallelOptions & { actions: ActionsFn; states: StatesFn }): MapActionsAndStates {
  class FunctionMapActionsAndStates extends MapActionsAndStates {
    readonly reads: readonly string[] = [];
    readonly writes: readonly string[] = [];
    actions(state: State, ctx: ActionContext, inputs: Inputs) {
      return opts.actions(state, ctx, inputs);
    }
    states(state: State, ctx: ActionContext, inputs: Inputs) {
      return opts.states(state, ctx, inputs);
    }
    reduce(state: State, states: State[]) {
      return opts.reduce(state, states);
    }
  }
  return configure(new FunctionMapActionsAndStates(), opts);
}

/** TaskBasedParallelAction from functions: `parallelTasks({ reads, writes, tasks, reduce })`, each task with its own app id. */
export function parallelTasks(
  opts: ParallelOptions & { tasks(state: State, ctx: ActionContext, inputs: Inputs): Produces<SubGraphTask> },
): TaskBasedParallelAction {
  class FunctionTasks extends TaskBasedParallelAction {
    readonly reads: readonly string[] = [];
    readonly writes: readonly string[] = [];
    tasks(state: State, ctx: ActionContext, inputs: Inputs) {
      return opts.tasks(state, ctx, inputs);
    }
    reduce(state: State, states: State[]) {
      return opts.reduce(state, states);
    }
  }
  return configure(new FunctionTasks(), opts);
}

export interface MapReduceOptions extends Omit<ParallelOptions, "reduce" | "writes"> {
  /** The list to map over, read from the parent's state (a key among `reads`, or a function). */
  over: string | ((state: State, inputs: Inputs) => Iterable<unknown> | AsyncIterable<unknown>);
  /** The key each child finds its item under. */
  as: string;
  /** What each child runs: `{ summarize }`, an action or a RunnableGraph. */
  map: SubTarget;
  /** The key read from each child's final state. */
  collect: string;
  /** The parent key written with the collected values, in the items' order. */
  into: string;
  /** Further keys the reduce writes; `into` is always written. */
  writes?: readonly string[];
  /** Optional final fold of the collected values (default: write the list as is). */
  reduce?(values: unknown[], state: State): unknown;
}

/**
 * The common fan-out: each item of a list becomes a child's `{ [as]: item }`,
 * each child's `collect` key is gathered into `into`:
 * `mapReduce({ reads: ["docs"], over: "docs", as: "doc", map: { summarize }, collect: "summary", into: "summaries" })`.
 */
export function mapReduce(opts: MapReduceOptions): MapStates {
  const { over, as, collect: key, into } = opts;
  for (const [name, v] of [["as", as], ["collect", key], ["into", into]] as const) {
    if (typeof v !== "string" || v === "") throw new ConfigurationError(`mapReduce: "${name}" must be a state key name, got ${JSON.stringify(v)}`);
  }
  if (typeof over === "string" && !(opts.reads ?? []).includes(over)) {
    throw new ConfigurationError(`mapReduce: "over" reads key "${over}"; add it to reads`, { key: over });
  }
  const writes = [...new Set([into, ...(opts.writes ?? [])])];
  return mapStates({
    ...opts,
    writes,
    action: opts.map,
    states: async function* (state, _ctx, inputs) {
      const items = typeof over === "string" ? state.get(over) : over(state, inputs);
      if (items === null || typeof items !== "object" || !(Symbol.iterator in items || Symbol.asyncIterator in items)) {
        throw new ConfigurationError(`mapReduce: "${typeof over === "string" ? over : "over()"}" must give a list, got ${typeof items}`, { key: typeof over === "string" ? over : undefined });
      }
      for await (const item of items as AsyncIterable<unknown>) yield { [as]: item };
    },
    reduce: (state, states) => {
      const values = states.map((s) => s.get(key));
      return state.update({ [into]: opts.reduce ? opts.reduce(values, state) : values });
    },
  });
}

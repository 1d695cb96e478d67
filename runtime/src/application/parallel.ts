// Parallelism as Burr has it (burr.core.parallelism): one step fans out into
// child applications, one per sub-state (MapStates) or per action
// (MapActions) or per pair of both (MapActionsAndStates), runs them concurrently and reduces their final states into the
// parent's. Children record the parent step that spawned them and, by default,
// get the parent's hooks (tracker, persister), as Burr's "cascade".
import { createHash } from "node:crypto";
import { ActionBase, type ActionContext, type ActionOutcome, type ActionSpec, type Inputs, adoptSpec, normalizeSpec } from "../actions/action.js";
import { ConfigurationError } from "../errors.js";
import type { LifecycleHooks } from "../lifecycle/hooks.js";
import { State } from "../state/state.js";
import { ApplicationBuilder } from "./builder.js";
import { unwrapView } from "./checks.js";
import type { Graph } from "./graph.js";

/** A sub-graph a child application runs: from `entrypoint` until one of `haltAfter` has run. */
export class RunnableGraph {
  constructor(
    readonly graph: Graph,
    readonly entrypoint: string,
    readonly haltAfter: readonly string[],
  ) {}
}

/** What a child application runs: one action, or a sub-graph. */
export type SubTarget = ActionBase | RunnableGraph;

type SubState = State | Record<string, unknown>;
type MaybeAsyncIterable<T> = Iterable<T> | AsyncIterable<T>;

interface Task {
  target: SubTarget;
  state: State;
}

/** The hooks of the app running a step (the engine's step context carries them), for children that cascade them. */
function parentHooks(ctx: ActionContext): readonly LifecycleHooks[] {
  return (ctx as { childHooks?: readonly LifecycleHooks[] }).childHooks ?? [];
}

export abstract class ParallelAction extends ActionBase {
  /** Children get the parent's hooks (tracker, persister). */
  cascade = true;
  /** How many children run at once. */
  maxConcurrency = Number.POSITIVE_INFINITY;

  /** @internal The child applications to run. */
  protected abstract tasks(state: State, ctx: ActionContext, inputs: Inputs): Promise<Task[]>;
  /** Folds the children's final states into the parent's state. */
  abstract reduce(state: State, states: State[]): State;

  async execute(state: State, inputs: Inputs, ctx: ActionContext): Promise<ActionOutcome> {
    const tasks = await this.tasks(state, ctx, inputs);
    const states = await runPool(tasks, this.maxConcurrency, (task, i) => this.runChild(task, i, inputs, ctx));
    const next = this.reduce(state, states);
    if (!(next instanceof State)) {
      throw new ConfigurationError(`reduce() of parallel action "${ctx.action}" must return a State`, { appId: ctx.appId, action: ctx.action });
    }
    return { result: {}, state: next };
  }

  private async runChild(task: Task, index: number, inputs: Inputs, ctx: ActionContext): Promise<State> {
    // Salted with the parent's sequence id, so a later step never reuses (and replays) an earlier child (apache/burr#761).
    const appId = createHash("sha256").update(`${ctx.appId}:${ctx.sequenceId}:${index}`).digest("hex");
    let builder = new ApplicationBuilder();
    let haltAfter: readonly string[];
    if (task.target instanceof RunnableGraph) {
      builder = builder.withGraph(task.target.graph).withEntrypoint(task.target.entrypoint);
      haltAfter = task.target.haltAfter;
    } else {
      builder = builder.withActions({ [ctx.action]: task.target }).withEntrypoint(ctx.action);
      haltAfter = [ctx.action];
    }
    builder = builder
      .withState(task.state)
      .withIdentifiers({ appId, partitionKey: ctx.partitionKey })
      .withSpawningParent({ appId: ctx.appId, sequenceId: ctx.sequenceId, partitionKey: ctx.partitionKey })
      .withDebugGate(null); // the debugger steps the parent; children run whole
    if (this.cascade) builder = builder.withHooks(...parentHooks(ctx));
    const child = builder.build();
    const r = await child.run({ haltAfter, inputs });
    return r.state;
  }
}

function toState(s: SubState): State {
  return s instanceof State ? unwrapView(s) : new State(s);
}

async function collect<T>(items: MaybeAsyncIterable<T> | Promise<MaybeAsyncIterable<T>>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of await items) out.push(item);
  return out;
}

async function runPool<T, R>(items: T[], limit: number, run: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await run(items[i], i);
    }
  };
  const workers = Math.max(1, Math.min(limit, items.length));
  await Promise.all(Array.from({ length: workers }, worker));
  return results;
}

/** Runs one action (or sub-graph) over many sub-states (Burr's MapStates). */
export abstract class MapStates extends ParallelAction {
  abstract action(state: State, inputs: Inputs): SubTarget;
  abstract states(state: State, ctx: ActionContext, inputs: Inputs): MaybeAsyncIterable<SubState> | Promise<MaybeAsyncIterable<SubState>>;

  protected async tasks(state: State, ctx: ActionContext, inputs: Inputs): Promise<Task[]> {
    const target = this.action(state, inputs);
    const states = await collect(this.states(state, ctx, inputs));
    return states.map((s) => ({ target, state: toState(s) }));
  }
}

/** Runs many actions (or sub-graphs) over one sub-state (Burr's MapActions). */
export abstract class MapActions extends ParallelAction {
  abstract actions(state: State, ctx: ActionContext, inputs: Inputs): MaybeAsyncIterable<SubTarget> | Promise<MaybeAsyncIterable<SubTarget>>;
  /** The state each child starts from; the parent's state by default. */
  state(state: State, _inputs: Inputs): SubState {
    return state;
  }

  protected async tasks(state: State, ctx: ActionContext, inputs: Inputs): Promise<Task[]> {
    const start = toState(this.state(state, inputs));
    const targets = await collect(this.actions(state, ctx, inputs));
    return targets.map((target) => ({ target, state: start }));
  }
}

/** Runs every action (or sub-graph) over every sub-state: their cartesian product (Burr's MapActionsAndStates). */
export abstract class MapActionsAndStates extends ParallelAction {
  abstract actions(state: State, ctx: ActionContext, inputs: Inputs): MaybeAsyncIterable<SubTarget> | Promise<MaybeAsyncIterable<SubTarget>>;
  abstract states(state: State, ctx: ActionContext, inputs: Inputs): MaybeAsyncIterable<SubState> | Promise<MaybeAsyncIterable<SubState>>;

  /** Action-major, as Burr: children of the first action come first in `reduce`'s list. */
  protected async tasks(state: State, ctx: ActionContext, inputs: Inputs): Promise<Task[]> {
    const targets = await collect(this.actions(state, ctx, inputs));
    const states = (await collect(this.states(state, ctx, inputs))).map(toState);
    return targets.flatMap((target) => states.map((s) => ({ target, state: s })));
  }
}

interface ParallelOptions extends ActionSpec {
  reduce(state: State, states: State[]): State;
  cascade?: boolean;
  maxConcurrency?: number;
}

function configure<T extends ParallelAction>(target: T, opts: ParallelOptions): T {
  const { reads, writes, inputs, optionalInputs, tags, onError } = normalizeSpec(opts);
  adoptSpec(target, { reads, writes, inputs, optionalInputs, tags, onError });
  if (opts.cascade !== undefined) target.cascade = opts.cascade;
  if (opts.maxConcurrency !== undefined) target.maxConcurrency = opts.maxConcurrency;
  return target;
}

/** MapStates from functions: `mapStates({ reads, writes, action, states, reduce })`. */
export function mapStates(
  opts: ParallelOptions & {
    action: SubTarget | ((state: State, inputs: Inputs) => SubTarget);
    states(state: State, ctx: ActionContext, inputs: Inputs): MaybeAsyncIterable<SubState> | Promise<MaybeAsyncIterable<SubState>>;
  },
): MapStates {
  class FunctionMapStates extends MapStates {
    readonly reads: readonly string[] = [];
    readonly writes: readonly string[] = [];
    action(state: State, inputs: Inputs): SubTarget {
      return typeof opts.action === "function" ? opts.action(state, inputs) : opts.action;
    }
    states(state: State, ctx: ActionContext, inputs: Inputs) {
      return opts.states(state, ctx, inputs);
    }
    reduce(state: State, states: State[]): State {
      return opts.reduce(state, states);
    }
  }
  return configure(new FunctionMapStates(), opts);
}

/** MapActions from functions: `mapActions({ reads, writes, actions, reduce })`. */
export function mapActions(
  opts: ParallelOptions & {
    actions(state: State, ctx: ActionContext, inputs: Inputs): MaybeAsyncIterable<SubTarget> | Promise<MaybeAsyncIterable<SubTarget>>;
    state?(state: State, inputs: Inputs): SubState;
  },
): MapActions {
  class FunctionMapActions extends MapActions {
    readonly reads: readonly string[] = [];
    readonly writes: readonly string[] = [];
    actions(state: State, ctx: ActionContext, inputs: Inputs) {
      return opts.actions(state, ctx, inputs);
    }
    override state(state: State, inputs: Inputs): SubState {
      return opts.state ? opts.state(state, inputs) : state;
    }
    reduce(state: State, states: State[]): State {
      return opts.reduce(state, states);
    }
  }
  return configure(new FunctionMapActions(), opts);
}

/** MapActionsAndStates from functions: `mapActionsAndStates({ reads, writes, actions, states, reduce })`. */
export function mapActionsAndStates(
  opts: ParallelOptions & {
    actions(state: State, ctx: ActionContext, inputs: Inputs): MaybeAsyncIterable<SubTarget> | Promise<MaybeAsyncIterable<SubTarget>>;
    states(state: State, ctx: ActionContext, inputs: Inputs): MaybeAsyncIterable<SubState> | Promise<MaybeAsyncIterable<SubState>>;
  },
): MapActionsAndStates {
  class FunctionMapActionsAndStates extends MapActionsAndStates {
    readonly reads: readonly string[] = [];
    readonly writes: readonly string[] = [];
    actions(state: State, ctx: ActionContext, inputs: Inputs) {
      return opts.actions(state, ctx, inputs);
    }
    states(state: State, ctx: ActionContext, inputs: Inputs) {
      return opts.states(state, ctx, inputs);
    }
    reduce(state: State, states: State[]): State {
      return opts.reduce(state, states);
    }
  }
  return configure(new FunctionMapActionsAndStates(), opts);
}

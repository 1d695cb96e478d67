// Parallelism as Burr has it (burr.core.parallelism): one step fans out into
// child applications — one per sub-state (MapStates), per action
// (MapActions), per pair of both (MapActionsAndStates), or per task you
// describe yourself (TaskBasedParallelAction) — runs them on an executor
// (this process by default) and reduces their final states into the parent's.
// Children record the parent step that spawned them and inherit tracker,
// persister, initializer and hooks as each is chosen (ChildInheritance).
import { createHash } from "node:crypto";
import { ActionBase, type ActionContext, type ActionOutcome, type Inputs } from "../actions/action.js";
import { ConfigurationError } from "../errors.js";
import type { LifecycleHooks } from "../lifecycle/hooks.js";
import { State } from "../state/state.js";
import { unwrapView } from "./checks.js";
import { inProcessExecutor } from "./executor.js";
import type { ChildInheritance, ChildJob, ParallelExecutor, ParentParts, ResolvedParts } from "./parallelTypes.js";
import { RunnableGraph, type SubTarget } from "./runnableGraph.js";

export type SubState = State | Record<string, unknown>;
export type MaybeAsyncIterable<T> = Iterable<T> | AsyncIterable<T>;
export type Produces<T> = MaybeAsyncIterable<T> | Promise<MaybeAsyncIterable<T>>;

/** One child as a TaskBasedParallelAction describes it (Burr's SubGraphTask). */
export interface SubGraphTask extends ChildInheritance {
  target: SubTarget;
  state: SubState;
  /** The child's app id: yours to choose, stable across retries of the step if the child should resume. */
  appId: string;
  /** Inputs for the child; the parent step's inputs by default. */
  inputs?: Inputs;
}

/** A child before ids and inheritance are settled. */
interface PlannedChild {
  target: SubTarget;
  state: State;
  key: string;
  appId?: string;
  inputs?: Inputs;
  inherit?: ChildInheritance;
}

interface StepInternals {
  parentParts?: ParentParts;
  committedSequenceId?: number | null;
}

export abstract class ParallelAction extends ActionBase {
  /** What children inherit; see ChildInheritance for the defaults. */
  inherit: ChildInheritance = {};
  /** How many children run at once. */
  maxConcurrency = Number.POSITIVE_INFINITY;
  /** Where the children run; the app's withParallelExecutor, else this process. */
  executor: ParallelExecutor | null = null;

  /** @internal The children to run. */
  protected abstract plan(state: State, ctx: ActionContext, inputs: Inputs): Promise<PlannedChild[]>;
  /** Folds the children's final states (in the children's order) into the parent's state. */
  abstract reduce(state: State, states: State[]): State | Promise<State>;

  async execute(state: State, inputs: Inputs, ctx: ActionContext): Promise<ActionOutcome> {
    const internals = ctx as ActionContext & StepInternals;
    const parts = internals.parentParts;
    // Salted with the last completed step: a later step never replays an earlier
    // one's children (apache/burr#761), a retry of a failed step resumes them.
    const salt = internals.committedSequenceId !== undefined ? internals.committedSequenceId : ctx.sequenceId - 1;
    const planned = await this.plan(state, ctx, inputs);
    const children: ChildJob[] = planned.map((p, index) => {
      const graph = RunnableGraph.create(p.target, ctx.action);
      return {
        index,
        name: graph.name,
        graph,
        state: p.state,
        inputs: p.inputs ?? inputs,
        appId: p.appId ?? childAppId(ctx.appId, salt, p.key),
        parts: resolveParts({ ...this.inherit, ...p.inherit }, parts),
      };
    });
    const executor = this.executor ?? parts?.executor ?? inProcessExecutor;
    const parent = { appId: ctx.appId, partitionKey: ctx.partitionKey, sequenceId: ctx.sequenceId, action: ctx.action };
    const states = await executor.runChildren({ parent, children, maxConcurrency: this.maxConcurrency });
    const next = await this.reduce(state, states);
    if (!(next instanceof State)) {
      throw new ConfigurationError(`reduce() of parallel action "${ctx.action}" must return a State`, { appId: ctx.appId, action: ctx.action });
    }
    return { result: {}, state: next };
  }
}

function childAppId(parentAppId: string, salt: number | null, key: string): string {
  return createHash("sha256").update(`${parentAppId}:${salt ?? -1}:${key}`).digest("hex");
}

function resolveParts(choice: ChildInheritance, parts: ParentParts | undefined): ResolvedParts {
  const tracker = choice.tracker === undefined ? "cascade" : choice.tracker;
  const persister = choice.persister === undefined ? "cascade" : choice.persister;
  const initializer = choice.initializer === undefined ? "cascade" : choice.initializer;
  const hooks = choice.hooks === undefined ? null : choice.hooks;
  return {
    trackers: tracker === "cascade" ? (parts?.trackers ?? []) : tracker === null ? [] : [tracker],
    persisters: persister === "cascade" ? (parts?.persisters ?? []) : persister === null ? [] : [persister],
    initializer: initializer === "cascade" ? (parts?.initializer ?? null) : initializer,
    hooks: hooks === "cascade" ? (parts?.hooks ?? []) : hooks === null ? [] : (hooks as readonly LifecycleHooks[]),
    // Only what the parent actually has: a remote worker then gives its own counterpart.
    cascaded: {
      tracker: tracker === "cascade" && (parts?.trackers.length ?? 0) > 0,
      persister: persister === "cascade" && (parts?.persisters.length ?? 0) > 0,
      initializer: initializer === "cascade" && (parts?.initializer ?? null) !== null,
      hooks: hooks === "cascade" && (parts?.hooks.length ?? 0) > 0,
    },
  };
}

export function toState(s: SubState): State {
  return s instanceof State ? unwrapView(s) : new State(s);
}

export async function collect<T>(items: Produces<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of await items) out.push(item);
  return out;
}

/** Children you describe one by one, with your own app ids (Burr's TaskBasedParallelAction). */
export abstract class TaskBasedParallelAction extends ParallelAction {
  abstract tasks(state: State, ctx: ActionContext, inputs: Inputs): Produces<SubGraphTask>;

  protected async plan(state: State, ctx: ActionContext, inputs: Inputs): Promise<PlannedChild[]> {
    const tasks = await collect(this.tasks(state, ctx, inputs));
    const seen = new Set<string>();
    return tasks.map((t, i) => {
      if (typeof t?.appId !== "string" || t.appId === "" || seen.has(t.appId)) {
        throw new ConfigurationError(
          `Task ${i} of parallel action "${ctx.action}" needs a unique, non-empty appId (got ${JSON.stringify(t?.appId)}); derive it from ctx.appId and what the task is about`,
          { appId: ctx.appId, action: ctx.action },
        );
      }
      seen.add(t.appId);
      const { tracker, persister, initializer, hooks } = t;
      return { target: t.target, state: toState(t.state), key: String(i), appId: t.appId, inputs: t.inputs, inherit: definedOnly({ tracker, persister, initializer, hooks }) };
    });
  }
}

function definedOnly(choice: ChildInheritance): ChildInheritance {
  return Object.fromEntries(Object.entries(choice).filter(([, v]) => v !== undefined));
}

/** Runs one action (or sub-graph) over many sub-states (Burr's MapStates). */
export abstract class MapStates extends ParallelAction {
  abstract action(state: State, inputs: Inputs): SubTarget;
  abstract states(state: State, ctx: ActionContext, inputs: Inputs): Produces<SubState>;

  protected async plan(state: State, ctx: ActionContext, inputs: Inputs): Promise<PlannedChild[]> {
    const target = this.action(state, inputs);
    const states = await collect(this.states(state, ctx, inputs));
    return states.map((s, i) => ({ target, state: toState(s), key: String(i) }));
  }
}

/** Runs many actions (or sub-graphs) over one sub-state (Burr's MapActions). */
export abstract class MapActions extends ParallelAction {
  abstract actions(state: State, ctx: ActionContext, inputs: Inputs): Produces<SubTarget>;
  /** The state each child starts from; the parent's state by default. */
  state(state: State, _inputs: Inputs): SubState {
    return state;
  }

  protected async plan(state: State, ctx: ActionContext, inputs: Inputs): Promise<PlannedChild[]> {
    const start = toState(this.state(state, inputs));
    const targets = await collect(this.actions(state, ctx, inputs));
    return targets.map((target, i) => ({ target, state: start, key: String(i) }));
  }
}

/** Runs every action (or sub-graph) over every sub-state: their cartesian product (Burr's MapActionsAndStates). */
export abstract class MapActionsAndStates extends ParallelAction {
  abstract actions(state: State, ctx: ActionContext, inputs: Inputs): Produces<SubTarget>;
  abstract states(state: State, ctx: ActionContext, inputs: Inputs): Produces<SubState>;

  /** Action-major, as Burr: children of the first action come first in `reduce`'s list. */
  protected async plan(state: State, ctx: ActionContext, inputs: Inputs): Promise<PlannedChild[]> {
    const targets = await collect(this.actions(state, ctx, inputs));
    const states = (await collect(this.states(state, ctx, inputs))).map(toState);
    return targets.flatMap((target, i) => states.map((s, j) => ({ target, state: s, key: `${i}-${j}` })));
  }
}

export { RunnableGraph };
export type { SubTarget };

// The shapes parallelism is made of, shared by the parallel actions, the
// child runner and every executor (in-process, worker threads, BullMQ):
// what a parent app lets its children inherit, one child to run, and the
// error naming the child that failed.
import type { Inputs } from "../actions/action.js";
import { ActionError } from "../errors.js";
import type { LifecycleHooks } from "../lifecycle/hooks.js";
import type { StateLoader, StateSaver } from "../persistence/types.js";
import type { State } from "../state/state.js";
import type { RunnableGraph } from "./runnableGraph.js";

/**
 * Hooks objects that record runs (the local tracker, OpenTelemetryHooks) carry
 * this symbol: children inherit them as their tracker even when they were
 * given with withHooks.
 */
export const TRACKS_CHILDREN: unique symbol = Symbol.for("burr-ts.tracksChildren") as never;

export function isChildTracker(h: LifecycleHooks): boolean {
  return (h as { [TRACKS_CHILDREN]?: unknown })[TRACKS_CHILDREN] === true;
}

/** What a parent application offers its parallel children (from its builder). */
export interface ParentParts {
  trackers: readonly LifecycleHooks[];
  persisters: readonly StateSaver[];
  /** The loader given to initializeFrom, if any. */
  initializer: StateLoader | null;
  /** withHooks hooks that are not trackers. */
  hooks: readonly LifecycleHooks[];
  executor: ParallelExecutor | null;
}

/**
 * What children inherit, each chosen separately as Burr's MapStates does:
 * "cascade" takes the parent's, null none, or give your own.
 * Defaults: tracker, persister and initializer cascade; hooks do not (a
 * postRunStep hook of yours sees only the parent's steps unless you ask).
 */
export interface ChildInheritance {
  tracker?: "cascade" | null | LifecycleHooks;
  persister?: "cascade" | null | StateSaver;
  /** Children resume from what this loads (a retried parent step resumes its children instead of re-running them). */
  initializer?: "cascade" | null | StateLoader;
  hooks?: "cascade" | null | readonly LifecycleHooks[];
}

/** The inheritance choices made concrete for one child. */
export interface ResolvedParts {
  trackers: readonly LifecycleHooks[];
  persisters: readonly StateSaver[];
  initializer: StateLoader | null;
  hooks: readonly LifecycleHooks[];
  /** Which choices were "cascade"; a remote executor re-creates them from the worker's own parts. */
  cascaded: { tracker: boolean; persister: boolean; initializer: boolean; hooks: boolean };
}

/** One child application to run. */
export interface ChildJob {
  index: number;
  /** The child's name: its action's (or sub-graph's) name; remote executors look it up by this name. */
  name: string;
  graph: RunnableGraph;
  state: State;
  inputs: Inputs;
  appId: string;
  parts: ResolvedParts;
}

/** The step that spawns the children. */
export interface ParentStep {
  appId: string;
  partitionKey: string | null;
  sequenceId: number;
  action: string;
}

export interface ChildBatch {
  parent: ParentStep;
  children: readonly ChildJob[];
  maxConcurrency: number;
}

/**
 * Where children run. `runChildren` resolves to their final states in the
 * children's order, or rejects with the ChildFailedError of the first child
 * (by index) that failed, once the others have settled.
 */
export interface ParallelExecutor {
  runChildren(batch: ChildBatch): Promise<State[]>;
  close?(): Promise<void>;
}

/** A child of a parallel step failed: names the child's index, action and app id. The parent's state is kept. */
export class ChildFailedError extends ActionError {
  readonly childIndex: number;
  readonly childAction: string;
  readonly childAppId: string;
  /** onError: captureAs(key) captures it like any exception of the action's own. */
  readonly actionsOwn = true;
  constructor(cause: unknown, parent: ParentStep, child: { index: number; name: string; appId: string }) {
    super(cause, { appId: parent.appId, partitionKey: parent.partitionKey, action: parent.action, sequenceId: parent.sequenceId });
    const root = innermost(cause);
    const inner = root instanceof Error ? `${root.name}: ${root.message}` : String(root);
    this.message =
      `Child ${child.index} (action "${child.name}", child app "${child.appId}") of parallel action "${parent.action}" failed: ${inner}. ` +
      `The parent's state is unchanged; fix the child and step again (children that finished resume from their persisted state when they inherit a persister and an initializer)` +
      ` [app "${parent.appId}"${parent.partitionKey ? `, partition "${parent.partitionKey}"` : ""}, action "${parent.action}", sequence id ${parent.sequenceId}]`;
    this.childIndex = child.index;
    this.childAction = child.name;
    this.childAppId = child.appId;
  }
}

/** The user's own error under the runtime's wrappers (ActionError's cause chain). */
function innermost(e: unknown): unknown {
  let cur = e;
  for (let i = 0; i < 8 && cur instanceof ActionError && cur.cause !== undefined; i++) cur = cur.cause;
  return cur;
}

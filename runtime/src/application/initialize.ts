// initializeFrom: where a built app starts when it resumes or forks a
// persisted app, with Burr's semantics (ApplicationBuilder.initialize_from in
// apache/burr): nothing stored starts at defaultEntrypoint with defaultState;
// otherwise the last saved step's state, and next the action after it
// (resumeAtNextAction) or defaultEntrypoint; a fork loads another app's step
// and records it as the parent.
import { ConfigurationError } from "../errors.js";
import type { StateLoader } from "../persistence/types.js";
import { State } from "../state/state.js";
import type { StateValues } from "../state/types.js";
import type { AppPointer } from "./application.js";

export interface InitializeFromOptions<S extends StateValues = StateValues> {
  /** Continue after the loaded step (true), or start at defaultEntrypoint with the loaded state (false). */
  resumeAtNextAction: boolean;
  /** The state when nothing is loaded. */
  defaultState: Partial<S> | State<S>;
  /** The first action when nothing is loaded (and the graph's entrypoint). */
  defaultEntrypoint: string;
  /** Fork: load this app's state instead of the app's own; the new app records it as its parent. */
  forkFromAppId?: string;
  forkFromPartitionKey?: string | null;
  /** Fork from this step (default: the latest). */
  forkFromSequenceId?: number;
}

export interface InitialPosition<S extends StateValues> {
  state: State<S>;
  /** The action to run first, unless priorAction is set. */
  next: string | null;
  /** When set, the next action is chosen by this action's transitions. */
  priorAction: string | null;
  lastSequenceId: number | null;
  /** The last step that completed (differs from lastSequenceId after failed steps). */
  lastCommittedSequenceId: number | null;
  parent: AppPointer | null;
}

export async function loadInitialPosition<S extends StateValues>(
  loader: StateLoader,
  options: InitializeFromOptions<S>,
  appId: string,
  partitionKey: string | null,
): Promise<InitialPosition<S>> {
  const forking = options.forkFromAppId !== undefined;
  if (forking && options.forkFromAppId === appId) {
    throw new ConfigurationError(
      `initializeFrom: forkFromAppId is this app's own id "${appId}"; give the fork a new appId (or omit it for a random one)`,
      { appId },
    );
  }
  const loaded = forking
    ? await loader.load(options.forkFromPartitionKey ?? null, options.forkFromAppId!, options.forkFromSequenceId)
    : await loader.load(partitionKey, appId);
  if (!loaded) {
    if (forking) {
      // Burr only warns here; a fork of a step that does not exist is almost always a mistake worth saying.
      console.warn(
        `burr-ts: initializeFrom found no step ${options.forkFromSequenceId ?? "(latest)"} of app "${options.forkFromAppId}" to fork; starting from defaultState`,
      );
    }
    const state = options.defaultState instanceof State ? options.defaultState : new State<S>(options.defaultState);
    return { state, next: options.defaultEntrypoint, priorAction: null, lastSequenceId: null, lastCommittedSequenceId: null, parent: null };
  }
  if (!(loaded.state instanceof State)) {
    throw new ConfigurationError(`initializeFrom: the loader returned step ${loaded.sequenceId} of app "${loaded.appId}" without a state`, {
      appId,
      sequenceId: loaded.sequenceId,
    });
  }
  const parent: AppPointer | null = forking ? { appId: loaded.appId, partitionKey: loaded.partitionKey, sequenceId: loaded.sequenceId } : null;
  const committed = forking || loaded.status !== "failed" ? loaded.sequenceId : await lastCompleted(loader, loaded.partitionKey, loaded.appId, loaded.sequenceId);
  const base = { state: loaded.state as State<S>, lastSequenceId: loaded.sequenceId, lastCommittedSequenceId: committed, parent };
  if (!options.resumeAtNextAction) return { ...base, next: options.defaultEntrypoint, priorAction: null };
  if (loaded.status === "failed") {
    // The failed step is re-run on the state from before it.
    return { ...base, next: loaded.position, priorAction: null };
  }
  return { ...base, next: null, priorAction: loaded.position };
}

/**
 * The last completed step before a failed one, so a retried step keeps the
 * child ids of its parallel children (they then resume, not start over).
 */
async function lastCompleted(loader: StateLoader, partitionKey: string | null, appId: string, failedSeq: number): Promise<number | null> {
  for (let seq = failedSeq - 1, budget = 64; seq >= 0 && budget > 0; seq--, budget--) {
    const step = await loader.load(partitionKey, appId, seq);
    if (step === null || step.status !== "failed") return step === null ? null : seq;
  }
  return failedSeq - 1 >= 0 ? failedSeq - 1 : null;
}

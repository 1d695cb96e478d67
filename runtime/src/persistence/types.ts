// The persister contract (Burr's BaseStateSaver + BaseStateLoader), plus the
// optional rewind/history extension (apache/burr#529) that burr-ts adds.
import type { State } from "../state/state.js";
import type { StepChanges } from "../lifecycle/hooks.js";

export type StepStatus = "completed" | "failed";

export interface SaveArgs {
  partitionKey: string | null;
  appId: string;
  sequenceId: number;
  /** The action that just ran. */
  position: string;
  state: State;
  status: StepStatus;
  /** What this step changed; lets a persister store a delta instead of the whole state. */
  changes?: StepChanges;
}

export interface PersistedStep {
  partitionKey: string | null;
  appId: string;
  sequenceId: number;
  position: string;
  state: State;
  status: StepStatus;
  createdAt: Date;
  /** The history branch the step lives on (0 until the app is first rewound). */
  branch?: number;
}

export interface LoadOptions {
  /** Read an older (abandoned) branch instead of the current one. */
  branch?: number;
}

export interface StateLoader {
  /** The latest step (or the given sequence id) of an app; null when there is none. */
  load(partitionKey: string | null, appId: string, sequenceId?: number, options?: LoadOptions): Promise<PersistedStep | null>;
  listAppIds(partitionKey: string | null): Promise<string[]>;
}

export interface RewindArgs {
  partitionKey: string | null;
  appId: string;
  /** The step whose state becomes current again; the next step saved gets toSequenceId + 1 (-1: back to before the first step). */
  toSequenceId: number;
}

/** One line of an app's history: branch 0 is the original, each rewind opens the next. */
export interface BranchInfo {
  branch: number;
  /** The branch this one was rewound from (null for branch 0). */
  parentBranch: number | null;
  /** Steps up to and including this id are shared with the parent branch. */
  forkSequenceId: number | null;
  createdAt: Date;
  /** Highest sequence id saved on the branch itself (null when none yet). */
  lastSequenceId: number | null;
  current: boolean;
}

export interface StepSummary {
  sequenceId: number;
  position: string;
  status: StepStatus;
  createdAt: Date;
  branch: number;
}

export interface StateSaver {
  initialize(): Promise<void>;
  save(args: SaveArgs): Promise<void>;
  close(): Promise<void>;
  /**
   * Optional (burr-ts): make an earlier step current again without losing
   * history. The application calls it when it is rewound (the debugger's Step Back).
   */
  rewind?(args: RewindArgs): Promise<BranchInfo>;
}

export interface StatePersister extends StateLoader, StateSaver {}

/** Where an app's history ends: its newest branch and the highest step saved on that branch itself. */
export interface HistoryHead {
  branch: number;
  /** null when the branch has no step of its own yet (a new app, or just rewound). */
  lastSequenceId: number | null;
}

/** A persister that keeps every branch of an app's history (all burr-ts persisters). */
export interface RewindableStatePersister extends StatePersister {
  /**
   * Optional: the app's history head in one cheap read. It changes whenever
   * anyone steps or rewinds the app, so a server can tell whether an app it
   * keeps built is still current (burr-ts/http does, on every request).
   */
  head?(partitionKey: string | null, appId: string): Promise<HistoryHead>;
  rewind(args: RewindArgs): Promise<BranchInfo>;
  listBranches(partitionKey: string | null, appId: string): Promise<BranchInfo[]>;
  /** Steps of the current branch's lineage (or of the given branch), oldest first. */
  listSteps(partitionKey: string | null, appId: string, options?: LoadOptions): Promise<StepSummary[]>;
}

export function isRewindable(p: StateLoader | StateSaver): p is RewindableStatePersister {
  const r = p as Partial<RewindableStatePersister>;
  return typeof r.rewind === "function" && typeof r.listBranches === "function" && typeof r.listSteps === "function";
}

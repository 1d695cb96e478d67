// The one seam the debugger uses inside a running application. The runtime
// calls the gate around every step; the gate may pause (by not resolving),
// replace state, or rewind the app before the step runs. Only attached when
// the program was launched by the burr debug adapter.
import type { State } from "../state/state.js";
import type { StepChanges } from "../lifecycle/hooks.js";

/** What the application exposes to its gate. */
export interface GateTarget {
  readonly uid: string;
  readonly partitionKey: string | null;
  readonly state: State;
  /** The sequence id the next step will get. */
  readonly nextSequenceId: number;
  readonly graph: import("../graph/model.js").GraphModel;
  /** The step this app was forked from, if any (announced to the debugger). */
  readonly parent?: { appId: string; partitionKey: string | null; sequenceId: number | null } | null;
  /** Replace the state the next step will read (edits from the debugger). */
  replaceState(state: State): void;
  /** Return the app to an earlier step: state, next action and sequence id as they were then. */
  rewind(to: { state: State; nextAction: string | null; nextSequenceId: number }): void;
  /**
   * Optional (added by the debugger): after rewind(), make the app's persisters
   * follow it (a new branch whose last step is toSequenceId; -1 = before the
   * first step), so the next save continues there and nothing saved is lost.
   * Without it, a persister refuses the next save as a concurrent write.
   */
  rewindPersisters?(toSequenceId: number): Promise<void>;
  /**
   * Optional: after a rewind to a step an earlier call of the program took
   * (an earlier app.run()), resolve step inputs from that call's inputs until
   * the call now running returns.
   */
  replayCallInputs?(inputs: Record<string, unknown> | undefined): void;
}

export interface BeforeStepInfo {
  sequenceId: number;
  action: string;
  inputs: Record<string, unknown>;
  state: State;
  /** The program's call (run, step, iterate, …) this step belongs to, counted from 1, and the inputs it was given. */
  call?: { index: number; method: string; inputs: Record<string, unknown> | undefined };
}

export interface AfterStepInfo extends BeforeStepInfo {
  result: Record<string, unknown> | null;
  changes?: StepChanges;
  /** The transition taken after this step (null when the app ends). */
  next: { to: string; transitionIndex: number } | null;
  exception: Error | null;
  stateAfter: State;
}

export interface StepGate {
  beforeStep(target: GateTarget, info: BeforeStepInfo): Promise<void>;
  /** For an exception, the gate may pause; if it rewinds or edits state the error is not rethrown (returns "retry"). */
  afterStep(target: GateTarget, info: AfterStepInfo): Promise<"continue" | "retry">;
}

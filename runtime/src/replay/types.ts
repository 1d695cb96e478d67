// What replay reads and what it reports (printed by the CLI, or as JSON).
import type { StepRecord } from "../tracking/types.js";
import type { LiveCall } from "./live.js";

export interface RecordedRun {
  /** Where the record came from, for messages (a directory, project/appId, a database). */
  source: string;
  steps: StepRecord[];
  /** A persister's history: states and actions only (no inputs, results or traced calls). */
  stateOnly: boolean;
  warnings: string[];
}

export interface TransitionTaken {
  /** The action before (null at the entrypoint). */
  from: string | null;
  /** The action the current code chose (null when the app ends). */
  to: string | null;
  /** The condition's text, as in the graph. */
  condition: string;
}

export interface Divergence {
  sequenceId: number;
  /** The recorded action of the step. */
  action: string;
  /** action: another action was chosen; call: a traced call differs; result / write: the result or a state key differs; error: fails now or failed before. */
  kind: "action" | "call" | "result" | "write" | "error";
  /** The result path, state key or traced function concerned; null for action and error. */
  key: string | null;
  recorded: unknown;
  current: unknown;
  message: string;
  /** For kind "action": the transition the current code took instead. */
  transition?: TransitionTaken;
}

export interface ReplayReport {
  status: "match" | "diverged";
  source: string;
  stateOnly: boolean;
  stepsRecorded: number;
  /** Steps replayed that matched the record. */
  stepsReplayed: number;
  divergence: Divergence | null;
  /** Calls that bypassed trace() and ran live (where they could be seen). */
  live: LiveCall[];
  warnings: string[];
}

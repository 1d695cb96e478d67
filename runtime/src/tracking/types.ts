// What TrackingReader returns: plain data (times in ms since the epoch), the
// same shapes the Tracked Runs view and the debugger's replay use.
import type { GraphModel } from "../graph/model.js";
import type { StepChanges } from "../lifecycle/hooks.js";

export type AppStatus = "running" | "completed" | "failed";

export interface ProjectSummary {
  name: string;
  appCount: number;
  lastWritten: number;
}

export interface AppSummary {
  appId: string;
  partitionKey: string | null;
  steps: number;
  lastWritten: number;
  status: AppStatus;
  /** Problems met while summarising (unreadable metadata, a torn last line). */
  warnings?: string[];
}

export interface SpanRecord {
  spanId: string;
  name: string;
  parentSpanId: string | null;
  startTime: number | null;
  endTime: number | null;
  attributes: Record<string, unknown>;
}

export interface StreamRecord {
  initTime: number | null;
  firstItemTime: number | null;
  endTime: number | null;
  itemsStreamed: number | null;
}

export interface StepRecord {
  sequenceId: number;
  action: string;
  inputs: Record<string, unknown>;
  result: Record<string, unknown> | null;
  /** Full state after the step (before it, for a failed step); null while running or not materialized. */
  state: Record<string, unknown> | null;
  /** For compact logs: what the step changed (the state is rebuilt from it). */
  stateDelta?: StepChanges;
  /** Traceback / stack text; null when the step succeeded. */
  error: string | null;
  startTime: number | null;
  endTime: number | null;
  spans: SpanRecord[];
  /** Attributes logged on the action itself, outside any span. */
  attributes: Record<string, unknown>;
  stream: StreamRecord | null;
}

export interface RunPointer {
  appId: string;
  sequenceId: number | null;
  partitionKey: string | null;
}

export interface ChildPointer {
  appId: string;
  partitionKey: string | null;
  /** The parent's step the child came from. */
  sequenceId: number | null;
  eventType: string;
  eventTime: number | null;
}

export interface AppRun {
  graph: GraphModel | null;
  steps: StepRecord[];
  children: ChildPointer[];
  warnings: string[];
  partitionKey: string | null;
  parent: RunPointer | null;
  spawningParent: RunPointer | null;
  /** True when the log holds state deltas (written with compact: true). */
  compact: boolean;
}

export interface ReadAppOptions {
  /** "full" (default) gives every step's whole state; "delta" leaves compact steps as deltas (use stateAt). */
  states?: "full" | "delta";
}

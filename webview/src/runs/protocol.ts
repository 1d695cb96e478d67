// Messages between the run view webview and the extension host. Declared once;
// both sides switch over `type` exhaustively. Pure data: the webview has no Node.

export interface StateChange {
  added: { key: string; value: unknown }[];
  removed: { key: string; value: unknown }[];
  changed: { key: string; before: unknown; after: unknown }[];
  appended: { key: string; items: unknown[] }[];
}

export interface SpanView {
  spanId: string;
  name: string;
  parentSpanId: string | null;
  depth: number;
  /** Milliseconds from the step's start; null when unknown. */
  startOffset: number | null;
  endOffset: number | null;
  attributes: Record<string, unknown>;
}

export interface StepViewData {
  source: string;
  project: string;
  appId: string;
  partitionKey: string | null;
  sequenceId: number;
  action: string;
  status: "completed" | "failed" | "running";
  /** ISO strings, so the webview needs no clock conventions. */
  startTime: string | null;
  endTime: string | null;
  durationMs: number | null;
  state: Record<string, unknown> | null;
  inputs: Record<string, unknown>;
  result: Record<string, unknown> | null;
  /** The step before (its action), null for the first step. */
  previousAction: string | null;
  change: StateChange;
  error: string | null;
  stream: { timeToFirstItemMs: number | null; streamMs: number | null; items: number | null } | null;
  spans: SpanView[];
  attributes: Record<string, unknown>;
  warnings: string[];
  /** Which actions the host offers for this step. */
  actions: RunViewCommand[];
}

export type RunViewCommand = "copyState" | "createTest" | "forkAndDebug" | "replay" | "openGraph";

export type HostToRunView = { type: "step"; data: StepViewData } | { type: "error"; message: string };

export type RunViewToHost = { type: "ready" } | { type: "command"; command: RunViewCommand };

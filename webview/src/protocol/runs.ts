// Messages between the run view and its host (the extension, or the `burr-ts ui`
// server in a browser page). Declared once; both sides switch over `type`
// exhaustively. Pure data: no DOM, vscode or Node.

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

/** A state value a transition's condition read. */
export interface TestedValue {
  /** A state key, or a key path such as messages.length. */
  key: string;
  /** False when the key is not in state (value is then null). */
  present: boolean;
  value: unknown;
  /** For when-style tests: the value the condition wants, and whether the state has it. */
  wants: { value: unknown; met: boolean } | null;
}

/** One transition out of the step's action, its condition evaluated on the state after the step. */
export interface TransitionCheck {
  from: string;
  to: string;
  /** The recorded condition text (user text: render as text). */
  condition: string;
  outcome: "holds" | "fails" | "unknown";
  /** Why the outcome is unknown (a custom condition, a missing key); null otherwise. */
  note: string | null;
  values: TestedValue[];
}

/** What came after the step, and why. */
export interface NextView {
  /** next: a step followed; ended: none did; running: this step has not ended; failed: it threw. */
  kind: "next" | "ended" | "running" | "failed";
  /** The next step's action; for "ended", the action the transitions lead to, when known. */
  action: string | null;
  sequenceId: number | null;
  /** The transition taken (for "ended": the one that would be), null when there is none. */
  taken: TransitionCheck | null;
  /** Transitions from this action before the taken one, in the order Burr tries them. */
  before: TransitionCheck[];
  /**
   * explained: evaluating the texts reproduces the run's choice; partial: consistent, but some
   * conditions cannot be evaluated from their text; unreproducible: the evaluation disagrees
   * with what the run did. Null when there is no choice to explain.
   */
  verdict: "explained" | "partial" | "unreproducible" | null;
  /** One or two plain sentences. */
  summary: string;
}

/** An error the action threw that onError: captureAs(key) turned into state; the step completed. */
export interface CapturedErrorView {
  /** The error's name, e.g. "TypeError". */
  type: string;
  message: string;
  /** Null when captured with includeStack: false. */
  stack: string | null;
  /** The state key it was written to, when the recorded graph names it. */
  key: string | null;
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
  next: NextView;
  error: string | null;
  /** Set when the step completed because its error was captured (then not repeated in attributes). */
  capturedError: CapturedErrorView | null;
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

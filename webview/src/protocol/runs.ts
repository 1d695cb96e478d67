// Messages between the run view and its host (the extension, or the `burr-ts ui`
// server in a browser page). Declared once; both sides switch over `type`
// exhaustively. Pure data: no DOM, vscode or Node.

// Burr's annotation record (AnnotationOut) as the view sees it. The runtime's
// declaration (runtime/src/tracking/annotations.ts) lives in a Node module the
// view cannot compile, so it is restated here; extension/src/runs/annotationHost.ts
// fails to compile if the two ever differ.

export interface AnnotationDataPointer {
  type: "state_field" | "attribute";
  field_name: string;
  /** The span the attribute belongs to; null when it's about the step itself. */
  span_id: string | null;
}

export interface AnnotationObservation {
  data_fields: { note?: string; ground_truth?: unknown; [key: string]: unknown };
  thumbs_up_thumbs_down: boolean | null;
  data_pointers: AnnotationDataPointer[];
}

export interface Annotation {
  id: number;
  project_id: string;
  app_id: string;
  partition_key: string | null;
  step_sequence_id: number;
  span_id: string | null;
  step_name: string;
  tags: string[];
  observations: AnnotationObservation[];
  /** ISO 8601 times. */
  created: string;
  updated: string;
}

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

/**
 * What the annotation form sends: the step is the one shown, so only what the
 * user chose. Observations are Burr's (`data_fields.note`, `.ground_truth`,
 * `thumbs_up_thumbs_down`, `data_pointers`).
 */
export interface AnnotationDraft {
  /** The span annotated, or null for the whole step. */
  spanId: string | null;
  tags: string[];
  observations: AnnotationObservation[];
}

/** The annotations of the step shown (every span of it), and every tag the project uses (for suggestions). */
export interface StepAnnotations {
  project: string;
  appId: string;
  partitionKey: string | null;
  sequenceId: number;
  annotations: Annotation[];
  projectTags: string[];
  /** False when the host cannot store annotations for this run (the reason is in `readOnlyReason`). */
  writable: boolean;
  readOnlyReason: string | null;
}

export type HostToRunView =
  | { type: "step"; data: StepViewData }
  | { type: "error"; message: string }
  /** Sent after `step`, and again after every change (ours or another writer's). */
  | { type: "annotations"; data: StepAnnotations }
  /** The answer to an annotation request: ok, or what went wrong (shown next to the form). */
  | { type: "annotationResult"; requestId: number; ok: boolean; error: string | null };

export type RunViewToHost =
  | { type: "ready" }
  | { type: "command"; command: RunViewCommand }
  /** Annotate the shown step (or a span in it). */
  | { type: "annotate"; requestId: number; draft: AnnotationDraft }
  | { type: "updateAnnotation"; requestId: number; id: number; draft: AnnotationDraft }
  | { type: "deleteAnnotation"; requestId: number; id: number };

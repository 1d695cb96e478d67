// The one graph model shared by every layer: the runtime (a built app), the
// language server (static analysis), the tracker (graph.json) and the webview.
// Pure data and no imports, so the webview can use it without Node.

/** Zero-based position, as LSP counts. */
export interface SourcePosition {
  line: number;
  character: number;
}

export interface SourceRange {
  /** Absolute file path (the runtime) or file URI (the server). */
  file: string;
  start: SourcePosition;
  end: SourcePosition;
}

export interface ActionModel {
  name: string;
  reads: string[];
  writes: string[];
  inputs: string[];
  optionalInputs: string[];
  streaming: boolean;
  /** The state key of `onError: captureAs(key)`: the action's exceptions are written there. Absent without onError. */
  capturesErrorsAs?: string;
  /** Where the action is defined, where it can be seen. */
  source?: SourceRange;
}

export interface TransitionModel {
  from: string;
  to: string;
  /** The condition's display text; "default" for an unconditional transition. */
  condition: string;
  /** State keys the condition tests, where known. */
  keys?: string[];
  source?: SourceRange;
  /** One of the edges a `["*", to, condition]` tuple stands for (every action but `to`); absent otherwise. */
  wildcard?: true;
}

export interface GraphModel {
  entrypoint: string | null;
  actions: ActionModel[];
  transitions: TransitionModel[];
}

/** Every problem code the runtime validator and the language server report (the diagnostics tests cover each). */
export const PROBLEM_CODES = [
  "unknown-action",
  "duplicate-action",
  "missing-entrypoint",
  "undeclared-read",
  "undeclared-write",
  "unused-write",
  "never-written",
  "unreachable-action",
  "shadowed-transition",
  "redundant-default",
  "undeclared-input",
  "expr-syntax",
  "missing-input",
] as const;

export type ProblemCode = (typeof PROBLEM_CODES)[number];

export interface GraphProblem {
  code: ProblemCode;
  severity: "error" | "warning";
  /** Names the app (when known), the action, the key and what to do. */
  message: string;
  action?: string;
  key?: string;
  /** Index into GraphModel.transitions, for transition problems. */
  transition?: number;
  /** For unknown names: the closest known action name, for a quick fix. */
  suggestion?: string;
}

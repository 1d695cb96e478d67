// The one graph model shared by every layer: the runtime (a built app), the
// language server (static analysis), the tracker (graph.json) and the webview.
// Pure data; its one import is a type (the expr tree), so the webview can use it without Node.
import type { ExprNode } from "../conditions/parse.js";

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
  /** The condition as data (built apps record it; Python Burr's and older graph.json do not: parse `condition` then). */
  conditionTree?: ConditionTree;
  source?: SourceRange;
  /** One of the edges a `["*", to, condition]` tuple stands for (every action but `to`); absent otherwise. */
  wildcard?: true;
}

/**
 * A transition's condition as recorded: what each part tests, so a recorded
 * transition can be explained without reading its display text back.
 * `when` values are in the stored (serde-tagged) form states are recorded in.
 */
export type ConditionTree =
  | { kind: "default" }
  | { kind: "when"; equals: Array<{ key: string; value: unknown }> }
  | { kind: "expr"; source: string; tree: ExprNode }
  | { kind: "not"; operand: ConditionTree }
  | { kind: "and" | "or"; operands: ConditionTree[] }
  /** condition(fn): only its name and declared keys are known. */
  | { kind: "custom"; name: string; keys: string[] };

export interface GraphModel {
  entrypoint: string | null;
  actions: ActionModel[];
  transitions: TransitionModel[];
}

/** Every problem code the runtime validator and the language server report. */
export type ProblemCode =
  | "unknown-action"
  | "duplicate-action"
  | "missing-entrypoint"
  | "undeclared-read"
  | "undeclared-write"
  | "unused-write"
  | "never-written"
  | "unreachable-action"
  | "shadowed-transition"
  | "redundant-default"
  | "undeclared-input"
  | "expr-syntax"
  | "missing-input";

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

// Plain data produced by the analysis: no syntax-tree nodes leak out, so the LSP
// layer (and tests) only see names, keys and source ranges.
import type { GraphModel, GraphProblem, ProblemCode, SourceRange } from "../../../runtime/src/graph/model.js";

export type { SourceRange };

/** A string literal naming something, with where it sits (the text inside the quotes). */
export interface NameRef {
  name: string;
  range: SourceRange;
}

/** A list of string literals written as an array literal; `complete` is false when it holds anything else. */
export interface NameList {
  items: NameRef[];
  complete: boolean;
  /** The array literal itself. */
  range: SourceRange;
  /** Where a quick fix appends a name, and the text that goes before it ("" or ", "). */
  insertAt: SourceRange;
  separator: string;
  /** Set when the property is absent from the spec: a fix inserts `<missingProperty>: ["k"], ` at insertAt. */
  missingProperty?: string;
}

/** How an action's body touches state, as far as syntax shows. */
export interface StateAccess {
  reads: NameRef[];
  writes: NameRef[];
  /** False when state escapes (passed to a helper, merged, spread, computed keys): writes may be incomplete. */
  writesComplete: boolean;
}

/** An action declared with `action(...)`, `streamingAction(...)`, `mapStates(...)` and kin, or a class extending `Action`. */
export interface ActionDef {
  /** Key for cross-file lookup: file path + local name (or class name). */
  id: string;
  kind: "function" | "streaming" | "parallel" | "class";
  /** Declared as a class (`new X()` names it); streaming classes have kind "streaming". */
  isClass?: true;
  reads: NameList | null;
  writes: NameList | null;
  inputs: NameList | null;
  optionalInputs: string[];
  /** Inputs the function destructures with no default. */
  destructuredInputs: string[] | null;
  access: StateAccess | null;
  /** The key of `onError: captureAs("key")`: the runtime writes a captured error there. */
  onError: NameRef | null;
  /** The declaration (the variable name or class name). */
  range: SourceRange;
  /** The inputs the function destructures, against those the spec declares (for `undeclared-input`). */
  inputUse?: InputUse;
}

/** Names destructured from an action function's inputs parameter, and the spec's input lists. */
export interface InputUse {
  used: Array<NameRef & { hasDefault: boolean }>;
  /** `inputs` and `optionalInputs` as written (absent: an empty list a fix can create). */
  inputs: NameList;
  optionalInputs: NameList;
}

export type ActionRef =
  | { kind: "local"; name: string; boundInputs: string[] }
  | { kind: "inline"; def: ActionDef; boundInputs: string[] }
  | { kind: "classNew"; className: string; boundInputs: string[] }
  | { kind: "member"; namespace: string; name: string; boundInputs: string[] }
  /** `aiResponseWith(model)`: a function that returns an action. */
  | { kind: "call"; name: string; boundInputs: string[] };

/** One `name: action` entry of withActions. */
export interface ActionEntry {
  name: string;
  /** How the key is written: `{ a }`, `{ a: x }` or `{ "a": x }` (rename needs to know). */
  keyKind: "shorthand" | "identifier" | "string";
  /** The key in withActions. */
  range: SourceRange;
  ref: ActionRef | null;
}

export interface TransitionSyntax {
  from: NameRef[];
  to: NameRef;
  condition: string;
  keys: string[] | null;
  /** True for `always` / no condition: the transition always holds. */
  always: boolean;
  range: SourceRange;
  /** The source is the bare string "*" (`from` holds it): a transition from every action but `to`. */
  wildcard?: true;
}

export interface RunCall {
  method: "run" | "step" | "iterate" | "streamResult" | "streamIterate";
  haltBefore: NameRef[];
  haltAfter: NameRef[];
  /** Keys passed in `inputs`, or null when they cannot be known (spread, variable). */
  inputs: string[] | null;
  range: SourceRange;
}

/** One builder method call as written, in chain order. */
export interface BuilderCall {
  method: string;
  range: SourceRange;
}

/** Where the builder leaves the analysis's sight, said so that a user recognises it. */
export interface BuilderEscape {
  what: string;
  range: SourceRange;
  /** What it may add unseen: a spread in withActions only actions, a function the builder is passed to anything. */
  adds: "actions" | "transitions" | "anything";
}

/** An application as found in one file, before cross-file resolution. */
export interface AppSyntax {
  name: string;
  range: SourceRange;
  actions: ActionEntry[];
  actionsComplete: boolean;
  transitions: TransitionSyntax[];
  transitionsComplete: boolean;
  entrypoint: NameRef | null;
  /** False when something could set the entrypoint or state we cannot see (initializeFrom, withGraph, unknown calls). */
  chainComplete: boolean;
  initialStateKeys: string[] | null;
  /** Keys of the zod object schema given to withStateSchema, when readable; absent without one. */
  stateSchemaKeys?: string[] | null;
  runs: RunCall[];
  calls: BuilderCall[];
  /** Why actions, transitions or the entrypoint may be more than what is visible (empty when all is). */
  escapes: BuilderEscape[];
  /** State and entrypoint come from a persister (initializeFrom): not an escape, but not visible either. */
  initializedFrom: boolean;
}

/** A problem with where to show it and, when we know, how to fix it. */
export interface AnalysisProblem {
  code: ProblemCode;
  severity: "error" | "warning";
  message: string;
  range: SourceRange;
  fix?: ProblemFix;
  /** The action (as named in the app, or its declaration) and key concerned, when there is one. */
  action?: string;
  key?: string;
}

export interface ProblemFix {
  title: string;
  /** Replace this range with newText. */
  range: SourceRange;
  newText: string;
}

/** An app after resolution: the graph model plus everything features need. */
export interface AppModel {
  id: string;
  name: string;
  uri: string;
  range: SourceRange;
  graph: GraphModel;
  graphProblems: GraphProblem[];
  syntax: AppSyntax;
  /** Resolved definitions by action name (absent when not statically visible). */
  defs: Map<string, ActionDef>;
}

/** An import whose binding is used as an action here and names one declared in another module. */
export interface ActionImport {
  name: string;
  /** The local name as the import writes it. */
  range: SourceRange;
  def: ActionDef;
}

export interface FileAnalysis {
  uri: string;
  apps: AppModel[];
  problems: AnalysisProblem[];
  /** Action definitions declared in this file. */
  actions: ActionDef[];
  actionImports: ActionImport[];
  /** True when the file parsed; false when the last good model is being kept. */
  parsed: boolean;
}

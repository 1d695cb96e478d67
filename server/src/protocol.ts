// The custom LSP messages between the Burr language server and its clients
// (the VS Code extension, its debug adapter, tests), each declared once as a
// RequestType / NotificationType so both sides share the method name and the
// parameter and result types.
import { NotificationType, RequestType } from "vscode-languageserver-protocol";
import type { GraphModel, GraphProblem, SourceRange } from "../../runtime/src/graph/model.js";

/** One application found statically in a document. */
export interface AppGraph {
  /** Stable within a document while the app keeps its place: "<uri>#<name>". */
  id: string;
  /** The variable the app is bound to (e.g. "app"), or "app@<line>" when anonymous. */
  name: string;
  /** The document in which the builder chain lives. */
  uri: string;
  /** The builder chain (from `new ApplicationBuilder()` to `.build()`). file = uri. */
  range: SourceRange;
  /** Actions and transitions carry SourceRange (file = document URI) where statically known. */
  graph: GraphModel;
  /** Problems the analysis found in this app (also published as diagnostics). */
  problems: GraphProblem[];
}

/** Request `burr/graph`: the graphs of every app built in a document. */
export const GraphRequestMethod = "burr/graph";
export interface GraphRequestParams {
  /** Document URI, as in LSP TextDocumentIdentifier.uri. */
  uri: string;
}
export interface GraphRequestResult {
  apps: AppGraph[];
}
export const GraphRequest = new RequestType<GraphRequestParams, GraphRequestResult, void>(GraphRequestMethod);

/** Notification `burr/graphChanged`: the apps of this document changed; request `burr/graph` again. */
export const GraphChangedNotificationMethod = "burr/graphChanged";
export interface GraphChangedParams {
  uri: string;
}
export const GraphChangedNotification = new NotificationType<GraphChangedParams>(GraphChangedNotificationMethod);

/**
 * Notification `burr/analysed`: the first scan of the workspace is done. Until
 * then a client says "analysing", not "0 apps".
 */
export const AnalysedNotificationMethod = "burr/analysed";
export interface AnalysedParams {
  /** Source files seen, and how many of them use burr-ts (those were analysed). */
  files: number;
  analysed: number;
  /** Apps found, by document URI (documents with none are left out). */
  apps: Record<string, number>;
  ms: number;
}
export const AnalysedNotification = new NotificationType<AnalysedParams>(AnalysedNotificationMethod);

/**
 * Request `burr/definitionRange`: the whole declaration a point stands for.
 * The runtime records only where a stack frame points (the `action(` call, a
 * class action's `class` keyword, `@action(` over a method, `.withTransitions(`);
 * the debugger asks here for the range around it, to map breakpoint lines to
 * actions and transitions. Null when the document declares nothing there.
 */
export const DefinitionRangeRequestMethod = "burr/definitionRange";
export interface DefinitionRangeParams {
  /** Document URI. */
  uri: string;
  /** Zero-based point the runtime recorded; absent: look the target up by name among the document's apps. */
  position?: { line: number; character: number };
  /** A transition is one tuple of a `withTransitions(...)` call: which one is said by its names. */
  target: { kind: "action"; name: string } | { kind: "transition"; from: string; to: string };
}
/** file = the document URI. */
export type DefinitionRangeResult = SourceRange | null;
export const DefinitionRangeRequest = new RequestType<DefinitionRangeParams, DefinitionRangeResult, void>(DefinitionRangeRequestMethod);

/** Command ids the server's code lenses carry; arguments are [uri, appId]. */
export const ShowGraphCommand = "burr.showGraph";
export const DebugAppCommand = "burr.debugApp";

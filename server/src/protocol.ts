// The custom LSP messages between the Burr language server and its clients
// (the VS Code extension, tests). Types only, no runtime dependency besides
// plain string constants, so the extension can import it relatively.
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

/** Notification `burr/graphChanged`: the apps of this document changed; request `burr/graph` again. */
export const GraphChangedNotificationMethod = "burr/graphChanged";
export interface GraphChangedParams {
  uri: string;
}

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

/** Command ids the server's code lenses carry; arguments are [uri, appId]. */
export const ShowGraphCommand = "burr.showGraph";
export const DebugAppCommand = "burr.debugApp";

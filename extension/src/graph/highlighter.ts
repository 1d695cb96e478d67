// The seam through which the debugger and the Tracked Runs view drive the graph
// panel: they show a graph (from a document or from a recorded run) and paint a
// current action, a visited path and per-edge counts on it.
import type * as vscode from "vscode";
import type { GraphModel } from "../../../runtime/src/graph/model.js";
import type { Highlight } from "../../../webview/src/protocol/graph.js";

/** Declared with the webview messages (the view paints it); re-exported for the debugger and runs view. */
export type { Highlight };

export interface GraphHighlighter {
  /**
   * Open (or reveal) the live graph of an app built in a document; with no appId,
   * the app under the cursor or a pick list. Resolves with the app key the panel
   * uses (pass it to setHighlight), or undefined when no app was chosen.
   */
  showForDocument(uri: vscode.Uri, appId?: string): Promise<string | undefined>;
  /**
   * Show a graph that does not come from a document (a tracked run, a debug
   * session). `appKey` identifies the panel: calling again with the same key
   * reuses it. Resolves once the panel has received the graph.
   */
  showModel(appKey: string, title: string, graph: GraphModel, highlight?: Highlight, placeholder?: string): Promise<void>;
  /**
   * Open a panel for a graph still to come (a debug session's first app), so its page loads meanwhile:
   * showModel with `placeholder` set to this key takes it over, unless `appKey` already has a panel.
   */
  prepare(placeholder: string, title: string, note: string): void;
  /** Close a prepared panel nobody took over (no-op once taken or closed). */
  discard(placeholder: string): void;
  /** Whether a panel for appKey is open. */
  has(appKey: string): boolean;
  /** Paint (or clear with null) the highlight of the panel for appKey; ignored if none is open. */
  setHighlight(appKey: string, highlight: Highlight | null): void;
  /** A session that fed this panel has ended: clear its highlight and say so in its title; ignored if none is open. */
  markEnded(appKey: string, title: string): void;
  /** The app key of a document app's panel: "<appId>" as the language server gives it. */
  keyForDocumentApp(appId: string): string;
}

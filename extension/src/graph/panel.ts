// One webview panel showing one app's graph. Messages wait for the view's
// `ready` (sent again each time the view reloads, e.g. after being hidden),
// and the last graph and highlight are replayed then.
import * as vscode from "vscode";
import type { SourceRange } from "../../../runtime/src/graph/model.js";
import type { GraphToHostMessage, GraphViewModel, Highlight, HostToGraphMessage } from "../../../webview/src/protocol/graph.js";
import { makeNonce, pageHtml } from "../../../webview/src/shared/page.js";
import { mark } from "../timing.js";
import { inlineAssets } from "./pageAssets.js";

export const GRAPH_VIEW_TYPE = "burr.graph";

export interface PanelEvents {
  openSource(source: SourceRange, panel: GraphPanel): void;
  rendered(message: Extract<GraphToHostMessage, { type: "rendered" }>, panel: GraphPanel): void;
  error(message: string, panel: GraphPanel): void;
  disposed(panel: GraphPanel): void;
  focused(panel: GraphPanel): void;
}

/** A panel's first graph, put into its page so the first picture needs no message round trip. */
export interface FirstGraph {
  model: GraphViewModel;
  highlight: Highlight | null;
}

export class GraphPanel {
  private ready = false;
  /** What the page was made with, until its first `ready`: not sent again if nothing changed meanwhile. */
  private embedded: FirstGraph | null = null;
  /** What a panel with no graph yet says (a debug session's panel before its program's first app). */
  private emptyReason: string | null = null;
  private model: GraphViewModel | null = null;
  private highlight: Highlight | null = null;
  private delivered: Array<() => void> = [];
  private exports = new Map<number, (svg: string) => void>();
  private nextRequest = 1;
  private readonly disposables: vscode.Disposable[] = [];

  static create(extensionUri: vscode.Uri, key: string, title: string, events: PanelEvents, first?: FirstGraph): GraphPanel {
    const panel = vscode.window.createWebviewPanel(GRAPH_VIEW_TYPE, title, { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, {});
    mark("panel.created", { key });
    return new GraphPanel(panel, extensionUri, key, events, first);
  }

  /** `key` identifies the app shown; the manager may change it (an app renamed in the file). */
  constructor(
    readonly panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    public key: string,
    private readonly events: PanelEvents,
    first?: FirstGraph,
  ) {
    const root = vscode.Uri.joinPath(extensionUri, "dist", "webview");
    panel.iconPath = vscode.Uri.joinPath(extensionUri, "media", "burr.svg");
    panel.webview.options = { enableScripts: true, localResourceRoots: [root] };
    // Attach the listener before the page exists, so `ready` cannot be missed.
    this.disposables.push(
      panel.webview.onDidReceiveMessage((m: GraphToHostMessage) => this.onMessage(m)),
      panel.onDidChangeViewState((e) => {
        if (e.webviewPanel.active) events.focused(this);
      }),
      panel.onDidDispose(() => this.dispose()),
    );
    const asset = (name: string) => panel.webview.asWebviewUri(vscode.Uri.joinPath(root, name)).toString();
    if (first) {
      this.model = first.model;
      this.highlight = first.highlight;
      this.embedded = first;
    }
    const inline = inlineAssets(extensionUri.fsPath, "graph");
    panel.webview.html = pageHtml({ view: "graph", cspSource: panel.webview.cspSource, nonce: makeNonce(), asset, title: panel.title, inline, initial: first });
    mark("panel.html", { key });
  }

  get current(): GraphViewModel | null {
    return this.model;
  }

  /** Sends a graph; resolves when the view has it (after its `ready`). */
  show(model: GraphViewModel, highlight?: Highlight | null): Promise<void> {
    this.model = model;
    this.emptyReason = null;
    if (highlight !== undefined) this.highlight = highlight;
    this.panel.title = model.title;
    if (!this.ready) return new Promise((resolve) => this.delivered.push(resolve));
    this.post({ type: "graph", model, highlight: this.highlight });
    return Promise.resolve();
  }

  /** Shows `reason` instead of a graph (until one is shown). */
  showEmpty(reason: string): void {
    this.emptyReason = reason;
    if (this.ready) this.post({ type: "empty", reason });
  }

  setHighlight(highlight: Highlight | null): void {
    this.highlight = highlight;
    if (this.ready) this.post({ type: "highlight", highlight });
  }

  reveal(): void {
    this.panel.reveal(undefined, true);
  }

  /** The drawing as standalone SVG ("" when nothing is drawn). */
  exportSvg(): Promise<string> {
    const requestId = this.nextRequest++;
    return new Promise((resolve, reject) => {
      if (!this.ready) return reject(new Error("the graph view has not loaded yet"));
      this.exports.set(requestId, resolve);
      this.post({ type: "exportSvg", requestId });
    });
  }

  dispose(): void {
    for (const d of this.disposables.splice(0)) d.dispose();
    this.events.disposed(this);
  }

  private post(message: HostToGraphMessage): void {
    void this.panel.webview.postMessage(message);
  }

  private onMessage(message: GraphToHostMessage): void {
    switch (message.type) {
      case "ready":
        markPage("panel.ready", this.key, message.timing);
        this.ready = true;
        // The page drew what it was made with; a reload (the panel hidden and shown again) needs the graph again.
        if (this.model && !(this.embedded?.model === this.model && this.embedded.highlight === this.highlight)) {
          this.post({ type: "graph", model: this.model, highlight: this.highlight });
        } else if (!this.model && this.emptyReason) {
          this.post({ type: "empty", reason: this.emptyReason });
        }
        this.embedded = null;
        for (const resolve of this.delivered.splice(0)) resolve();
        break;
      case "openSource":
        this.events.openSource(message.source, this);
        break;
      case "svgExport":
        this.exports.get(message.requestId)?.(message.svg);
        this.exports.delete(message.requestId);
        break;
      case "rendered":
        markPage("panel.rendered", this.key, message.timing);
        this.events.rendered(message, this);
        break;
      case "error":
        this.events.error(message.message, this);
        break;
      default:
        ignore(message);
    }
  }
}

/** The host's mark, then the page's own milestones on their clock. */
function markPage(event: string, key: string, timing: Record<string, number> | undefined): void {
  mark(event, { key });
  for (const [name, at] of Object.entries(timing ?? {})) mark(`page.${name}`, { key }, at);
}

/** Compile-time exhaustiveness; at run time a message of another kind is not ours. */
function ignore(_message: never): void {}

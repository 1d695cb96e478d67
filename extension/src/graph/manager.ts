// All graph panels: live ones that follow an app in a document through the
// language server, and fixed ones (a debug session, a tracked run) that others
// show through the GraphHighlighter interface.
import * as vscode from "vscode";
import type { GraphModel } from "../../../runtime/src/graph/model.js";
import type { AppGraph } from "../../../server/src/protocol.js";
import type { BurrClient } from "../client/languageClient.js";
import type { GraphViewModel } from "../../../webview/src/protocol/graph.js";
import type { GraphHighlighter, Highlight } from "./highlighter.js";
import { GRAPH_VIEW_TYPE, GraphPanel, type FirstGraph, type PanelEvents } from "./panel.js";
import { openSource } from "./source.js";
import { mark } from "../timing.js";

/** Where a live panel's graph comes from. */
interface Followed {
  uri: string;
  appId: string;
  /** Position among the document's apps: found again by it when the app is renamed. */
  index: number;
}

export class GraphPanels implements GraphHighlighter, vscode.Disposable {
  private readonly panels = new Map<string, GraphPanel>();
  private readonly followed = new Map<GraphPanel, Followed>();
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();
  private lastActive: GraphPanel | null = null;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly events: PanelEvents;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly client: BurrClient,
    private readonly output: vscode.LogOutputChannel,
    private readonly onApps: (uri: string, apps: AppGraph[]) => void,
  ) {
    this.events = {
      openSource: (source) => void openSource(source, vscode.ViewColumn.One).then(undefined, (err: unknown) => this.output.error(`Burr: cannot open ${source.file}: ${String(err)}`)),
      rendered: (m, panel) => this.output.trace(`graph ${panel.key}: ${m.nodes} nodes, ${m.edges} edges, layout ${m.layoutMs} ms, ${m.reusedPositions} kept their place`),
      error: (message, panel) => this.output.error(`Burr graph ${panel.key}: ${message}`),
      disposed: (panel) => this.forget(panel),
      focused: (panel) => {
        this.lastActive = panel;
      },
    };
    this.disposables.push(
      client.onGraphChanged((uri) => this.schedule(uri)),
      vscode.window.registerWebviewPanelSerializer(GRAPH_VIEW_TYPE, { deserializeWebviewPanel: (panel, state) => this.revive(panel, state) }),
    );
  }

  keyForDocumentApp(appId: string): string {
    return appId;
  }

  async showForDocument(uri: vscode.Uri, appId?: string): Promise<string | undefined> {
    const apps = await this.client.graphs(uri);
    mark("showGraph.graphs", { apps: apps.length });
    this.onApps(uri.toString(), apps);
    const app = appId !== undefined ? apps.find((a) => a.id === appId) : await this.chooseApp(uri, apps);
    if (!app) {
      if (appId !== undefined || apps.length === 0) {
        void vscode.window.showInformationMessage(apps.length === 0
          ? `Burr: no burr-ts application is built in ${vscode.workspace.asRelativePath(uri)} (an app is a \`new ApplicationBuilder()…build()\` chain).`
          : `Burr: the app ${appId} is no longer in ${vscode.workspace.asRelativePath(uri)}; run "Burr: Show Graph" again.`);
      }
      return undefined;
    }
    const model = viewModel(app);
    const panel = this.panelFor(app.id, title(app), { model, highlight: null });
    this.followed.set(panel, { uri: uri.toString(), appId: app.id, index: apps.indexOf(app) });
    panel.reveal();
    await panel.show(model);
    return panel.key;
  }

  async showModel(appKey: string, title: string, graph: GraphModel, highlight?: Highlight, placeholder?: string): Promise<void> {
    const first: FirstGraph = { model: { appKey, title, graph, problems: [] }, highlight: highlight ?? null };
    const prepared = placeholder !== undefined && !this.panels.has(appKey) ? this.panels.get(placeholder) : undefined;
    if (prepared) this.rekey(prepared, appKey);
    const panel = this.panelFor(appKey, title, first);
    this.followed.delete(panel);
    panel.reveal();
    await panel.show(first.model, first.highlight);
  }

  prepare(placeholder: string, title: string, note: string): void {
    if (this.panels.has(placeholder)) return;
    const panel = GraphPanel.create(this.extensionUri, placeholder, title, this.events);
    this.panels.set(placeholder, panel);
    panel.showEmpty(note);
  }

  discard(placeholder: string): void {
    this.panels.get(placeholder)?.panel.dispose();
  }

  has(appKey: string): boolean {
    return this.panels.has(appKey);
  }

  setHighlight(appKey: string, highlight: Highlight | null): void {
    this.panels.get(appKey)?.setHighlight(highlight);
  }

  markEnded(appKey: string, title: string): void {
    const panel = this.panels.get(appKey);
    const current = panel?.current;
    if (panel && current) void panel.show({ ...current, title }, null);
  }

  /** The panel the user looked at last, if it is still open. */
  get activePanel(): GraphPanel | null {
    return this.lastActive;
  }

  /** Re-reads every app of a document (also when no panel follows it: the status count). */
  async refresh(uri: string): Promise<void> {
    let apps: AppGraph[];
    try {
      apps = await this.client.graphs(uri);
    } catch (err) {
      this.output.warn(`Burr: burr/graph failed for ${uri}: ${String(err)}`);
      return;
    }
    this.onApps(uri, apps);
    for (const [panel, f] of this.followed) {
      if (f.uri !== uri) continue;
      const app = apps.find((a) => a.id === f.appId) ?? (apps.length > 0 ? apps[Math.min(f.index, apps.length - 1)] : undefined);
      if (!app) {
        const last = panel.current;
        if (last) void panel.show({ ...last, stale: true });
        continue;
      }
      if (app.id !== f.appId) this.rekey(panel, app.id);
      this.followed.set(panel, { uri, appId: app.id, index: apps.indexOf(app) });
      void panel.show(viewModel(app));
    }
  }

  dispose(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    for (const d of this.disposables.splice(0)) d.dispose();
    for (const p of [...this.panels.values()]) p.panel.dispose();
  }

  /** Debounced (burr.graph.debounceMs) so a burst of edits asks once. */
  private schedule(uri: string): void {
    const delay = vscode.workspace.getConfiguration("burr.graph").get<number>("debounceMs", 250);
    clearTimeout(this.timers.get(uri));
    this.timers.set(uri, setTimeout(() => {
      this.timers.delete(uri);
      void this.refresh(uri);
    }, Math.max(0, delay)));
  }

  /** The panel showing `key`, or a new one whose page starts from `first`. */
  private panelFor(key: string, title: string, first: FirstGraph): GraphPanel {
    let panel = this.panels.get(key);
    if (!panel) {
      panel = GraphPanel.create(this.extensionUri, key, title, this.events, first);
      this.panels.set(key, panel);
    }
    this.lastActive = panel;
    return panel;
  }

  private rekey(panel: GraphPanel, key: string): void {
    this.panels.delete(panel.key);
    panel.key = key;
    this.panels.set(key, panel);
  }

  private forget(panel: GraphPanel): void {
    if (this.panels.get(panel.key) === panel) this.panels.delete(panel.key);
    this.followed.delete(panel);
    if (this.lastActive === panel) this.lastActive = null;
  }

  /** After a reload: a document app's panel finds its app again; others cannot be rebuilt. */
  private async revive(webviewPanel: vscode.WebviewPanel, state: unknown): Promise<void> {
    const appKey = typeof state === "object" && state !== null && "appKey" in state ? String((state as { appKey: unknown }).appKey) : "";
    const hash = appKey.lastIndexOf("#");
    if (hash <= 0 || !appKey.startsWith("file:")) {
      webviewPanel.dispose();
      return;
    }
    const panel = new GraphPanel(webviewPanel, this.extensionUri, appKey, this.events);
    this.panels.set(appKey, panel);
    const uri = appKey.slice(0, hash);
    this.followed.set(panel, { uri, appId: appKey, index: 0 });
    await this.refresh(uri);
  }

  /** The app under the cursor, the only app, or the user's pick. */
  private async chooseApp(uri: vscode.Uri, apps: AppGraph[]): Promise<AppGraph | undefined> {
    if (apps.length <= 1) return apps[0];
    const editor = vscode.window.activeTextEditor;
    if (editor?.document.uri.toString() === uri.toString()) {
      const pos = editor.selection.active;
      const under = apps.find((a) => new vscode.Range(a.range.start.line, a.range.start.character, a.range.end.line, a.range.end.character).contains(pos));
      if (under) return under;
    }
    const picked = await vscode.window.showQuickPick(
      apps.map((app) => ({ label: app.name, description: `${app.graph.actions.length} actions, line ${app.range.start.line + 1}`, app })),
      { placeHolder: "Which app's graph?" },
    );
    return picked?.app;
  }
}

function title(app: AppGraph): string {
  return `${app.name} — ${vscode.workspace.asRelativePath(vscode.Uri.parse(app.uri))}`;
}

function viewModel(app: AppGraph): GraphViewModel {
  return { appKey: app.id, title: `Burr: ${title(app)}`, graph: app.graph, problems: app.problems };
}

// The run view: one webview panel showing the selected step and its
// annotations. Data goes in by message after the view says `ready`; nothing
// from a run is put into HTML.
import * as vscode from "vscode";
import { makeNonce, pageHtml } from "../../../webview/src/shared/page.js";
import { inlineAssets } from "../graph/pageAssets.js";
import type { StepAnnotationSession } from "./annotations/session.js";
import type { HostToRunView, RunViewCommand, RunViewToHost, StepViewData } from "../../../webview/src/protocol/runs.js";

export class RunViewPanel {
  static readonly viewType = "burr.runView";
  private static current: RunViewPanel | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  private ready = false;
  private data: StepViewData | null = null;
  private session: StepAnnotationSession | null = null;

  /** `annotations` makes the step's annotation session, given how to reach the view. */
  static show(
    extensionUri: vscode.Uri,
    data: StepViewData,
    onCommand: (c: RunViewCommand) => void,
    annotations?: (send: (m: HostToRunView) => void) => StepAnnotationSession,
  ): RunViewPanel {
    const title = `${data.appId} · step ${data.sequenceId} ${data.action}`;
    if (RunViewPanel.current) {
      RunViewPanel.current.onCommand = onCommand;
      RunViewPanel.current.panel.title = title;
      RunViewPanel.current.panel.reveal(undefined, true);
      RunViewPanel.current.post(data, annotations);
      return RunViewPanel.current;
    }
    const panel = vscode.window.createWebviewPanel(RunViewPanel.viewType, title, { viewColumn: vscode.ViewColumn.Active, preserveFocus: true }, {
      enableScripts: true,
      localResourceRoots: [vscode.Uri.joinPath(extensionUri, "dist", "webview")],
    });
    RunViewPanel.current = new RunViewPanel(panel, extensionUri, onCommand);
    RunViewPanel.current.post(data, annotations);
    return RunViewPanel.current;
  }

  static get visibleData(): StepViewData | null {
    return RunViewPanel.current?.data ?? null;
  }

  private constructor(
    private readonly panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    private onCommand: (c: RunViewCommand) => void,
  ) {
    // Listen before setting HTML so `ready` cannot be missed.
    this.disposables.push(
      panel.webview.onDidReceiveMessage((m: RunViewToHost) => this.receive(m)),
      panel.onDidDispose(() => this.dispose()),
    );
    panel.webview.html = html(panel.webview, extensionUri);
  }

  private receive(m: RunViewToHost): void {
    switch (m.type) {
      case "ready":
        this.ready = true;
        if (this.data) this.send({ type: "step", data: this.data });
        void this.session?.refresh();
        return;
      case "command":
        this.onCommand(m.command);
        return;
      case "annotate":
      case "updateAnnotation":
      case "deleteAnnotation":
        if (this.session) void this.session.handle(m);
        else this.send({ type: "annotationResult", requestId: m.requestId, ok: false, error: "This step cannot be annotated here." });
        return;
      default: {
        const never: never = m;
        void never;
      }
    }
  }

  private post(data: StepViewData, annotations?: (send: (m: HostToRunView) => void) => StepAnnotationSession): void {
    this.data = data;
    this.session?.dispose();
    this.session = annotations ? annotations((m) => this.ready && this.send(m)) : null;
    if (this.ready) {
      this.send({ type: "step", data });
      void this.session?.refresh();
    }
  }

  private send(m: HostToRunView): void {
    void this.panel.webview.postMessage(m);
  }

  private dispose(): void {
    this.session?.dispose();
    if (RunViewPanel.current === this) RunViewPanel.current = undefined;
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}

function html(webview: vscode.Webview, extensionUri: vscode.Uri): string {
  const asset = (f: string) => webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, "dist", "webview", f)).toString();
  const inline = inlineAssets(extensionUri.fsPath, "runs");
  return pageHtml({ view: "runs", cspSource: webview.cspSource, nonce: makeNonce(), asset, title: "Burr run", ...(inline ? { inline } : {}) });
}

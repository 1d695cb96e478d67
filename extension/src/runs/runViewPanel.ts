// The run view: one webview panel showing the selected step. Data goes in by
// message after the view says `ready`; nothing from a run is put into HTML.
import { randomBytes } from "node:crypto";
import * as vscode from "vscode";
import type { HostToRunView, RunViewCommand, RunViewToHost, StepViewData } from "../../../webview/src/runs/protocol.js";

export class RunViewPanel {
  static readonly viewType = "burr.runView";
  private static current: RunViewPanel | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  private ready = false;
  private data: StepViewData | null = null;

  static show(extensionUri: vscode.Uri, data: StepViewData, onCommand: (c: RunViewCommand) => void): RunViewPanel {
    const title = `${data.appId} · step ${data.sequenceId} ${data.action}`;
    if (RunViewPanel.current) {
      RunViewPanel.current.onCommand = onCommand;
      RunViewPanel.current.panel.title = title;
      RunViewPanel.current.panel.reveal(undefined, true);
      RunViewPanel.current.post(data);
      return RunViewPanel.current;
    }
    const panel = vscode.window.createWebviewPanel(RunViewPanel.viewType, title, { viewColumn: vscode.ViewColumn.Active, preserveFocus: true }, {
      enableScripts: true,
      localResourceRoots: [vscode.Uri.joinPath(extensionUri, "dist", "webview")],
    });
    RunViewPanel.current = new RunViewPanel(panel, extensionUri, onCommand);
    RunViewPanel.current.post(data);
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
        return;
      case "command":
        this.onCommand(m.command);
        return;
      default: {
        const never: never = m;
        void never;
      }
    }
  }

  private post(data: StepViewData): void {
    this.data = data;
    if (this.ready) this.send({ type: "step", data });
  }

  private send(m: HostToRunView): void {
    void this.panel.webview.postMessage(m);
  }

  private dispose(): void {
    if (RunViewPanel.current === this) RunViewPanel.current = undefined;
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}

function html(webview: vscode.Webview, extensionUri: vscode.Uri): string {
  const nonce = randomBytes(16).toString("base64");
  const asset = (f: string) => webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, "dist", "webview", f)).toString();
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src ${webview.cspSource}; img-src ${webview.cspSource}; script-src 'nonce-${nonce}';">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${asset("runs.css")}">
<title>Burr run</title>
</head>
<body>
<main id="app" aria-live="polite"><p class="muted">Loading step…</p></main>
<script nonce="${nonce}" src="${asset("runs.js")}"></script>
</body>
</html>`;
}

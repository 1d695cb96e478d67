// The status item: how many apps the language server found in the files it has
// reported on, and whether analysis is running.
import * as vscode from "vscode";
import type { BurrClient, Health } from "./languageClient.js";

export class BurrStatus implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem("burr.status", vscode.StatusBarAlignment.Right, 100);
  private readonly appsPerDocument = new Map<string, number>();
  private health: Health = { state: "starting" };
  /** False until the server's first scan is done: "analysing…", never a premature "0 apps". */
  private analysed = false;

  constructor(client: BurrClient, private readonly output: vscode.LogOutputChannel) {
    this.item.name = "Burr";
    this.item.command = "burr.showGraph";
    client.onAnalysed((p) => {
      this.analysed = true;
      for (const [uri, count] of Object.entries(p.apps)) if (typeof count === "number") this.appsPerDocument.set(uri, count);
      this.output.info(`Burr: the language server analysed ${p.analysed} of ${p.files} source files in ${p.ms} ms`);
      this.update();
    });
    client.onHealth((h) => {
      this.health = h;
      if (h.state === "starting") this.analysed = false;
      if (h.state === "stopped") this.output.error(`Burr: ${h.reason}`);
      this.update();
    });
    this.health = client.current;
    this.update();
    this.item.show();
  }

  /** Records how many apps a document has (0 forgets it). */
  setApps(uri: string, count: number): void {
    if (count > 0) this.appsPerDocument.set(uri, count);
    else this.appsPerDocument.delete(uri);
    this.update();
  }

  private update(): void {
    const apps = [...this.appsPerDocument.values()].reduce((a, b) => a + b, 0);
    const files = this.appsPerDocument.size;
    const found = `${apps} app${apps === 1 ? "" : "s"}`;
    if (this.health.state === "stopped") {
      this.item.text = "$(warning) Burr";
      this.item.tooltip = `Burr: ${this.health.reason}. ${found} found before it stopped.`;
      this.item.backgroundColor = new vscode.ThemeColor("statusBarItem.warningBackground");
    } else if (this.health.state === "starting") {
      this.item.text = "$(loading~spin) Burr";
      this.item.tooltip = "Burr: the language server is starting";
      this.item.backgroundColor = undefined;
    } else if (!this.analysed) {
      this.item.text = "$(loading~spin) Burr: analysing…";
      this.item.tooltip = `Burr: analysing the workspace${apps > 0 ? `; ${found} so far` : ""}`;
      this.item.backgroundColor = undefined;
    } else {
      this.item.text = `$(type-hierarchy) Burr: ${found}`;
      this.item.tooltip = `Burr: analysis running; ${found} in ${files} file${files === 1 ? "" : "s"}. Click to show a graph.`;
      this.item.backgroundColor = undefined;
    }
  }

  dispose(): void {
    this.item.dispose();
  }
}

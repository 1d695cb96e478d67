// "Burr: Show Graph" (also the code lens "Show graph", with [uri, appId]) and
// "Burr: Export Graph as SVG".
import * as vscode from "vscode";
import { mark } from "../timing.js";
import type { GraphPanels } from "./manager.js";

export function registerGraphCommands(context: vscode.ExtensionContext, panels: GraphPanels, output: vscode.LogOutputChannel): void {
  const fail = (what: string) => (err: unknown) => {
    const message = err instanceof Error ? err.message : String(err);
    output.error(`Burr: ${what}: ${message}`);
    void vscode.window.showErrorMessage(`Burr: ${what}: ${message}`);
  };

  context.subscriptions.push(
    vscode.commands.registerCommand("burr.showGraph", async (uri?: vscode.Uri | string, appId?: string) => {
      mark("showGraph.command");
      const target = toUri(uri) ?? vscode.window.activeTextEditor?.document.uri;
      if (!target) {
        void vscode.window.showInformationMessage("Burr: open a TypeScript or JavaScript file that builds a burr-ts app, then run Show Graph.");
        return;
      }
      await panels.showForDocument(target, typeof appId === "string" ? appId : undefined).then(undefined, fail("cannot show the graph"));
    }),

    vscode.commands.registerCommand("burr.exportGraphSvg", async () => {
      let panel = panels.activePanel;
      if (!panel) {
        const doc = vscode.window.activeTextEditor?.document.uri;
        if (doc) await panels.showForDocument(doc).then(undefined, fail("cannot show the graph"));
        panel = panels.activePanel;
      }
      if (!panel) {
        void vscode.window.showInformationMessage("Burr: show a graph first (Burr: Show Graph), then export it.");
        return;
      }
      try {
        const svg = await panel.exportSvg();
        if (!svg) throw new Error("the graph view has nothing drawn yet");
        const name = (panel.current?.title ?? "graph").replace(/^Burr: /, "").split(" — ")[0].replace(/[^\w.-]+/g, "_");
        const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
        const target = await vscode.window.showSaveDialog({
          filters: { SVG: ["svg"] },
          ...(folder ? { defaultUri: vscode.Uri.joinPath(folder, `${name}.svg`) } : {}),
        });
        if (!target) return;
        await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(svg));
        output.info(`Burr: graph exported to ${target.fsPath}`);
      } catch (err) {
        fail("cannot export the graph")(err);
      }
    }),
  );
}

function toUri(value: vscode.Uri | string | undefined): vscode.Uri | undefined {
  if (value instanceof vscode.Uri) return value;
  if (typeof value === "string" && value) return vscode.Uri.parse(value);
  return undefined;
}

// Entry point: the Burr output channel, the language client and its status
// item, the graph panels and commands; then the debugger and the Tracked Runs
// view, which draw on the graph panels through GraphHighlighter.
import * as vscode from "vscode";
import { BurrClient } from "./client/languageClient.js";
import { BurrStatus } from "./client/statusBar.js";
import { registerDebug } from "./debug/register.js";
import { registerGraphCommands } from "./graph/commands.js";
import { GraphPanels } from "./graph/manager.js";
import { registerRuns } from "./runs/register.js";
import { registerNewApp } from "./scaffold/newApp.js";

let client: BurrClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const output = vscode.window.createOutputChannel("Burr", { log: true });
  context.subscriptions.push(output);
  output.info(`Burr ${String(context.extension.packageJSON.version)} activating`);

  client = new BurrClient(context, output);
  const status = new BurrStatus(client, output);
  // Every document the server reports on (it scans the workspace) updates the status count.
  const panels = new GraphPanels(context.extensionUri, client, output, (uri, apps) => status.setApps(uri, apps.length));
  context.subscriptions.push(client, status, panels);
  registerGraphCommands(context, panels, output);

  registerDebug(context, panels, output, client);
  registerRuns(context, panels);
  registerNewApp(context);

  try {
    await client.start();
    output.info("Burr language server started");
  } catch (err) {
    output.error(`Burr language server did not start: ${err instanceof Error ? err.message : String(err)}`);
  }
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}

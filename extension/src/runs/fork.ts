// "Fork and debug from here": launch the app's program under the burr debugger
// with the fork point in its environment. The program forks itself through its
// own loader (initializeFrom({ forkFromAppId, forkFromSequenceId, … })), so no
// persister, and no native code, is loaded into the extension host.
import * as vscode from "vscode";
import type { StepNode } from "./commands.js";

export const FORK_ENV = {
  appId: "BURR_FORK_FROM_APP_ID",
  sequenceId: "BURR_FORK_FROM_SEQUENCE_ID",
  partitionKey: "BURR_FORK_FROM_PARTITION_KEY",
  project: "BURR_FORK_FROM_PROJECT",
} as const;

export function forkEnv(step: StepNode): Record<string, string> {
  return {
    [FORK_ENV.appId]: step.appId,
    [FORK_ENV.sequenceId]: String(step.step.sequenceId),
    [FORK_ENV.partitionKey]: step.run.partitionKey ?? "",
    [FORK_ENV.project]: step.project,
  };
}

export async function forkAndDebug(context: vscode.ExtensionContext, step: StepNode): Promise<void> {
  const program = await pickProgram(context, step.project);
  if (!program) return;
  const folder = vscode.workspace.getWorkspaceFolder(program) ?? vscode.workspace.workspaceFolders?.[0];
  const started = await vscode.debug.startDebugging(folder, {
    type: "burr",
    request: "launch",
    name: `Fork ${step.appId} at step ${step.step.sequenceId}`,
    program: program.fsPath,
    stopOnEntry: true,
    env: forkEnv(step),
  });
  if (started) {
    void vscode.window.showInformationMessage(
      `Started ${vscode.workspace.asRelativePath(program)} with ${FORK_ENV.appId}=${step.appId} and ${FORK_ENV.sequenceId}=${step.step.sequenceId}. ` +
        `Your program must pass them to initializeFrom(loader, { forkFromAppId, forkFromSequenceId, forkFromPartitionKey }) to fork.`,
    );
  }
}

/** The program that runs this project's app: remembered per project, else chosen by the user. */
async function pickProgram(context: vscode.ExtensionContext, project: string): Promise<vscode.Uri | undefined> {
  const key = `burr.runs.program:${project}`;
  const remembered = context.workspaceState.get<string>(key);
  const files = await vscode.workspace.findFiles("**/*.{ts,mts,js,mjs}", "**/{node_modules,dist,out}/**", 2000);
  const candidates: vscode.Uri[] = [];
  for (const f of files) {
    const text = Buffer.from(await vscode.workspace.fs.readFile(f)).toString("utf8");
    if (text.includes("withTracker") && (text.includes(`"${project}"`) || text.includes(`'${project}'`))) candidates.push(f);
  }
  type Item = vscode.QuickPickItem & { uri?: vscode.Uri };
  const items: Item[] = candidates.map((uri) => ({ label: vscode.workspace.asRelativePath(uri), description: uri.toString() === remembered ? "last used" : "tracks this project", uri }));
  items.sort((a, b) => (a.description === "last used" ? -1 : b.description === "last used" ? 1 : 0));
  items.push({ label: "$(folder-opened) Choose another program…" });
  const chosen = await vscode.window.showQuickPick(items, {
    title: `Which program runs project "${project}"?`,
    placeHolder: "It is launched under the debugger with BURR_FORK_FROM_* in its environment",
  });
  if (!chosen) return undefined;
  let uri = chosen.uri;
  if (!uri) {
    const picked = await vscode.window.showOpenDialog({ canSelectMany: false, filters: { Programs: ["ts", "mts", "js", "mjs"] }, openLabel: "Debug this program" });
    uri = picked?.[0];
  }
  if (uri) await context.workspaceState.update(key, uri.toString());
  return uri;
}

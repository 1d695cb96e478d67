// "Fork and debug from here": launch the app's program under the burr debugger
// with a fork request. The runtime applies it to the first app the program
// builds (the program's own initializeFrom need not cooperate), so no
// persister, and no native code, is loaded into the extension host; a
// program whose runtime cannot fork is stopped with the reason.
import { dirname } from "node:path";
import * as vscode from "vscode";
import type { ForkLaunch } from "../debug/programCommand.js";
import type { StepNode } from "./commands.js";

/** The launch configuration's "fork": where the tracked step is. */
export function forkLaunch(step: StepNode): ForkLaunch {
  const dir = step.store.appDirectory?.(step.project, step.appId);
  if (step.store.kind !== "trackingDir" || !dir) {
    throw new Error(`Fork and Debug needs a tracked run (withTracker): ${step.store.label} holds persisted state, which the program's own initializeFrom loads`);
  }
  // <trackingDir>/<project>/<appId>
  return { trackingDir: dirname(dirname(dir)), project: step.project, appId: step.appId, partitionKey: step.run.partitionKey ?? null, sequenceId: step.step.sequenceId };
}

export async function forkAndDebug(context: vscode.ExtensionContext, step: StepNode): Promise<boolean> {
  const fork = forkLaunch(step);
  const program = await pickProgram(context, step.project);
  if (!program) return false;
  const folder = vscode.workspace.getWorkspaceFolder(program) ?? vscode.workspace.workspaceFolders?.[0];
  return vscode.debug.startDebugging(folder, {
    type: "burr",
    request: "launch",
    name: `Fork ${step.appId.slice(0, 8)} at step ${step.step.sequenceId}`,
    program: program.fsPath,
    cwd: folder?.uri.fsPath,
    stopOnEntry: true,
    fork,
  });
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
    placeHolder: "It runs under the debugger; its first app starts from the chosen step",
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

// A run's recorded source files, placed inside the open workspace before a
// replay or a run graph shows them (asking which file when two fit equally),
// so nothing opens a file of another checkout.
import { basename } from "node:path";
import * as vscode from "vscode";
import type { GraphModel } from "../../../../runtime/src/graph/model.js";
import { placeInWorkspace, recordedPath } from "./workspacePaths.js";

export function workspaceRoots(): string[] {
  return (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath);
}

/** Recorded file → workspace file (null: none fits); undefined when the user dismissed a choice. */
export async function chooseSourceFiles(graph: GraphModel | null): Promise<Record<string, string | null> | undefined> {
  const roots = workspaceRoots();
  const recorded = new Set<string>();
  for (const item of [...(graph?.actions ?? []), ...(graph?.transitions ?? [])]) if (item.source) recorded.add(item.source.file);
  const chosen: Record<string, string | null> = {};
  for (const file of recorded) {
    const sameName = await vscode.workspace.findFiles(`**/${basename(recordedPath(file))}`, "**/node_modules/**", 200);
    const placed = placeInWorkspace(file, roots, sameName.map((u) => u.fsPath));
    if (placed.kind === "inside") chosen[file] = placed.file;
    else if (placed.kind === "missing") chosen[file] = null;
    else {
      const picked = await vscode.window.showQuickPick(
        [...placed.candidates.map((f) => ({ label: vscode.workspace.asRelativePath(f), file: f as string | null })), { label: "None: show no source for it", file: null }],
        { title: `The run recorded ${recordedPath(file)}. Which file of this workspace is it?` },
      );
      if (!picked) return undefined;
      chosen[file] = picked.file;
    }
  }
  return chosen;
}

// Settings → run stores: burr.trackingDir (~ expanded) and burr.persisterDatabases.
import { homedir } from "node:os";
import { isAbsolute, join } from "node:path";
import * as vscode from "vscode";
import { PostgresStore } from "./postgresStore.js";
import { SqliteStore } from "./sqliteStore.js";
import { TrackingDirStore } from "./trackingDirStore.js";
import type { RunStore } from "./types.js";

export function expandHome(p: string): string {
  if (p === "~") return homedir();
  if (p.startsWith("~/")) return join(homedir(), p.slice(2));
  return p;
}

function workspaceRelative(p: string): string {
  const expanded = expandHome(p);
  if (isAbsolute(expanded)) return expanded;
  const folder = vscode.workspace.workspaceFolders?.[0];
  return folder ? join(folder.uri.fsPath, expanded) : expanded;
}

export function storesFromSettings(wasmPath: string): { stores: RunStore[]; trackingDir: TrackingDirStore } {
  const config = vscode.workspace.getConfiguration("burr");
  const trackingDir = new TrackingDirStore(workspaceRelative(config.get<string>("trackingDir") || "~/.burr"));
  const stores: RunStore[] = [trackingDir];
  for (const spec of config.get<string[]>("persisterDatabases") ?? []) {
    if (typeof spec !== "string" || !spec.trim()) continue;
    try {
      stores.push(/^postgres(ql)?:\/\//.test(spec) ? new PostgresStore(spec) : new SqliteStore(workspaceRelative(spec), wasmPath));
    } catch (err) {
      void vscode.window.showWarningMessage(`burr.persisterDatabases entry ${JSON.stringify(spec)} is ignored: ${(err as Error).message}`);
    }
  }
  return { stores, trackingDir };
}

// Settings → run sources: burr.trackingDir (~ expanded) and burr.persisterDatabases.
import { homedir } from "node:os";
import { isAbsolute, join } from "node:path";
import * as vscode from "vscode";
import { PostgresSource } from "./model/postgresSource.js";
import { SqliteSource } from "./model/sqliteSource.js";
import { TrackingDirSource } from "./model/trackingDirSource.js";
import type { RunSource } from "./model/types.js";

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

export function sourcesFromSettings(wasmPath: string): { sources: RunSource[]; trackingDir: TrackingDirSource } {
  const config = vscode.workspace.getConfiguration("burr");
  const trackingDir = new TrackingDirSource(workspaceRelative(config.get<string>("trackingDir") || "~/.burr"));
  const sources: RunSource[] = [trackingDir];
  for (const spec of config.get<string[]>("persisterDatabases") ?? []) {
    if (typeof spec !== "string" || !spec.trim()) continue;
    try {
      sources.push(/^postgres(ql)?:\/\//.test(spec) ? new PostgresSource(spec) : new SqliteSource(workspaceRelative(spec), wasmPath));
    } catch (err) {
      void vscode.window.showWarningMessage(`burr.persisterDatabases entry ${JSON.stringify(spec)} is ignored: ${(err as Error).message}`);
    }
  }
  return { sources, trackingDir };
}

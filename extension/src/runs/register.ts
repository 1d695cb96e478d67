// Wires the Tracked Runs tree, its watcher, the run view and the commands.
import * as vscode from "vscode";
import type { GraphHighlighter } from "../graph/highlighter.js";
import { AnnotationIndex } from "./annotations/index.js";
import { registerTagFilter } from "./annotations/commands.js";
import { AnnotationMarks } from "./annotations/treeMarks.js";
import { registerRunCommands } from "./commands.js";
import { RunsTreeModel, type RunsNode } from "./views/treeModel.js";
import { SqliteStore } from "./stores/sqliteStore.js";
import { TrackingWatcher } from "./stores/watcher.js";
import { storesFromSettings } from "./stores/settings.js";
import { AgeTicker } from "./ageTicker.js";
import { RunsTreeProvider } from "./treeProvider.js";

/** Apps per project whose logs are watched (the newest, plus every running one). */
const WATCHED_APPS = 50;

export function registerRuns(context: vscode.ExtensionContext, graph: GraphHighlighter): void {
  const wasmPath = context.asAbsolutePath("dist/sql-wasm.wasm");
  let { stores, trackingDir } = storesFromSettings(wasmPath);
  const model = new RunsTreeModel(stores);
  const annotations = new AnnotationIndex();
  const marks = new AnnotationMarks(annotations);
  const provider = new RunsTreeProvider(model, marks);
  const view = vscode.window.createTreeView("burr.trackedRuns", { treeDataProvider: provider, showCollapseAll: true });

  const projectsSeen = new Set<string>();
  const appsSeen = new Map<string, string[]>();
  let watcher = makeWatcher();
  function makeWatcher(): TrackingWatcher {
    return new TrackingWatcher(trackingDir.storageDir, (projects, databases) => {
      if (projects.includes(null)) return provider.refresh();
      for (const s of stores) if (s instanceof SqliteStore && databases.includes(s.dbPath)) provider.refreshId(s.id);
      // A project's row (its app count and age) comes from its store's listing: list that again.
      if (projects.length > 0) provider.refreshId(trackingDir.id);
      // Its annotations.jsonl may have changed too (Burr's UI, another window): read them again.
      for (const p of projects) if (p !== null) void annotations.invalidate(trackingDir.id, p);
    });
  }
  const databases = () => stores.flatMap((s) => (s instanceof SqliteStore ? [s.dbPath] : []));
  const follow = () => watcher.follow([...projectsSeen], [...appsSeen].map(([project, appIds]) => ({ project, appIds })), databases());
  provider.onChildren = (parent: RunsNode | undefined, kids: RunsNode[]) => {
    for (const k of kids) {
      if (k.kind === "project" && k.store === trackingDir) projectsSeen.add(k.project.name);
    }
    if (parent?.kind === "project" && parent.store === trackingDir) {
      const apps = kids.flatMap((k) => (k.kind === "app" ? [k.app] : []));
      appsSeen.set(parent.project.name, apps.filter((a, i) => i < WATCHED_APPS || a.status === "running").map((a) => a.appId));
    }
    follow();
  };
  follow();

  const ages = new AgeTicker(view, () => provider.agedRows(), (rows) => provider.redraw(rows));
  const listed = provider.onChildren;
  provider.onChildren = (parent, kids) => {
    listed?.(parent, kids);
    ages.schedule();
  };
  context.subscriptions.push(
    ages,
    view,
    provider,
    { dispose: () => watcher.dispose() },
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (!e.affectsConfiguration("burr.trackingDir") && !e.affectsConfiguration("burr.persisterDatabases")) return;
      for (const s of model.getStores()) void s.close?.();
      ({ stores, trackingDir } = storesFromSettings(wasmPath));
      model.setStores(stores);
      watcher.dispose();
      projectsSeen.clear();
      appsSeen.clear();
      watcher = makeWatcher();
      follow();
      provider.refresh();
    }),
    { dispose: () => model.getStores().forEach((s) => void s.close?.()) },
  );
  // Our own writes: redraw the project's rows (marks, filter); the run view refreshes itself.
  context.subscriptions.push(annotations.onDidChange((sourceId, project) => provider.refreshId(project === null ? sourceId : `${sourceId}/${project}`)));
  registerTagFilter(context, { model, provider, view, marks });
  registerRunCommands(context, { model, provider, view, graph, annotations });
}

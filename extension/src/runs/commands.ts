// The Tracked Runs commands. Each takes the tree node it was invoked on
// (context menu, inline button, run view) or falls back to the selection.
import * as vscode from "vscode";
import type { RunViewCommand } from "../../../webview/src/protocol/runs.js";
import type { GraphHighlighter } from "../graph/highlighter.js";
import type { AnnotationIndex } from "./annotations/index.js";
import { StepAnnotationSession } from "./annotations/session.js";
import { createTestFromStep } from "./createTest.js";
import { forkAndDebug } from "./fork.js";
import { pathOf } from "./views/runPath.js";
import { fullStep } from "./views/materialize.js";
import { buildStepView } from "./views/stepView.js";
import type { RunsNode, RunsTreeModel } from "./views/treeModel.js";
import type { AppRun } from "./stores/types.js";
import { placeGraphSources } from "./code/workspacePaths.js";
import { chooseSourceFiles, workspaceRoots } from "./code/placeFiles.js";
import { RunViewPanel } from "./runViewPanel.js";
import type { RunsTreeProvider } from "./treeProvider.js";
import type { AppNode, StepNode } from "./nodes.js";
import { mark } from "../timing.js";

interface Deps {
  model: RunsTreeModel;
  provider: RunsTreeProvider;
  view: vscode.TreeView<RunsNode>;
  graph: GraphHighlighter;
  annotations: AnnotationIndex;
}

export function registerRunCommands(context: vscode.ExtensionContext, deps: Deps): void {
  const { model, provider, view, graph, annotations } = deps;
  let shownStep: StepNode | undefined;

  const pick = <K extends RunsNode["kind"]>(kind: K, arg: unknown): Extract<RunsNode, { kind: K }> | undefined => {
    const candidates = [arg, ...view.selection, kind === "step" ? shownStep : undefined];
    const found = candidates.find((c): c is Extract<RunsNode, { kind: K }> => !!c && typeof c === "object" && (c as RunsNode).kind === kind);
    if (!found) void vscode.window.showInformationMessage(`Select ${kind === "app" ? "an app" : "a step"} in Tracked Runs first.`);
    return found;
  };
  /** The app a node belongs to (a step's app works for app commands). */
  const appOf = (arg: unknown): AppNode | undefined => {
    const step = arg && (arg as RunsNode).kind === "step" ? (arg as StepNode) : undefined;
    if (step) return appNodeOfStep(step);
    return pick("app", arg);
  };

  const openStep = (node: StepNode) => {
    shownStep = node;
    const actions: RunViewCommand[] = node.run.graph ? ["copyState", "openGraph"] : ["copyState"];
    if (node.store.kind === "trackingDir") actions.push("createTest", "forkAndDebug", "replay");
    const data = buildStepView({ storeLabel: node.store.label, project: node.project, appId: node.appId, run: node.run, step: node.step, previous: node.previous, actions });
    RunViewPanel.show(context.extensionUri, data, (command) => {
      const target = shownStep;
      if (!target) return;
      const id = { copyState: "burr.runs.copyState", createTest: "burr.runs.createTest", forkAndDebug: "burr.runs.forkAndDebug", replay: "burr.runs.replay", openGraph: "burr.runs.openGraph" }[command];
      void vscode.commands.executeCommand(id, target);
    }, (send) => new StepAnnotationSession(annotations, {
      store: node.store, project: node.project, appId: node.appId, partitionKey: node.run.partitionKey ?? null, sequenceId: node.step.sequenceId, action: node.step.action,
    }, send));
  };

  const openGraph = async (app: AppNode) => {
    mark("runGraph.command");
    const run = await model.readApp(app.store, app.project, app.app);
    mark("runGraph.read");
    if (!run.graph) {
      void vscode.window.showWarningMessage(`App ${app.app.appId} has no graph to show: ${run.warnings[0] ?? "its store records none"}.`);
      return;
    }
    const actions = run.steps.map((s) => s.action);
    // Clicking a node opens its source in this workspace, never a file of the checkout that recorded the run.
    const placed = placeGraphSources(run.graph, workspaceRoots());
    await graph.showModel(`run:${app.store.id}/${app.project}/${app.app.appId}`, `${app.app.appId} (${app.project})`, placed, {
      ...pathOf(actions),
      current: actions[actions.length - 1] ?? null,
      annotated: await annotatedActions(annotations, app, run),
    });
  };

  const replay = async (app: AppNode) => {
    if (!app.store.appDirectory) {
      void vscode.window.showWarningMessage(`Replay needs a tracked run (withTracker): ${app.store.label} holds persisted state only.`);
      return;
    }
    const run = await model.readApp(app.store, app.project, app.app);
    const sourceMap = await chooseSourceFiles(run.graph);
    if (!sourceMap) return;
    const folder = vscode.workspace.workspaceFolders?.[0];
    await vscode.debug.startDebugging(folder, {
      type: "burr", request: "launch", name: `Replay ${app.app.appId}`, replay: app.store.appDirectory(app.project, app.app.appId),
      sourceRoots: workspaceRoots(), sourceMap,
      // Without a stop a replay (no code runs) reaches its end at once and the session is over before it is seen.
      stopOnEntry: true,
    });
  };

  const del = async (app: AppNode) => {
    const ok = await vscode.window.showWarningMessage(`Delete run ${app.app.appId} of project ${app.project}? Its files are removed.`, { modal: true }, "Delete");
    if (ok !== "Delete") return;
    try {
      await app.store.deleteApp(app.project, app.app.appId);
    } catch (err) {
      void vscode.window.showErrorMessage(`Could not delete ${app.app.appId}: ${(err as Error).message}`);
    }
    provider.refreshId(app.store.id); // the project row counts its apps: list it again
  };

  const guard = <T>(fn: (node: T) => unknown) => async (node: T | undefined) => {
    if (!node) return;
    try {
      await fn(node);
    } catch (err) {
      void vscode.window.showErrorMessage(`Burr: ${(err as Error).message}`);
    }
  };

  context.subscriptions.push(
    vscode.commands.registerCommand("burr.runs.refresh", () => {
      model.setStores(model.getStores());
      provider.refresh();
    }),
    vscode.commands.registerCommand("burr.runs.openStep", (arg?: unknown) => guard(openStep)(pick("step", arg))),
    vscode.commands.registerCommand("burr.runs.openGraph", (arg?: unknown) => guard(openGraph)(appOf(arg))),
    vscode.commands.registerCommand("burr.runs.replay", (arg?: unknown) => guard(replay)(appOf(arg))),
    vscode.commands.registerCommand("burr.runs.delete", (arg?: unknown) => guard(del)(pick("app", arg))),
    vscode.commands.registerCommand("burr.runs.copyState", (arg?: unknown) =>
      guard(async (s: StepNode) => {
        await vscode.env.clipboard.writeText(JSON.stringify(fullStep(s.run, s.step).state, null, 2));
        void vscode.window.setStatusBarMessage(`Copied the state of step ${s.step.sequenceId} (${s.step.action})`, 3000);
      })(pick("step", arg)),
    ),
    vscode.commands.registerCommand("burr.runs.createTest", (arg?: unknown) => guard((s: StepNode) => createTestFromStep(s))(pick("step", arg))),
    vscode.commands.registerCommand("burr.runs.forkAndDebug", (arg?: unknown) => guard((s: StepNode) => forkAndDebug(context, s))(pick("step", arg))),
  );
}

/** Annotations on the run's steps, per action name, for the graph's badges (none when unreadable). */
async function annotatedActions(index: AnnotationIndex, app: AppNode, run: AppRun): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  try {
    const all = (await index.forProject(app.store, app.project)?.list()) ?? [];
    const actionOf = new Map(run.steps.map((s) => [s.sequenceId, s.action]));
    for (const a of all) {
      if (a.app_id !== app.app.appId || (a.partition_key || null) !== (run.partitionKey ?? null)) continue;
      const action = actionOf.get(a.step_sequence_id) ?? a.step_name;
      out[action] = (out[action] ?? 0) + 1;
    }
  } catch {
    // The graph still shows; the run view says why annotations cannot be read.
  }
  return out;
}

function appNodeOfStep(step: StepNode): AppNode {
  const last = step.run.steps[step.run.steps.length - 1];
  return {
    kind: "app", store: step.store, project: step.project,
    app: { appId: step.appId, partitionKey: step.run.partitionKey ?? null, steps: step.run.steps.length, lastWritten: last?.endTime ?? 0, status: last?.error ? "failed" : "completed" },
  };
}

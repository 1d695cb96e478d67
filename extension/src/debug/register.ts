// VS Code wiring for debug type "burr": the inline adapter (so the session can
// paint the graph view), defaults for F5 without a launch.json, and the
// "Debug" code lens command.
import * as vscode from "vscode";
import { randomUUID } from "node:crypto";
import { join } from "node:path";
import type { GraphHighlighter } from "../graph/highlighter.js";
import type { RangeLookup } from "./definitionRanges.js";
import { debugPanelKey } from "./panelKey.js";
import { ProgramPrewarmer } from "./prewarm.js";
import { resolveProgramCommand, type BurrLaunchArguments } from "./programCommand.js";
import { BurrDebugSession } from "./session.js";
import { mark } from "../timing.js";

const DEBUG_TYPE = "burr";

export function registerDebug(context: vscode.ExtensionContext, graph: GraphHighlighter, output: vscode.LogOutputChannel, ranges: RangeLookup): void {
  const adapterDir = join(context.extensionPath, "dist");
  const prewarmer = new ProgramPrewarmer(adapterDir);
  context.subscriptions.push(
    prewarmer,
    vscode.debug.registerDebugAdapterDescriptorFactory(DEBUG_TYPE, new InlineAdapterFactory(adapterDir, graph, output, ranges, prewarmer)),
    vscode.debug.registerDebugConfigurationProvider(DEBUG_TYPE, new BurrConfigurationProvider(adapterDir, prewarmer)),
    vscode.debug.registerDebugConfigurationProvider(DEBUG_TYPE, new BurrConfigurationProvider(adapterDir, prewarmer), vscode.DebugConfigurationProviderTriggerKind.Dynamic),
    // The code lens sends [uri string, appId]; the palette sends nothing.
    vscode.commands.registerCommand("burr.debugApp", (uri?: vscode.Uri | string, appId?: unknown) =>
      debugApp(typeof uri === "string" ? vscode.Uri.parse(uri) : uri, typeof appId === "string" ? appId : undefined),
    ),
    vscode.commands.registerCommand("burr.debug.rerunStep", () => rerunStep(output)),
    // The toolbar button shows only in sessions replaying a run through a program.
    vscode.debug.onDidChangeActiveDebugSession((session) => void setReplayContext(session)),
    vscode.debug.onDidStartDebugSession((session) => void setReplayContext(vscode.debug.activeDebugSession ?? session)),
  );
}

function isReplayWithProgram(session: vscode.DebugSession | undefined): session is vscode.DebugSession {
  return session?.type === DEBUG_TYPE && Boolean(session.configuration.replay) && Boolean(session.configuration.program);
}

function setReplayContext(session: vscode.DebugSession | undefined): Thenable<unknown> {
  return vscode.commands.executeCommand("setContext", "burr.replayWithProgram", isReplayWithProgram(session));
}

/** Saves edited files (the re-run loads the program from disk), then asks the session to re-run the step it is stopped at. */
async function rerunStep(output: vscode.LogOutputChannel): Promise<unknown> {
  const session = vscode.debug.activeDebugSession;
  if (!isReplayWithProgram(session)) {
    void vscode.window.showInformationMessage('Burr: "Re-run Step with Current Code" works in a debug session launched with both "replay" and "program".');
    return undefined;
  }
  await vscode.workspace.saveAll(false);
  try {
    const report = (await session.customRequest("rerunStep")) as { sequenceId: number; divergence: { message: string } | null; current: { next: string | null }; recorded: { next: string | null } };
    const verdict = report.divergence ? `differs from the record: ${report.divergence.message}` : "matches the record";
    const next = report.current.next !== report.recorded.next ? ` Next: ${report.current.next ?? "(end)"} (recorded ${report.recorded.next ?? "(end)"}).` : "";
    void vscode.window.showInformationMessage(`Burr: re-ran step ${report.sequenceId} with the current code: ${verdict}.${next} See the Debug Console and the "Re-run" scope.`);
    return report;
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    output.warn(`Burr: re-run step: ${message}`);
    void vscode.window.showErrorMessage(message);
    return undefined;
  }
}

class InlineAdapterFactory implements vscode.DebugAdapterDescriptorFactory {
  constructor(
    private readonly adapterDir: string,
    private readonly graph: GraphHighlighter,
    private readonly output: vscode.LogOutputChannel,
    private readonly ranges: RangeLookup,
    private readonly prewarmed: ProgramPrewarmer,
  ) {}

  /** The panel key each launch (by session name) painted last: its next session reuses that panel. */
  private readonly lastPanel = new Map<string, string>();

  createDebugAdapterDescriptor(): vscode.ProviderResult<vscode.DebugAdapterDescriptor> {
    mark("debug.adapterCreated");
    const shown = new Map<string, string>();
    // A panel opened at launch, whose page loads while the program starts; the first app's graph takes it over.
    const placeholder = `debug-launch:${randomUUID()}`;
    const session = new BurrDebugSession({
      adapterDir: this.adapterDir,
      ranges: this.ranges,
      prewarmed: this.prewarmed,
      onPosition: (appId, model, highlight, sessionName) => {
        // One panel per app (its launch and its graph), reused by the next session, not one per run's id.
        const key = debugPanelKey(sessionName, model);
        if (shown.has(key)) return this.graph.setHighlight(key, highlight);
        const title = `${sessionName} · ${appId.slice(0, 8)}`;
        shown.set(key, title);
        this.lastPanel.set(sessionName, key);
        this.graph.showModel(key, title, model, highlight, placeholder).then(undefined, (err: unknown) => {
          this.output.error(`Burr debugger: could not show the graph of app ${appId}: ${err instanceof Error ? err.message : String(err)}`);
        });
      },
      onEnded: () => {
        this.graph.discard(placeholder);
        for (const [key, title] of shown) this.graph.markEnded(key, `${title} (session ended)`);
      },
      onLaunched: (sessionName) => {
        const last = this.lastPanel.get(sessionName);
        if (last === undefined || !this.graph.has(last)) this.graph.prepare(placeholder, sessionName, "Starting the program…");
      },
    });
    return new vscode.DebugAdapterInlineImplementation(session as unknown as vscode.DebugAdapter);
  }
}

class BurrConfigurationProvider implements vscode.DebugConfigurationProvider {
  constructor(
    private readonly adapterDir: string,
    private readonly prewarmer: ProgramPrewarmer,
  ) {}

  provideDebugConfigurations(): vscode.ProviderResult<vscode.DebugConfiguration[]> {
    const file = activeProgram();
    return [{ type: DEBUG_TYPE, request: "launch", name: "Debug burr-ts app", program: file ?? "${file}", stopOnEntry: true }];
  }

  /** F5 with no launch.json arrives here with an empty configuration: debug the open file. */
  resolveDebugConfiguration(_folder: vscode.WorkspaceFolder | undefined, config: vscode.DebugConfiguration): vscode.ProviderResult<vscode.DebugConfiguration> {
    if (!config.type && !config.request && !config.name) {
      const file = activeProgram();
      if (!file) {
        void vscode.window.showInformationMessage("Burr: open the TypeScript or JavaScript file that builds your app, then press F5 again.");
        return undefined;
      }
      return { type: DEBUG_TYPE, request: "launch", name: "Debug burr-ts app", program: file, stopOnEntry: true };
    }
    if (!config.program && !config.replay) {
      void vscode.window.showErrorMessage('Burr: the launch configuration needs "program" (the file that runs your app) or "replay" (a tracked run).');
      return undefined;
    }
    return config;
  }

  /** The last step before VS Code starts the session: the program's Node and tsx start loading now. */
  resolveDebugConfigurationWithSubstitutedVariables(_folder: vscode.WorkspaceFolder | undefined, config: vscode.DebugConfiguration): vscode.ProviderResult<vscode.DebugConfiguration> {
    mark("debug.resolved");
    if (config.type === DEBUG_TYPE && config.request === "launch" && typeof config.program === "string" && !config.replay) {
      try {
        this.prewarmer.prepare(resolveProgramCommand(config as BurrLaunchArguments, this.adapterDir));
      } catch {
        // The launch reports what is wrong with the configuration.
      }
    }
    return config;
  }
}

function activeProgram(): string | undefined {
  const doc = vscode.window.activeTextEditor?.document;
  if (!doc || doc.uri.scheme !== "file") return undefined;
  return ["typescript", "javascript", "typescriptreact", "javascriptreact"].includes(doc.languageId) ? doc.uri.fsPath : undefined;
}

async function debugApp(uri: vscode.Uri | undefined, appId: string | undefined): Promise<boolean> {
  const target = uri ?? vscode.window.activeTextEditor?.document.uri;
  if (!target) {
    void vscode.window.showInformationMessage("Burr: open the file that builds your app to debug it.");
    return false;
  }
  const folder = vscode.workspace.getWorkspaceFolder(target);
  return vscode.debug.startDebugging(folder, {
    type: DEBUG_TYPE,
    request: "launch",
    name: appId ? `Debug ${appId}` : "Debug burr-ts app",
    program: target.fsPath,
    cwd: folder?.uri.fsPath,
    stopOnEntry: true,
  });
}

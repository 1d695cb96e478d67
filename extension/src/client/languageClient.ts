// Starts the Burr language server (dist/server.js, over Node IPC) and gives the
// rest of the extension typed access to its custom messages (server/src/protocol.ts).
import * as vscode from "vscode";
import { LanguageClient, State, TransportKind, type LanguageClientOptions, type ServerOptions } from "vscode-languageclient/node";
import {
  AnalysedNotification,
  DefinitionRangeRequest,
  GraphChangedNotification,
  GraphRequest,
  type AnalysedParams,
  type AppGraph,
  type DefinitionRangeParams,
  type DefinitionRangeResult,
} from "../../../server/src/protocol.js";

export type Health = { state: "starting" } | { state: "running" } | { state: "stopped"; reason: string };

const LANGUAGES = ["typescript", "javascript", "typescriptreact", "javascriptreact"];
export const DOCUMENT_SELECTOR = LANGUAGES.map((language) => ({ scheme: "file", language }));

export class BurrClient implements vscode.Disposable {
  private readonly client: LanguageClient;
  private readonly changed = new vscode.EventEmitter<string>();
  private readonly health = new vscode.EventEmitter<Health>();
  private readonly analysed = new vscode.EventEmitter<AnalysedParams>();
  /** Fires once the server has scanned the workspace (again after a restart). */
  readonly onAnalysed = this.analysed.event;
  /** Fires with a document URI whose apps changed. */
  readonly onGraphChanged = this.changed.event;
  readonly onHealth = this.health.event;
  current: Health = { state: "starting" };

  constructor(context: vscode.ExtensionContext, output: vscode.LogOutputChannel) {
    const module = context.asAbsolutePath("dist/server.js");
    const serverOptions: ServerOptions = {
      run: { module, transport: TransportKind.ipc },
      debug: { module, transport: TransportKind.ipc, options: { execArgv: ["--nolazy", "--inspect=6019"] } },
    };
    const clientOptions: LanguageClientOptions = {
      documentSelector: DOCUMENT_SELECTOR,
      synchronize: { fileEvents: vscode.workspace.createFileSystemWatcher("**/*.{ts,tsx,mts,cts,js,jsx,mjs,cjs}") },
      outputChannel: output,
    };
    this.client = new LanguageClient("burr", "Burr", serverOptions, clientOptions);
    this.client.onDidChangeState((e) => {
      if (e.newState === State.Running) this.setHealth({ state: "running" });
      else if (e.newState === State.Starting) this.setHealth({ state: "starting" });
      else this.setHealth({ state: "stopped", reason: "the language server stopped (see the Burr output)" });
    });
    this.client.onNotification(GraphChangedNotification, (p) => this.changed.fire(p.uri));
    this.client.onNotification(AnalysedNotification, (p) => this.analysed.fire(p));
  }

  async start(): Promise<void> {
    try {
      await this.client.start();
    } catch (err) {
      this.setHealth({ state: "stopped", reason: `the language server did not start: ${err instanceof Error ? err.message : String(err)}` });
      throw err;
    }
  }

  async graphs(uri: vscode.Uri | string): Promise<AppGraph[]> {
    const result = await this.client.sendRequest(GraphRequest, { uri: typeof uri === "string" ? uri : uri.toString() });
    return result?.apps ?? [];
  }

  /** The declaration around a point the runtime recorded (the debugger maps breakpoint lines to it). */
  definitionRange(params: DefinitionRangeParams): Promise<DefinitionRangeResult> {
    return this.client.sendRequest(DefinitionRangeRequest, params);
  }

  async stop(): Promise<void> {
    if (this.client.isRunning()) await this.client.stop();
  }

  dispose(): void {
    this.changed.dispose();
    this.health.dispose();
    this.analysed.dispose();
    void this.stop();
  }

  private setHealth(h: Health): void {
    this.current = h;
    this.health.fire(h);
  }
}

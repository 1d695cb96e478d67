// A real LSP client over stdio against the built dist/server.js.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from "vscode-jsonrpc/node";
import type { Diagnostic, PublishDiagnosticsParams } from "vscode-languageserver-protocol";
import { AnalysedNotification, GraphChangedNotification } from "../../../server/src/protocol.js";

export const repoRoot = join(__dirname, "../../..");
export const serverBundle = join(repoRoot, "dist/server.js");

function newestSource(dir: string): number {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    newest = Math.max(newest, e.isDirectory() ? newestSource(p) : statSync(p).mtimeMs);
  }
  return newest;
}

/** Builds dist/server.js when it is missing or older than the server or runtime sources (esbuild, a few seconds). */
export async function ensureServerBuilt(): Promise<void> {
  const sources = Math.max(newestSource(join(repoRoot, "server/src")), newestSource(join(repoRoot, "runtime/src/graph")));
  if (existsSync(serverBundle) && statSync(serverBundle).mtimeMs > sources) return;
  const esbuild = await import("esbuild");
  await esbuild.build({
    entryPoints: [join(repoRoot, "server/src/server.ts")], outfile: serverBundle, bundle: true, platform: "node", format: "cjs",
    target: "node20", sourcemap: true, logLevel: "warning", external: ["better-sqlite3", "pg", "pg-native"], mainFields: ["module", "main"],
  });
  if (!statSync(serverBundle).size) throw new Error("dist/server.js is empty after building");
}

export class LspClient {
  readonly connection: MessageConnection;
  private readonly diagnostics = new Map<string, Diagnostic[]>();
  private readonly waiters: { uri: string; minVersion: number | undefined; resolve: (d: Diagnostic[]) => void }[] = [];
  readonly graphChanges: string[] = [];
  private readonly graphWaiters: { uri: string; resolve: () => void }[] = [];
  stderr = "";
  /** The burr/analysed notification (the first workspace scan is done), once it came. */
  readonly analysed: Promise<{ files: number; analysed: number; apps: Record<string, number>; ms: number }>;
  private analysedSeen!: (p: { files: number; analysed: number; apps: Record<string, number>; ms: number }) => void;

  private constructor(readonly child: ChildProcess) {
    this.connection = createMessageConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
    child.stderr!.on("data", (d: Buffer) => { this.stderr += d.toString(); });
    this.connection.onNotification("textDocument/publishDiagnostics", (p: PublishDiagnosticsParams) => {
      this.diagnostics.set(p.uri, p.diagnostics);
      for (let i = this.waiters.length - 1; i >= 0; i--) {
        const w = this.waiters[i]!;
        const fresh = w.minVersion === undefined || (p.version !== undefined && p.version >= w.minVersion);
        if (w.uri === p.uri && fresh) { this.waiters.splice(i, 1); w.resolve(p.diagnostics); }
      }
    });
    this.connection.onNotification(GraphChangedNotification, (p) => {
      this.graphChanges.push(p.uri);
      for (let i = this.graphWaiters.length - 1; i >= 0; i--) {
        const w = this.graphWaiters[i]!;
        if (w.uri === p.uri) { this.graphWaiters.splice(i, 1); w.resolve(); }
      }
    });
    this.analysed = new Promise((resolve) => { this.analysedSeen = resolve; });
    this.connection.onNotification(AnalysedNotification, (p) => this.analysedSeen(p));
    this.connection.onNotification("window/logMessage", (p: { message: string }) => { this.stderr += `${p.message}\n`; });
    this.connection.onRequest("client/registerCapability", () => null);
    this.connection.onRequest("workspace/configuration", () => []);
    this.connection.listen();
  }

  static async start(rootPath: string): Promise<LspClient> {
    const child = spawn(process.execPath, [serverBundle, "--stdio"], { stdio: ["pipe", "pipe", "pipe"] });
    const client = new LspClient(child);
    await client.connection.sendRequest("initialize", {
      processId: process.pid, rootUri: pathToFileURL(rootPath).href, capabilities: {},
      workspaceFolders: [{ uri: pathToFileURL(rootPath).href, name: "test" }],
    });
    await client.connection.sendNotification("initialized", {});
    return client;
  }

  /** Resolves with the next diagnostics published for uri (for an open document: for this version or later). */
  nextDiagnostics(uri: string, minVersion?: number): Promise<Diagnostic[]> {
    return new Promise((resolve) => this.waiters.push({ uri, minVersion, resolve }));
  }

  /** Resolves at the next burr/graphChanged notification for uri. */
  nextGraphChanged(uri: string): Promise<void> {
    return new Promise((resolve) => this.graphWaiters.push({ uri, resolve }));
  }

  latestDiagnostics(uri: string): Diagnostic[] | undefined {
    return this.diagnostics.get(uri);
  }

  async open(uri: string, text: string, version = 1): Promise<Diagnostic[]> {
    const next = this.nextDiagnostics(uri, version);
    await this.connection.sendNotification("textDocument/didOpen", { textDocument: { uri, languageId: "typescript", version, text } });
    return next;
  }

  async change(uri: string, text: string, version: number): Promise<Diagnostic[]> {
    const next = this.nextDiagnostics(uri, version);
    await this.connection.sendNotification("textDocument/didChange", { textDocument: { uri, version }, contentChanges: [{ text }] });
    return next;
  }

  /** An incremental change, as VS Code sends while typing: replace [start, end) with text. */
  async edit(uri: string, range: { start: { line: number; character: number }; end: { line: number; character: number } }, text: string, version: number): Promise<Diagnostic[]> {
    const next = this.nextDiagnostics(uri, version);
    await this.connection.sendNotification("textDocument/didChange", { textDocument: { uri, version }, contentChanges: [{ range, text }] });
    return next;
  }

  request<R>(method: string, params: unknown): Promise<R> {
    return this.connection.sendRequest(method, params) as Promise<R>;
  }

  async stop(): Promise<void> {
    try {
      await Promise.race([this.connection.sendRequest("shutdown"), new Promise((r) => setTimeout(r, 2000))]);
      await this.connection.sendNotification("exit");
    } catch {
      // already gone
    }
    this.connection.dispose();
    if (this.child.exitCode === null) this.child.kill();
  }
}

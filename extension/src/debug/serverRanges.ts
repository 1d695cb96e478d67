// The standalone adapter (dist/debugAdapter.js) has no language client, so it
// starts the language server bundled next to it (dist/server.js, over stdio,
// with no workspace folders: it reads only the files it is asked about) when
// the program is launched, while the program starts (warm), or else the first
// time a range is needed, and stops it with the session.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import {
  createProtocolConnection,
  ExitNotification,
  InitializedNotification,
  InitializeRequest,
  StreamMessageReader,
  StreamMessageWriter,
  type ProtocolConnection,
} from "vscode-languageserver-protocol/node";
import { DefinitionRangeRequest, type DefinitionRangeParams, type DefinitionRangeResult } from "../../../server/src/protocol.js";
import type { RangeLookup } from "./definitionRanges.js";

export class ServerRanges implements RangeLookup {
  private started: Promise<ProtocolConnection | null> | null = null;
  private child: ChildProcess | null = null;

  constructor(private readonly adapterDir: string) {}

  async definitionRange(params: DefinitionRangeParams): Promise<DefinitionRangeResult> {
    const connection = await (this.started ??= this.start());
    return connection ? connection.sendRequest(DefinitionRangeRequest, params) : null;
  }

  /**
   * Starts the server and has it analyse the program now, beside the program's own start: begun at the
   * first range instead, both came after the program's first app and held its first stop (~0.5 s quiet).
   */
  warm(file: string): void {
    void this.definitionRange({ uri: pathToFileURL(file).href, target: { kind: "action", name: "" } }).catch(() => undefined);
  }

  close(): void {
    const child = this.child;
    this.child = null;
    if (!child) return;
    void this.started?.then((c) => {
      c?.sendNotification(ExitNotification.type).catch(() => undefined);
      c?.dispose();
    });
    // The server exits on "exit"; a server that hangs is not left behind.
    setTimeout(() => child.kill(), 2000).unref();
  }

  private async start(): Promise<ProtocolConnection | null> {
    const server = join(this.adapterDir, "server.js");
    if (!existsSync(server)) return null;
    const child = spawn(process.execPath, [server, "--stdio"], { stdio: ["pipe", "pipe", "ignore"] });
    this.child = child;
    if (!child.stdout || !child.stdin) return null;
    const connection = createProtocolConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
    child.on("error", () => connection.dispose());
    child.stdin.on("error", () => connection.dispose());
    connection.listen();
    await connection.sendRequest(InitializeRequest.type, { processId: process.pid, rootUri: null, workspaceFolders: null, capabilities: {} });
    await connection.sendNotification(InitializedNotification.type, {});
    return connection;
  }
}

// The program's one connection back to the debug adapter. Every app built in
// the process shares it; messages carry the app id. The socket is unref'd
// while nothing waits on it, so a finished program exits on its own.
import { connect, type Socket } from "node:net";
import {
  encodeMessage,
  isAdapterMessage,
  LineDecoder,
  PROTOCOL_VERSION,
  type AdapterMessage,
  type AdapterRequest,
  type GateMessage,
  type ResumeMessage,
} from "./protocol.js";

const WELCOME_TIMEOUT_MS = 10_000;
const MAX_WELCOME_CHARS = 4096;

export interface ConnectionListener {
  onRequest(request: AdapterRequest): Promise<GateMessage>;
  onResume(message: ResumeMessage): void;
  /** The adapter went away: stop waiting and run freely. */
  onClosed(): void;
}

export class DebugConnection {
  private socket: Socket | null = null;
  private readonly ready: Promise<boolean>;
  private readonly listeners = new Map<string, ConnectionListener>();
  private waiting = 0;
  private closed = false;

  constructor(port: number, token: string) {
    this.ready = this.open(port, token);
  }

  /** Resolves true once the adapter accepted us, false when it refused or is gone. */
  whenReady(): Promise<boolean> {
    return this.ready;
  }

  get isOpen(): boolean {
    return !this.closed;
  }

  register(appId: string, listener: ConnectionListener): void {
    this.listeners.set(appId, listener);
  }

  send(message: GateMessage): void {
    if (!this.closed && this.socket) this.socket.write(encodeMessage(message));
  }

  /** Keeps the process alive while a step waits for the adapter. */
  hold(): void {
    if (this.waiting++ === 0) this.socket?.ref();
  }

  release(): void {
    if (--this.waiting === 0) this.socket?.unref();
  }

  private open(port: number, token: string): Promise<boolean> {
    return new Promise<boolean>((resolve) => {
      const socket = connect({ host: "127.0.0.1", port });
      this.socket = socket;
      socket.setNoDelay(true);
      socket.setEncoding("utf8");
      let welcomed = false;
      // Until the adapter welcomes us the peer is unproven (the port may have been taken by another process).
      const giveUp = (why: string) => {
        if (welcomed) return;
        welcomed = true;
        process.stderr.write(`burr-ts debugger: ${why}; running without the debugger\n`);
        this.shutDown();
        resolve(false);
      };
      const welcomeTimer = setTimeout(() => giveUp(`no welcome from the debug adapter on 127.0.0.1:${port} within ${WELCOME_TIMEOUT_MS / 1000} s`), WELCOME_TIMEOUT_MS);
      welcomeTimer.unref();
      const decoder = new LineDecoder(
        (message) => {
          if (!isAdapterMessage(message)) return;
          if (!welcomed) {
            if (message.type !== "welcome") return;
            welcomed = true;
            clearTimeout(welcomeTimer);
            decoder.maxLineChars = Number.POSITIVE_INFINITY;
            if (!message.accepted) {
              process.stderr.write(`burr-ts debugger: the debug adapter refused this program: ${message.reason ?? "no reason given"}\n`);
              this.shutDown();
              resolve(false);
              return;
            }
            socket.unref();
            resolve(true);
            return;
          }
          this.dispatch(message);
        },
        (line) => process.stderr.write(`burr-ts debugger: ignored a malformed message from the adapter: ${line.slice(0, 200)}\n`),
        () => giveUp(`the debug adapter on 127.0.0.1:${port} sent a line longer than ${MAX_WELCOME_CHARS} characters before its welcome`),
      );
      decoder.maxLineChars = MAX_WELCOME_CHARS;
      socket.on("data", (chunk: string) => decoder.push(chunk));
      socket.on("connect", () => socket.write(encodeMessage({ type: "hello", token, version: PROTOCOL_VERSION, pid: process.pid })));
      socket.on("error", (err) => {
        if (!welcomed) process.stderr.write(`burr-ts debugger: could not reach the debug adapter on 127.0.0.1:${port}: ${err.message}; running without the debugger\n`);
      });
      socket.on("close", () => {
        clearTimeout(welcomeTimer);
        this.shutDown();
        resolve(false);
      });
    });
  }

  private dispatch(message: AdapterMessage): void {
    if (message.type === "resume") {
      this.listeners.get(message.appId)?.onResume(message);
      return;
    }
    if (message.type === "welcome") return;
    const listener = this.listeners.get(message.appId);
    if (!listener) {
      this.send({ type: "response", id: message.id, ok: false, error: `no app "${message.appId}" is being debugged in this program` });
      return;
    }
    listener.onRequest(message).then(
      (reply) => this.send(reply),
      (err: unknown) => this.send({ type: "response", id: message.id, ok: false, error: (err as Error).message ?? String(err) }),
    );
  }

  private shutDown(): void {
    if (this.closed) return;
    this.closed = true;
    this.socket?.destroy();
    for (const listener of this.listeners.values()) listener.onClosed();
  }
}

// A live program: listens on loopback for the program's debug gate, launches
// the program with the port and a one-time token in its environment, and
// turns gate messages into source events.
import { spawn, type ChildProcess } from "node:child_process";
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { createServer, type Server, type Socket } from "node:net";
import {
  DEBUG_PORT_ENV,
  DEBUG_TOKEN_ENV,
  encodeMessage,
  isGateMessage,
  LineDecoder,
  type AdapterMessage,
  type AdapterRequest,
  type GateMessage,
  type ResponseBody,
  type WireValue,
} from "../../../runtime/src/debug/protocol.js";
import type { FrameData, SourceEvents, StepSource, StepSummary } from "./source.js";
import type { ProgramCommand } from "./programCommand.js";
import { widenSources, type RangeLookup } from "./definitionRanges.js";
import type { PrewarmedPrograms } from "./prewarm.js";
import { mark } from "../timing.js";

const REQUEST_TIMEOUT_MS = 15_000;
const HELLO_TIMEOUT_MS = 5_000;
// Connections waiting for their hello at once; more are closed on arrival.
const MAX_PENDING = 8;
// The hello is ~150 characters; anything much longer before it is refused.
const MAX_HELLO_CHARS = 4096;

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
type RequestWithoutId = DistributiveOmit<AdapterRequest, "id">;

interface Waiting {
  resolve(body: ResponseBody): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

export class ProgramSource implements StepSource {
  readonly kind = "program";
  private server: Server | null = null;
  private child: ChildProcess | null = null;
  private link: Socket | null = null;
  private events: SourceEvents | null = null;
  private readonly token = randomBytes(24).toString("hex");
  private tokenUsed = false;
  private pending = 0;
  private nextId = 1;
  private readonly waiting = new Map<number, Waiting>();
  private exited: Promise<void> = Promise.resolve();
  private hasEnded = false;
  /** Gate events in arrival order: an app's ranges are widened before its first step is handled. */
  private delivered: Promise<void> = Promise.resolve();

  constructor(
    private readonly command: ProgramCommand,
    private readonly ranges: RangeLookup | null = null,
    /** A process started for this command before the launch (prewarm.ts), used if there is one. */
    private readonly prewarmed: PrewarmedPrograms | null = null,
  ) {}

  get port(): number | null {
    const address = this.server?.address();
    return address && typeof address === "object" ? address.port : null;
  }

  async start(events: SourceEvents): Promise<void> {
    this.events = events;
    this.server = createServer((socket) => this.accept(socket));
    await new Promise<void>((resolve, reject) => {
      this.server?.once("error", reject);
      this.server?.listen({ host: "127.0.0.1", port: 0 }, () => resolve());
    });
    const gate = { [DEBUG_PORT_ENV]: String(this.port), [DEBUG_TOKEN_ENV]: this.token };
    const early = this.prewarmed?.take(this.command) ?? null;
    const child = early?.child ?? spawn(this.command.executable, this.command.args, {
      cwd: this.command.cwd,
      env: { ...process.env, ...this.command.env, ...gate },
      stdio: ["ignore", "pipe", "pipe"],
    });
    this.child = child;
    mark(early ? "debug.adopted" : "debug.spawned");
    child.stdout?.setEncoding("utf8");
    child.stderr?.setEncoding("utf8");
    child.stdout?.on("data", (text: string) => events.output("stdout", text));
    child.stderr?.on("data", (text: string) => events.output("stderr", text));
    this.exited = new Promise<void>((resolve) => {
      child.on("error", (err) => {
        events.output("stderr", `Could not start ${this.command.executable}: ${err.message}\n`);
        this.end(`could not start the program (${err.message})`);
        resolve();
      });
      child.on("close", (code, signal) => {
        this.end(signal ? `program ended by ${signal}` : `program exited with code ${code ?? 0}`);
        resolve();
      });
    });
    // Its output is listened to first, then it is handed the program (and the gate's port and token).
    early?.run(gate);
  }

  /** Lets the range lookup prepare for the program's file while the program starts (see RangeLookup.warm). */
  warmRanges(): void {
    this.ranges?.warm?.(this.command.program);
  }

  resume(appId: string, retry: boolean): void {
    this.send({ type: "resume", appId, ...(retry ? { retry: true } : {}) });
  }

  async frame(appId: string, index: number): Promise<FrameData> {
    return expect(await this.request({ type: "frame", appId, index }), "frame");
  }

  async evaluate(appId: string, index: number, expression: string): Promise<WireValue> {
    return expect(await this.request({ type: "evaluate", appId, index, expression }), "evaluate").value;
  }

  async rewind(appId: string, index: number): Promise<StepSummary & { note?: string }> {
    const body = expect(await this.request({ type: "rewind", appId, index }), "rewind");
    return typeof body.note === "string" ? { ...body.step, note: body.note } : body.step;
  }

  async setValue(appId: string, path: (string | number)[], value: WireValue): Promise<WireValue> {
    return expect(await this.request({ type: "setValue", appId, path, value }), "setValue").value;
  }

  async terminate(): Promise<void> {
    const child = this.child;
    if (child && child.exitCode === null && child.signalCode === null) {
      child.kill("SIGTERM");
      const force = setTimeout(() => child.kill("SIGKILL"), 2000);
      await this.exited;
      clearTimeout(force);
    }
    this.closeServer();
  }

  // Everything a connection sends before its hello is untrusted (any local process can connect):
  // a few connections may wait at once, each for a short time, with one short line.
  private accept(socket: Socket): void {
    socket.on("error", () => undefined);
    if (this.pending >= MAX_PENDING) {
      socket.destroy();
      return;
    }
    this.pending++;
    socket.setNoDelay(true);
    socket.setEncoding("utf8");
    let state: "pending" | "accepted" | "refused" = "pending";
    const settle = (next: "accepted" | "refused") => {
      if (state === "pending") this.pending--;
      state = next;
      clearTimeout(helloTimer);
    };
    const refuse = (reason: string) => {
      if (state === "refused") return;
      settle("refused");
      decoder.stop();
      socket.pause(); // read no more of what the peer sends
      socket.end(encodeMessage({ type: "welcome", accepted: false, reason }));
      // Do not wait for a peer that never reads: the socket goes shortly after the refusal is flushed.
      setTimeout(() => socket.destroy(), 1000).unref();
    };
    const helloTimer = setTimeout(() => refuse(`no hello within ${HELLO_TIMEOUT_MS / 1000} s`), HELLO_TIMEOUT_MS);
    const decoder = new LineDecoder(
      (message) => {
        if (state === "accepted") {
          if (isGateMessage(message)) this.handle(message);
          return;
        }
        const hello = message as { type?: unknown; token?: unknown } | null;
        if (hello === null || typeof hello !== "object" || hello.type !== "hello" || this.tokenUsed || !sameToken(hello.token, this.token)) {
          refuse(this.tokenUsed ? "this session already has its program connected" : "wrong debug token");
          return;
        }
        settle("accepted");
        decoder.maxLineChars = Number.POSITIVE_INFINITY;
        this.tokenUsed = true;
        this.link = socket;
        mark("debug.connected");
        this.send({ type: "welcome", accepted: true });
      },
      (line) => {
        if (state !== "accepted") refuse("the first message must be a hello line of JSON");
        else this.events?.output("stderr", `burr debugger: ignored a malformed message from the program: ${line.slice(0, 200)}\n`);
      },
      () => refuse(`the hello line is longer than ${MAX_HELLO_CHARS} characters`),
    );
    decoder.maxLineChars = MAX_HELLO_CHARS;
    socket.on("data", (chunk: string) => {
      try {
        decoder.push(chunk);
      } catch (err) {
        // A handler failing on what a peer sent must not take the adapter down.
        if (state === "accepted") this.events?.output("stderr", `burr debugger: could not handle a message from the program: ${(err as Error).message}\n`);
        else refuse("malformed hello");
      }
    });
    socket.on("close", () => {
      if (state === "pending") settle("refused");
      clearTimeout(helloTimer);
      if (socket === this.link) {
        this.link = null;
        this.failWaiting(new Error("the program closed its debug connection"));
      }
    });
  }

  private handle(message: GateMessage): void {
    const events = this.events;
    if (!events) return;
    const inOrder = (deliver: () => void | Promise<void>) => {
      this.delivered = this.delivered.then(deliver).catch((err: unknown) => {
        events.output("stderr", `burr debugger: could not handle a message from the program: ${err instanceof Error ? err.message : String(err)}\n`);
      });
    };
    switch (message.type) {
      case "app":
        mark("debug.app");
        inOrder(async () => {
          const graph = await widenSources(message.graph, this.command.program, this.ranges);
          mark("debug.widened");
          events.app(message.appId, graph, message.parent ?? null);
        });
        return;
      case "beforeStep":
        inOrder(() => events.beforeStep(message.step));
        return;
      case "stepped":
        inOrder(() => events.stepped(message.step, message.next));
        return;
      case "failed":
        inOrder(() => events.failed(message.step, message.error));
        return;
      case "diverged":
        events.diverged(message.step, { ran: message.ran, report: message.report, divergence: message.divergence });
        return;
      case "response": {
        const waiting = this.waiting.get(message.id);
        if (!waiting) return;
        this.waiting.delete(message.id);
        clearTimeout(waiting.timer);
        if (message.ok && message.body) waiting.resolve(message.body);
        else waiting.reject(new Error(message.error ?? "the program gave no answer"));
        return;
      }
      case "hello":
        return;
    }
  }

  private request(request: RequestWithoutId): Promise<ResponseBody> {
    if (!this.link) return Promise.reject(new Error(this.hasEnded ? "the program has ended" : "the program is not connected to the debugger"));
    const id = this.nextId++;
    return new Promise<ResponseBody>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(id);
        reject(new Error(`the program did not answer "${request.type}" within ${REQUEST_TIMEOUT_MS / 1000} s`));
      }, REQUEST_TIMEOUT_MS);
      this.waiting.set(id, { resolve, reject, timer });
      this.send({ ...request, id } as AdapterRequest);
    });
  }

  private send(message: AdapterMessage): void {
    this.link?.write(encodeMessage(message));
  }

  private failWaiting(error: Error): void {
    for (const waiting of this.waiting.values()) {
      clearTimeout(waiting.timer);
      waiting.reject(error);
    }
    this.waiting.clear();
  }

  private end(summary: string): void {
    if (this.hasEnded) return;
    this.hasEnded = true;
    this.link?.destroy();
    this.link = null;
    this.failWaiting(new Error("the program has ended"));
    this.closeServer();
    const events = this.events;
    // After the gate events still being delivered (an app waiting for its ranges).
    this.delivered = this.delivered.then(() => {
      this.ranges?.close?.();
      events?.ended(summary);
    });
  }

  private closeServer(): void {
    this.server?.close();
    this.server = null;
  }
}

// Digests have one length whatever was sent, so the comparison is constant-time and cannot throw.
function sameToken(given: unknown, expected: string): boolean {
  if (typeof given !== "string") return false;
  const digest = (text: string) => createHash("sha256").update(text, "utf8").digest();
  return timingSafeEqual(digest(given), digest(expected));
}

function expect<K extends ResponseBody["kind"]>(body: ResponseBody, kind: K): Extract<ResponseBody, { kind: K }> {
  if (body.kind !== kind) throw new Error(`the program answered "${body.kind}" to a "${kind}" request`);
  return body as Extract<ResponseBody, { kind: K }>;
}

// The wire protocol between the burr debug adapter and the debug gate inside a
// running program: newline-delimited JSON over a loopback TCP socket. The
// program connects; its first line must be `hello` with the one-time token.
// The gate reports; the adapter decides. Pure types plus framing, no Node APIs
// beyond strings, so both sides share this one file.
import type { GraphModel } from "../graph/model.js";
import type { Divergence } from "../replay/types.js";

/** Environment variables the adapter sets on the program it launches. */
export const DEBUG_PORT_ENV = "BURR_DEBUG_PORT";
export const DEBUG_TOKEN_ENV = "BURR_DEBUG_TOKEN";
/** A fork request (JSON: trackingDir, project, appId, partitionKey, sequenceId) the runtime applies to the first app built. */
export const DEBUG_FORK_ENV = "BURR_DEBUG_FORK";
export const PROTOCOL_VERSION = 1;
/** The line the replay runner's `rerun` mode prints its RerunReport on (replay/debugRunner.ts). */
export const RERUN_PREFIX = "burr-rerun:";

/** A JSON-safe rendering of any runtime value (see wire.ts). */
export type WireValue = null | boolean | number | string | WireValue[] | { [key: string]: WireValue };

/** A position in an app's path: a step already taken, or the one about to run. */
export interface StepSummary {
  appId: string;
  /** Index into the gate's path of steps for this app (0 = first step taken). */
  index: number;
  sequenceId: number;
  action: string;
}

// ── program (gate) → adapter ───────────────────────────────────────────────

export interface HelloMessage {
  type: "hello";
  token: string;
  version: number;
  pid: number;
}

/** A new application was built (one gate per app). */
export interface AppMessage {
  type: "app";
  appId: string;
  partitionKey: string | null;
  graph: GraphModel;
  /** The step this app was forked from (a debugger fork request, or initializeFrom's fork). */
  parent?: { appId: string; partitionKey: string | null; sequenceId: number | null } | null;
}

/** The gate waits before a step until the adapter sends `resume`. */
export interface BeforeStepMessage {
  type: "beforeStep";
  step: StepSummary;
}

/** A step finished; no reply is awaited. */
export interface SteppedMessage {
  type: "stepped";
  step: StepSummary;
  /** The transition taken next; null when the app ends here. */
  next: { to: string; transitionIndex: number } | null;
}

/** A step threw; the gate waits for `resume` (the state before the step is kept). */
export interface FailedMessage {
  type: "failed";
  step: StepSummary;
  error: { name: string; message: string; stack: string | null };
}

export interface ResponseMessage {
  type: "response";
  id: number;
  ok: boolean;
  body?: ResponseBody;
  /** Set when ok is false: what went wrong and what to do. */
  error?: string;
}

export type ResponseBody = FrameData | EvaluateResult | RewindResult | SetValueResult;

/**
 * Replay with the program (burr-ts/dist/replay/debugRunner.js): the current
 * code diverged from the record. The gate waits for `resume`, then the run ends.
 * `ran`: the step ran (its frame is a step taken) or was never started (another action was chosen).
 */
export interface DivergedMessage {
  type: "diverged";
  step: StepSummary;
  ran: boolean;
  /** The replay report as the CLI prints it. */
  report: string;
  divergence: { kind: string; key: string | null; message: string };
}

export type GateMessage = HelloMessage | AppMessage | BeforeStepMessage | SteppedMessage | FailedMessage | DivergedMessage | ResponseMessage;

// ── adapter → program ──────────────────────────────────────────────────────

/** Answer to `hello`: accepted, or refused with a reason (then the socket closes). */
export interface WelcomeMessage {
  type: "welcome";
  accepted: boolean;
  reason?: string;
}

/** Let the waiting step run (or, after a failure, retry it / let the error propagate). */
export interface ResumeMessage {
  type: "resume";
  appId: string;
  /** After a failure: run the step again from the current (edited or rewound) state. */
  retry?: boolean;
}

interface RequestBase {
  id: number;
  appId: string;
}

/** Values of one frame: index = a step taken, or the pending step's index. */
export interface FrameRequest extends RequestBase {
  type: "frame";
  index: number;
}

export interface FrameData {
  kind: "frame";
  state: WireValue;
  inputs: WireValue;
  result: WireValue | null;
  /** What the step changed, when it ran. */
  changes: WireValue | null;
  error: string | null;
  /** Replay with the program: the step's traced calls and the recorded values they return. */
  calls?: WireValue;
}

/** Evaluate an expression (a state key path, or the runtime's `expr` language) over a frame's state. */
export interface EvaluateRequest extends RequestBase {
  type: "evaluate";
  index: number;
  expression: string;
}

export interface EvaluateResult {
  kind: "evaluate";
  value: WireValue;
}

/** Rewind the app to the step at `index` (it becomes the step about to run). */
export interface RewindRequest extends RequestBase {
  type: "rewind";
  index: number;
}

export interface RewindResult {
  kind: "rewind";
  step: StepSummary;
  /** Said in the debug console: e.g. the rewind crossed the start of the program's current run() call. */
  note?: string;
}

/** Set a value in the pending step's state: path[0] is the state key. */
export interface SetValueRequest extends RequestBase {
  type: "setValue";
  path: (string | number)[];
  value: WireValue;
}

export interface SetValueResult {
  kind: "setValue";
  value: WireValue;
}

export type AdapterRequest = FrameRequest | EvaluateRequest | RewindRequest | SetValueRequest;
export type AdapterMessage = WelcomeMessage | ResumeMessage | AdapterRequest;

// ── framing ────────────────────────────────────────────────────────────────

export function encodeMessage(message: GateMessage | AdapterMessage): string {
  return JSON.stringify(message) + "\n";
}

/** Splits a byte stream into JSON lines; a line that is not JSON is reported, not thrown. */
export class LineDecoder {
  private buffer = "";
  /** The longest line accepted (characters); a longer one calls onOverflow and stops decoding. Raise it once the peer is trusted. */
  maxLineChars = Number.POSITIVE_INFINITY;
  private stopped = false;

  constructor(
    private readonly onMessage: (message: unknown) => void,
    private readonly onBadLine: (line: string, error: Error) => void,
    private readonly onOverflow: () => void = () => undefined,
  ) {}

  /** Drops what is buffered and ignores everything after (the connection is being closed). */
  stop(): void {
    this.stopped = true;
    this.buffer = "";
  }

  push(chunk: string): void {
    if (this.stopped) return;
    this.buffer += chunk;
    let newline = this.buffer.indexOf("\n");
    while (newline >= 0 && !this.stopped) {
      const line = this.buffer.slice(0, newline);
      this.buffer = this.buffer.slice(newline + 1);
      if (line.length > this.maxLineChars) return this.overflow();
      if (line.trim()) {
        let parsed: unknown;
        try {
          parsed = JSON.parse(line);
        } catch (err) {
          this.onBadLine(line, err as Error);
          parsed = undefined;
        }
        if (parsed !== undefined) this.onMessage(parsed);
      }
      newline = this.buffer.indexOf("\n");
    }
    if (this.buffer.length > this.maxLineChars) this.overflow();
  }

  private overflow(): void {
    this.stop();
    this.onOverflow();
  }
}

export function isGateMessage(value: unknown): value is GateMessage {
  return typeof value === "object" && value !== null && typeof (value as { type?: unknown }).type === "string";
}

export function isAdapterMessage(value: unknown): value is AdapterMessage {
  return typeof value === "object" && value !== null && typeof (value as { type?: unknown }).type === "string";
}

// ── re-run step (replay runner → adapter, one line after RERUN_PREFIX) ────

export interface StepOutcome {
  /** The action run (the current code may choose another one than the record). */
  action: string | null;
  result: unknown;
  changes: unknown;
  error: string | null;
  /** The action the app goes to after the step (null: it ends). */
  next: string | null;
}

export interface RerunReport {
  sequenceId: number;
  recorded: StepOutcome;
  current: StepOutcome;
  /** The first difference, as replay reports it; null when the step still matches the record. */
  divergence: Divergence | null;
  /** The current code's graph (the debugger refuses the re-run when it is not the session's). */
  graph: GraphModel;
}

// ── key paths: what `evaluate` and `setVariable` accept, on both sides ─────

/** Reads `a.b[0].c` style paths; returns `found: false` when any part is missing. */
export function readKeyPath(root: Record<string, unknown>, path: string): { found: boolean; value: unknown } {
  const parts = parseKeyPath(path);
  if (!parts) return { found: false, value: undefined };
  let current: unknown = root;
  for (const part of parts) {
    if (current === null || typeof current !== "object") return { found: false, value: undefined };
    if (current instanceof Map) {
      if (!current.has(part)) return { found: false, value: undefined };
      current = current.get(part);
      continue;
    }
    if (!(String(part) in current)) return { found: false, value: undefined };
    current = (current as Record<string, unknown>)[String(part)];
  }
  return { found: true, value: current };
}

/** `chatHistory[0].content` → ["chatHistory", 0, "content"]; null when it is not a plain path. */
export function parseKeyPath(path: string): (string | number)[] | null {
  const trimmed = path.trim();
  if (!/^[A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*|\[\d+\]|\["[^"]*"\])*$/.test(trimmed)) return null;
  const parts: (string | number)[] = [];
  const re = /([A-Za-z_$][\w$]*)|\[(\d+)\]|\["([^"]*)"\]/g;
  for (let m = re.exec(trimmed); m; m = re.exec(trimmed)) {
    if (m[1] !== undefined) parts.push(m[1]);
    else if (m[2] !== undefined) parts.push(Number(m[2]));
    else parts.push(m[3]);
  }
  return parts;
}

// Spans and attributes inside an action (Burr's __tracer). Nesting follows the
// async call tree through AsyncLocalStorage, so `tracer.span` inside a span's
// callback nests even when called on the outer tracer, and concurrent spans
// do not get mixed up. Span uids follow Burr: "<sequenceId>:<i>.<j>.<k>".
import { AsyncLocalStorage } from "node:async_hooks";
import type { HookRunner } from "../lifecycle/runner.js";
import type { SpanInfo } from "../lifecycle/hooks.js";
import { REPLAY_ATTRIBUTE, encodeValue, errorFields, errorMarker, valueMarker } from "../tracking/recorded.js";
import { ARGS_DIGEST_ATTRIBUTE, argsDigest, isSmall } from "../tracking/argsDigest.js";

export interface Span {
  readonly name: string;
  readonly uid: string;
  /** Logs attributes on this span (through the doLogAttribute hooks). */
  logAttributes(attributes: Record<string, unknown>): void;
  /** Opens a child span. */
  span<T>(name: string, fn: (span: Span) => T | Promise<T>): Promise<T>;
}

export interface Tracer {
  /** Opens a span around `fn`; nested calls nest. */
  span<T>(name: string, fn: (span: Span) => T | Promise<T>): Promise<T>;
  /** Logs attributes on the current span, or on the action itself outside any span. */
  logAttributes(attributes: Record<string, unknown>): void;
}

interface OpenSpan {
  tracer: StepTracer;
  info: SpanInfo;
  path: number[];
  childCount: number;
}

const current = new AsyncLocalStorage<OpenSpan>();

class ActiveSpan implements Span {
  constructor(private readonly open: OpenSpan) {}
  get name(): string {
    return this.open.info.name;
  }
  get uid(): string {
    return this.open.info.uid;
  }
  logAttributes(attributes: Record<string, unknown>): void {
    this.open.tracer.emitAttributes(attributes, this.open.info);
  }
  span<T>(name: string, fn: (span: Span) => T | Promise<T>): Promise<T> {
    return this.open.tracer.openSpan(name, this.open, fn);
  }
}

export class StepTracer implements Tracer {
  private topLevelCount = 0;
  private attributeIndex = 0;
  private pending: Promise<void>[] | null = null;

  constructor(
    private readonly hooks: HookRunner,
    private readonly appId: string,
    private readonly partitionKey: string | null,
    readonly sequenceId: number,
    readonly action: string,
  ) {}

  span<T>(name: string, fn: (span: Span) => T | Promise<T>): Promise<T> {
    const parent = current.getStore();
    return this.openSpan(name, parent && parent.tracer === this ? parent : null, fn);
  }

  logAttributes(attributes: Record<string, unknown>): void {
    const open = current.getStore();
    this.emitAttributes(attributes, open && open.tracer === this ? open.info : null);
  }

  async openSpan<T>(name: string, parent: OpenSpan | null, fn: (span: Span) => T | Promise<T>): Promise<T> {
    const index = parent ? parent.childCount++ : this.topLevelCount++;
    const path = parent ? [...parent.path, index] : [index];
    const info: SpanInfo = {
      name,
      uid: `${this.sequenceId}:${path.join(".")}`,
      parentUid: parent ? parent.info.uid : null,
      depth: path.length - 1,
      sequenceId: this.sequenceId,
      action: this.action,
    };
    const open: OpenSpan = { tracer: this, info, path, childCount: 0 };
    const ctx = { appId: this.appId, partitionKey: this.partitionKey, action: this.action, sequenceId: this.sequenceId };
    await this.hooks.call("preStartSpan", { appId: this.appId, partitionKey: this.partitionKey, span: info, startTime: new Date() }, ctx);
    try {
      return await current.run(open, () => fn(new ActiveSpan(open)));
    } finally {
      await this.hooks.call("postEndSpan", { appId: this.appId, partitionKey: this.partitionKey, span: info, endTime: new Date() }, ctx);
    }
  }

  /** Whether anything (a tracker) logs attributes: trace() records arguments and results only then. */
  get logsAttributes(): boolean {
    return this.hooks.has("doLogAttribute");
  }

  emitAttributes(attributes: Record<string, unknown>, span: SpanInfo | null): void {
    if (!this.hooks.has("doLogAttribute")) return;
    const ctx = { appId: this.appId, partitionKey: this.partitionKey, action: this.action, sequenceId: this.sequenceId };
    for (const key of Object.keys(attributes)) {
      const r = this.hooks.call(
        "doLogAttribute",
        {
          appId: this.appId,
          partitionKey: this.partitionKey,
          span,
          sequenceId: this.sequenceId,
          action: this.action,
          key,
          value: attributes[key],
          attributeIndex: this.attributeIndex++,
        },
        ctx,
      );
      if (r) {
        // Kept and awaited before the step completes, so a failing async hook surfaces from the step.
        r.catch(() => undefined);
        (this.pending ??= []).push(r);
      }
    }
  }

  /** Waits for attribute hooks that were async; undefined when there were none. */
  flush(): Promise<void> | undefined {
    const pending = this.pending;
    if (!pending) return undefined;
    this.pending = null;
    return Promise.all(pending).then(() => undefined);
  }
}

// The step an action is running in, for trace(). Only entered once trace() has
// wrapped something, so apps that never trace pay nothing per step.
const currentStep = new AsyncLocalStorage<{ readonly tracer: Tracer }>();
let tracing = false;

/** @internal Runs `fn` (an action's body, or one pull of its stream) as part of the step `ctx`. */
export function runInStep<T>(ctx: { readonly tracer: Tracer }, fn: () => T): T {
  return tracing ? currentStep.run(ctx, fn) : fn();
}

export interface TraceOptions {
  /** The span's name; the function's own name by default. */
  name?: string;
  /**
   * What is kept of the arguments (default true): a digest (replay checks the
   * current code passes the same), plus the arguments themselves as the
   * attribute `args` when their JSON is short (up to 2,000 characters).
   * "full" always logs them whole (a log line per call holding, say, the whole
   * chat history); false keeps nothing, and replay then cannot check them.
   */
  captureInputs?: boolean | "full";
  /** Log what it resolves to as the attribute `return` (default true). */
  captureOutputs?: boolean;
}

/** @internal What replay puts in place of traced calls (process-wide, shared by every copy of burr-ts loaded). */
export interface TraceReplaySource {
  /** `spanUid`: the tracer.span() the call was made in, if any (that code is then not reported as live). */
  call(name: string, args: readonly unknown[], spanUid: string | null): Promise<unknown>;
}
const REPLAY_KEY = Symbol.for("burr-ts.traceReplay");
type ReplayHolder = { [REPLAY_KEY]?: TraceReplaySource | null };

/** @internal Installs (or with null removes) the replay source; traced calls inside a step then return recorded values. */
export function setTraceReplay(source: TraceReplaySource | null): void {
  (globalThis as ReplayHolder)[REPLAY_KEY] = source;
  if (source) tracing = true;
}

/**
 * Wraps a function so that each call made while an action runs is a span of
 * that step, with its arguments and result as attributes (Burr's `@trace`).
 * The result is recorded so replay can give it back: a stream (async
 * iterable) is passed through and its chunks recorded; a thrown error too.
 * Called outside an action it just runs. Wrap at module level: an action
 * already running when trace() is first called is not seen.
 */
export function trace<A extends unknown[], R>(fn: (...args: A) => R, options: TraceOptions = {}): (...args: A) => Promise<Awaited<R>> {
  tracing = true;
  const name = options.name ?? (fn.name || "anonymous");
  const captureInputs = options.captureInputs ?? true;
  const captureOutputs = options.captureOutputs ?? true;
  return async (...args: A): Promise<Awaited<R>> => {
    const step = currentStep.getStore();
    if (!step) return await fn(...args);
    const replay = (globalThis as ReplayHolder)[REPLAY_KEY];
    if (replay) {
      const open = current.getStore();
      return (await replay.call(name, args, open && open.tracer === step.tracer ? open.info.uid : null)) as Awaited<R>;
    }
    // Nothing logs attributes (no tracker): the call is a span only, and nothing is encoded for a record no one writes.
    const recording = !(step.tracer instanceof StepTracer) || step.tracer.logsAttributes;
    return step.tracer.span<Awaited<R>>(name, async (span): Promise<Awaited<R>> => {
      if (!recording) return await fn(...args);
      span.logAttributes(inputAttributes(name, args, captureInputs));
      let out: Awaited<R>;
      try {
        out = await fn(...args);
      } catch (err) {
        if (captureOutputs) span.logAttributes({ [REPLAY_ATTRIBUTE]: errorMarker(err) });
        throw err;
      }
      if (!captureOutputs) return out;
      if (isAsyncIterable(out)) return recordStream(out, span) as Awaited<R>;
      const encoded = encodeValue(out);
      const marker = valueMarker(out, encoded);
      span.logAttributes(marker ? { return: encoded.json, [REPLAY_ATTRIBUTE]: marker } : { return: encoded.json });
      return out;
    });
  };
}

function isAsyncIterable(v: unknown): v is AsyncIterable<unknown> {
  return v !== null && typeof v === "object" && typeof (v as { [Symbol.asyncIterator]?: unknown })[Symbol.asyncIterator] === "function";
}

/** Passes a stream through, recording each chunk; logged once it ends, fails or is abandoned. */
async function* recordStream(source: AsyncIterable<unknown>, span: Span): AsyncGenerator<unknown, void, undefined> {
  const chunks: unknown[] = [];
  let error: { name: string; message: string } | undefined;
  try {
    for await (const chunk of source) {
      chunks.push(encodeValue(chunk).json);
      yield chunk;
    }
  } catch (err) {
    error = errorFields(err);
    throw err;
  } finally {
    span.logAttributes({ [REPLAY_ATTRIBUTE]: error ? { kind: "stream", chunks, error } : { kind: "stream", chunks } });
  }
}

/** The call's attributes before it runs: its name, and what captureInputs keeps of its arguments. */
function inputAttributes(name: string, args: readonly unknown[], capture: boolean | "full"): Record<string, unknown> {
  if (capture === false) return { __burr_function: name };
  if (capture === "full" || isSmall(args)) return { __burr_function: name, [ARGS_DIGEST_ATTRIBUTE]: argsDigest(args), args: args.map(attributeValue) };
  return { __burr_function: name, [ARGS_DIGEST_ATTRIBUTE]: argsDigest(args) };
}

/** What a log line can hold: the value if it is plain JSON, otherwise a description of it. */
function attributeValue(value: unknown): unknown {
  return encodeValue(value).json;
}

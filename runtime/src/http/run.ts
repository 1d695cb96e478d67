// One turn of an app as a sequence of events: `chunk` for every partial a
// streaming action yields, `step` per committed step, then `done`. The JSON
// route keeps only `done`; the SSE routes encode every event as it happens.
import { StreamingActionBase } from "../actions/streaming.js";
import type { Application, RunResult } from "../application/application.js";
import type { StreamingResultContainer } from "../application/streaming.js";
import { stateToPlain } from "../persistence/codec.js";
import { encodeAny } from "../state/serde/codec.js";
import { SERDE_KEY } from "../state/serde/registry.js";
import type { StateValues } from "../state/types.js";
import { HttpError } from "./errors.js";
import type { JsonObject } from "./request.js";

export interface TurnOptions {
  inputs?: JsonObject;
  haltBefore?: readonly string[];
  haltAfter?: readonly string[];
  /** A turn that takes more steps than this without halting is stopped (a loop with no halt). */
  maxSteps: number;
}

export interface StepEvent {
  action: string;
  sequenceId: number;
  result: Record<string, unknown> | null;
}
export interface ChunkEvent {
  action: string;
  sequenceId: number;
  item: Record<string, unknown>;
}
export interface DoneEvent {
  action: string | null;
  result: Record<string, unknown> | null;
  state: Record<string, unknown>;
  sequenceId: number | null;
  nextAction: string | null;
}

export type TurnEvent = { event: "step"; data: StepEvent } | { event: "chunk"; data: ChunkEvent } | { event: "done"; data: DoneEvent };

/** 400 naming the key when the caller passes an input no action of the app declares. */
export function checkDeclaredInputs(app: Application, inputs: JsonObject | undefined): void {
  if (!inputs) return;
  const declared = new Set<string>();
  for (const action of app.actions.values()) {
    for (const name of action.inputs) declared.add(name);
    for (const name of action.optionalInputs) declared.add(name);
  }
  for (const key of Object.keys(inputs)) {
    if (!declared.has(key)) {
      const known = [...declared].map((n) => `"${n}"`).join(", ") || "none";
      throw new HttpError(400, "UndeclaredInputError", `App "${app.uid}" has no action that takes input "${key}" (its inputs: ${known}); remove it or fix its name`);
    }
  }
}

// Everything an event carries leaves in the persisters' stored form, so a Date keeps its type and a BigInt doesn't break JSON.
// A flat record of JSON scalars (a chunk's `{ delta }`, most results) is its own stored form: sent as is, no encoder.
function wire<T extends Record<string, unknown> | null>(value: T, what: string): T {
  return (value === null || isFlatJson(value) ? value : encodeAny(value, what)) as T;
}

/** A plain object whose fields are strings, booleans, finite numbers, null or undefined (which JSON omits, as the encoder does). */
function isFlatJson(value: unknown): boolean {
  if (typeof value !== "object" || value === null || Object.getPrototypeOf(value) !== Object.prototype || Object.hasOwn(value, SERDE_KEY)) return false;
  for (const name in value) {
    if (!Object.hasOwn(value, name)) return false;
    const field = (value as Record<string, unknown>)[name];
    const type = typeof field;
    if (type === "string" || type === "boolean" || field === null || field === undefined) continue;
    if (type === "number" && Number.isFinite(field)) continue;
    return false;
  }
  return true;
}

export function doneOf<S extends StateValues>(app: Application<S>, action: string | null, result: Record<string, unknown> | null): DoneEvent {
  return { action, result: wire(result, `${action ?? "?"} result`), state: stateToPlain(app.state), sequenceId: app.sequenceId, nextAction: app.nextAction() };
}

function tooManySteps(app: Application, maxSteps: number): HttpError {
  return new HttpError(
    500,
    "MaxStepsExceeded",
    `App "${app.uid}" ran ${maxSteps} steps without reaching a halt; give haltAfter/haltBefore (or the handler's defaults) so a turn ends`,
  );
}

/** Runs to a halt without per-item events (the JSON route). */
export async function runTurn<S extends StateValues>(app: Application<S>, opts: TurnOptions): Promise<DoneEvent> {
  const it = app.iterate({ inputs: opts.inputs, haltBefore: opts.haltBefore, haltAfter: opts.haltAfter });
  let steps = 0;
  for (;;) {
    const n = await it.next();
    if (n.done) return doneOf(app, n.value.action, n.value.result);
    if (++steps > opts.maxSteps) {
      await it.return(undefined as never);
      throw tooManySteps(app, opts.maxSteps);
    }
  }
}

/** A turn's events, pulled one at a time; `return()` stops the turn (see TurnEvents). */
export interface TurnEventSource {
  next(): Promise<IteratorResult<TurnEvent, void>>;
  return(): Promise<void>;
}

/**
 * Runs to a halt yielding every event. Stopping early (return(): a client
 * that went away) leaves the step in progress uncommitted: the app stays at
 * its last committed step.
 */
export function turnEvents<S extends StateValues>(app: Application<S>, opts: TurnOptions): TurnEventSource {
  return new TurnEvents(app, opts);
}

const FINISHED: IteratorResult<TurnEvent, void> = { done: true, value: undefined };

/**
 * Hand-written rather than an async generator: each event then costs one
 * promise here instead of a generator's several, which every chunk of a
 * streamed answer pays (and, with async hooks on for trace(), each promise
 * costs more again). Calls are serialised: return() waits for a next() in
 * flight, as an async generator's would.
 */
class TurnEvents<S extends StateValues> implements TurnEventSource {
  private readonly it: AsyncGenerator<{ action: string; container: StreamingResultContainer<S> }, RunResult<S>, undefined>;
  private steps = 0;
  /** The step whose stream is being read: its items (while a streaming action yields), then its final result. */
  private step: { action: string; sequenceId: number; container: StreamingResultContainer<S>; items: AsyncIterator<Record<string, unknown>> | null } | null = null;
  /** Set once the turn ended (done sent, failed or stopped): the app's iteration is closed or was never left open. */
  private closed = false;
  private inFlight: Promise<unknown> | null = null;

  constructor(
    private readonly app: Application<S>,
    private readonly opts: TurnOptions,
  ) {
    this.it = app.streamIterate({ inputs: opts.inputs, haltBefore: opts.haltBefore, haltAfter: opts.haltAfter });
  }

  next(): Promise<IteratorResult<TurnEvent, void>> {
    if (this.closed) return Promise.resolve(FINISHED);
    const p = this.advance();
    this.inFlight = p;
    return p;
  }

  async return(): Promise<void> {
    if (this.inFlight) await this.inFlight.catch(() => undefined);
    await this.close();
  }

  private async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.it.return(undefined as never).catch(() => undefined);
  }

  private async advance(): Promise<IteratorResult<TurnEvent, void>> {
    const app = this.app;
    try {
      for (;;) {
        const step = this.step;
        if (step?.items) {
          const n = await step.items.next();
          if (!n.done) return { done: false, value: { event: "chunk", data: { action: step.action, sequenceId: step.sequenceId, item: wire(n.value, `${step.action} item`) } } };
          step.items = null;
        }
        if (step) {
          const final = await step.container.get();
          this.step = null;
          return { done: false, value: { event: "step", data: { action: step.action, sequenceId: step.sequenceId, result: wire(final.result, `${step.action} result`) } } };
        }
        const n = await this.it.next();
        if (n.done) {
          // The app's iteration has returned: nothing is left to close.
          this.closed = true;
          return { done: false, value: { event: "done", data: doneOf(app, n.value.action, n.value.result) } };
        }
        if (++this.steps > this.opts.maxSteps) throw tooManySteps(app, this.opts.maxSteps);
        const { action, container } = n.value;
        const streams = app.actions.get(action) instanceof StreamingActionBase;
        this.step = { action, sequenceId: app.nextSequenceId, container, items: streams ? container[Symbol.asyncIterator]() : null };
      }
    } catch (error) {
      await this.close();
      throw error;
    }
  }
}

// One turn of an app as a sequence of events: `chunk` for every partial a
// streaming action yields, `step` per committed step, then `done`. The JSON
// route keeps only `done`; the SSE routes encode every event as it happens.
import { StreamingActionBase } from "../actions/streaming.js";
import type { Application } from "../application/application.js";
import { stateToPlain } from "../persistence/codec.js";
import { encodeAny } from "../state/serde/codec.js";
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
function wire<T extends Record<string, unknown> | null>(value: T, what: string): T {
  return (value === null ? null : encodeAny(value, what)) as T;
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

/**
 * Runs to a halt yielding every event. Stopping the iteration early (a client
 * that went away) leaves the step in progress uncommitted: the app stays at
 * its last committed step.
 */
export async function* turnEvents<S extends StateValues>(app: Application<S>, opts: TurnOptions): AsyncGenerator<TurnEvent, void, undefined> {
  const it = app.streamIterate({ inputs: opts.inputs, haltBefore: opts.haltBefore, haltAfter: opts.haltAfter });
  let steps = 0;
  let finished = false;
  try {
    for (;;) {
      const n = await it.next();
      if (n.done) {
        finished = true;
        yield { event: "done", data: doneOf(app, n.value.action, n.value.result) };
        return;
      }
      if (++steps > opts.maxSteps) throw tooManySteps(app, opts.maxSteps);
      const { action, container } = n.value;
      const sequenceId = app.nextSequenceId;
      if (app.actions.get(action) instanceof StreamingActionBase) {
        for await (const item of container) yield { event: "chunk", data: { action, sequenceId, item: wire(item, `${action} item`) } };
      }
      const final = await container.get();
      yield { event: "step", data: { action, sequenceId, result: wire(final.result, `${action} result`) } };
    }
  } finally {
    if (!finished) await it.return(undefined as never).catch(() => undefined);
  }
}

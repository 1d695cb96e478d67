// The container streamResult hands back: `for await` yields the action's
// partial results as they come; `await get()` finishes the stream and gives
// the final result and state. The step is committed (state, hooks, persister)
// when the stream is exhausted, as in Burr. Breaking out of a `for await`
// does not abandon the step: get() still drains it. Under the debugger, a
// failed stream that the user retries keeps going in the same container: the
// failed attempt's items were already yielded, the retry's items follow.
import type { ActionResult, Inputs } from "../actions/action.js";
import { StreamingActionBase, type PartialResult } from "../actions/streaming.js";
import type { State } from "../state/state.js";
import type { StateValues } from "../state/types.js";
import type { GateTarget, StepGate } from "../debug/gate.js";
import type { StepEngine } from "./engine.js";
import { readCheckedView, type CompiledAction } from "./checks.js";
import { runInStep } from "./tracer.js";

/**
 * What a stream needs of its application: the step engine plus the debugger's
 * view. Application is one; naming it here instead keeps this module from
 * importing the module that imports it.
 */
export type StreamHost<S extends StateValues> = StepEngine<S> & Omit<GateTarget, "state"> & {
  readonly debugGate: StepGate | null;
  nextForGate(): { to: string; transitionIndex: number } | null;
};

export interface StreamFinal<S extends StateValues = StateValues> {
  /** null when the stream was for a haltBefore action, which did not run. */
  result: ActionResult | null;
  state: State<S>;
}

export class StreamingResultContainer<S extends StateValues = StateValues> implements AsyncIterable<PartialResult> {
  private finished = false;
  private final: StreamFinal<S> | undefined;
  private failure: { error: unknown } | undefined;

  /** @internal */
  constructor(private readonly driver: AsyncGenerator<PartialResult, StreamFinal<S>, undefined>) {}

  private async next(): Promise<IteratorResult<PartialResult, undefined>> {
    if (this.failure) throw this.failure.error;
    if (this.finished) return { done: true, value: undefined };
    let r: IteratorResult<PartialResult, StreamFinal<S>>;
    try {
      r = await this.driver.next();
    } catch (e) {
      this.failure = { error: e };
      this.finished = true;
      throw e;
    }
    if (r.done) {
      this.finished = true;
      this.final = r.value;
      return { done: true, value: undefined };
    }
    return r;
  }

  [Symbol.asyncIterator](): AsyncIterator<PartialResult> {
    // No return(): leaving a for-await early must not cancel the step.
    return { next: () => this.next() };
  }

  /** Drains what is left of the stream; resolves to the final result and state. */
  async get(): Promise<StreamFinal<S>> {
    while (!(await this.next()).done) {
      /* draining */
    }
    return this.final!;
  }
}

/** @internal The action streamResult streams (or halts before), with its inputs. */
export interface StreamTarget {
  name: string;
  compiled: CompiledAction;
  inputs: Inputs;
  haltedBefore: boolean;
}

/**
 * @internal Starts streaming `target` as the app's next step. `retarget` is
 * only called under the debugger, when a failed stream is retried: it steps
 * (after a rewind) back up to the action to stream.
 */
export function startStream<S extends StateValues>(
  app: StreamHost<S>,
  target: StreamTarget,
  retarget: () => Promise<StreamTarget>,
  onDone: (failure: Error | null) => void | Promise<void>,
): StreamingResultContainer<S> {
  return new StreamingResultContainer<S>(drive(app, target, retarget, onDone));
}

interface OpenStream {
  sequenceId: number;
  action: string;
}

async function* drive<S extends StateValues>(
  app: StreamHost<S>,
  first: StreamTarget,
  retarget: () => Promise<StreamTarget>,
  onDone: (failure: Error | null) => void | Promise<void>,
): AsyncGenerator<PartialResult, StreamFinal<S>, undefined> {
  const gate = app.debugGate;
  let target = first;
  let failure: Error | null = null;
  // Set once preStartStream has been heard: postEndStream is owed for that attempt.
  const open: { stream: OpenStream | null } = { stream: null };
  try {
    for (;;) {
      if (target.haltedBefore) return { result: null, state: app.state };
      // The gate was asked before this attempt (in advanceToStream); its edits are in app.state.
      const seq = app.nextSequenceId;
      const before = app.state;
      let r: StreamFinal<S>;
      try {
        r = yield* attempt(app, target, seq, before, open);
      } catch (e) {
        if (gate === null) throw e;
        const verdict = await gate.afterStep(app, {
          sequenceId: seq,
          action: target.name,
          inputs: target.inputs,
          state: before,
          result: null,
          next: null,
          exception: e as Error,
          stateAfter: app.state,
        });
        if (verdict !== "retry") throw e;
        // Retried from the debugger: the failed attempt (recorded by failStep as
        // a failed step) ends its stream; its items already reached the consumer,
        // and the retry's items follow in this same container.
        const ended = open.stream;
        open.stream = null;
        if (ended) await endStream(app, ended);
        target = await retarget();
        continue;
      }
      if (gate) {
        const next = app.nextForGate();
        await gate.afterStep(app, {
          sequenceId: seq,
          action: target.name,
          inputs: target.inputs,
          state: before,
          result: r.result,
          changes: app.changesOf(before, r.state),
          next,
          exception: null,
          stateAfter: r.state,
        });
      }
      return r;
    }
  } catch (e) {
    failure = e as Error;
    throw e;
  } finally {
    await onDone(failure);
    if (open.stream) await endStream(app, open.stream);
  }
}

/** One run of the action: hooks, items as they come, then commit; a failure keeps `before` and throws (unless onError captures it). */
async function* attempt<S extends StateValues>(
  app: StreamHost<S>,
  target: StreamTarget,
  seq: number,
  before: State<S>,
  open: { stream: OpenStream | null },
): AsyncGenerator<PartialResult, StreamFinal<S>, undefined> {
  const { compiled, inputs } = target;
  const ids = { appId: app.uid, partitionKey: app.partitionKey };
  const errCtx = { ...ids, action: compiled.name, sequenceId: seq };
  await app.hooks.call("preRunStep", { ...ids, sequenceId: seq, action: compiled.name, state: before, inputs }, errCtx);
  const ctx = app.beginStep(compiled, seq);
  // A plain action handed over as a stream passes its result through; only real streams get stream hooks (as Burr).
  const streamer = compiled.action instanceof StreamingActionBase ? compiled.action : null;
  if (streamer) {
    await app.hooks.call("preStartStream", { ...ids, sequenceId: seq, action: compiled.name }, errCtx);
    open.stream = { sequenceId: seq, action: compiled.name };
  }
  const view = readCheckedView(before, compiled, ctx);
  let outcome;
  try {
    if (streamer) {
      const it = streamer.stream(view, inputs, ctx);
      const streamInitializeTime = new Date();
      let firstItemTime: Date | null = null;
      let itemIndex = 0;
      for (;;) {
        const n = await runInStep(ctx, () => it.next());
        if (n.done) {
          outcome = n.value;
          break;
        }
        firstItemTime ??= new Date();
        await app.hooks.call(
          "postStreamItem",
          { ...ids, sequenceId: seq, action: compiled.name, item: n.value, itemIndex: itemIndex++, streamInitializeTime, firstItemTime },
          errCtx,
        );
        yield n.value;
      }
    } else {
      outcome = await runInStep(ctx, () => compiled.action.execute(view, inputs, ctx));
    }
  } catch (e) {
    // Items already yielded stay delivered; a captured error still completes the step.
    const r = await app.failOrCapture(compiled, seq, inputs, before, e, ctx);
    return { result: r.result, state: r.state };
  }
  const r = await app.completeStep(compiled, seq, inputs, before, view, outcome, ctx);
  return { result: r.result, state: r.state };
}

function endStream<S extends StateValues>(app: StreamHost<S>, stream: OpenStream): void | Promise<void> {
  return app.hooks.call(
    "postEndStream",
    { appId: app.uid, partitionKey: app.partitionKey, sequenceId: stream.sequenceId, action: stream.action },
    { appId: app.uid, partitionKey: app.partitionKey, action: stream.action, sequenceId: stream.sequenceId },
  );
}

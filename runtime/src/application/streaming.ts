// The container streamResult hands back: `for await` yields the action's
// partial results as they come; `await get()` finishes the stream and gives
// the final result and state. The step is committed (state, hooks, persister)
// when the stream is exhausted, as in Burr. Breaking out of a `for await`
// does not abandon the step: get() still drains it.
import type { ActionResult, Inputs } from "../actions/action.js";
import { StreamingActionBase, type PartialResult } from "../actions/streaming.js";
import type { State } from "../state/state.js";
import type { StateValues } from "../state/types.js";
import type { Application } from "./application.js";
import { readCheckedView, type CompiledAction } from "./checks.js";

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

/** @internal Starts streaming `compiled` as the app's next step. */
export function startStream<S extends StateValues>(
  app: Application<S>,
  compiled: CompiledAction,
  inputs: Inputs,
  haltedBefore: boolean,
  onDone: (failure: Error | null) => void | Promise<void>,
): StreamingResultContainer<S> {
  return new StreamingResultContainer<S>(drive(app, compiled, inputs, haltedBefore, onDone));
}

async function* drive<S extends StateValues>(
  app: Application<S>,
  compiled: CompiledAction,
  inputs: Inputs,
  haltedBefore: boolean,
  onDone: (failure: Error | null) => void | Promise<void>,
): AsyncGenerator<PartialResult, StreamFinal<S>, undefined> {
  if (haltedBefore) {
    await onDone(null);
    return { result: null, state: app.state };
  }
  const seq = app.nextSequenceId;
  const ids = { appId: app.uid, partitionKey: app.partitionKey };
  const errCtx = { ...ids, action: compiled.name, sequenceId: seq };
  const gate = app.debugGate;
  let failure: Error | null = null;
  let started = false;
  try {
    // The gate was asked in streamResult, before this container existed; its edits are in app.state.
    const before = app.state;
    await app.hooks.call("preRunStep", { ...ids, sequenceId: seq, action: compiled.name, state: before, inputs }, errCtx);
    const ctx = app.beginStep(compiled, seq);
    await app.hooks.call("preStartStream", { ...ids, sequenceId: seq, action: compiled.name }, errCtx);
    started = true;
    const view = readCheckedView(before, compiled, ctx);
    let outcome;
    try {
      if (compiled.action instanceof StreamingActionBase) {
        const it = compiled.action.stream(view, inputs, ctx);
        const streamInitializeTime = new Date();
        let firstItemTime: Date | null = null;
        let itemIndex = 0;
        for (;;) {
          const n = await it.next();
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
        outcome = await compiled.action.execute(view, inputs, ctx);
      }
    } catch (e) {
      return await app.failStep(compiled, seq, inputs, before, e);
    }
    const r = await app.completeStep(compiled, seq, inputs, before, view, outcome, ctx);
    if (gate) {
      const to = app.nextAction();
      await gate.afterStep(app, {
        sequenceId: seq,
        action: compiled.name,
        inputs,
        state: before,
        result: r.result,
        changes: app.changesOf(before, r.state),
        next: to === null ? null : { to, transitionIndex: app.nextTransition },
        exception: null,
        stateAfter: r.state,
      });
    }
    return { result: r.result, state: r.state };
  } catch (e) {
    failure = e as Error;
    throw e;
  } finally {
    await onDone(failure);
    if (started) await app.hooks.call("postEndStream", { ...ids, sequenceId: seq, action: compiled.name }, errCtx);
  }
}

// Streaming actions: a generator yields partial results as they come (e.g. LLM
// tokens) and returns [result, state] at the end. step/run consume the whole
// stream; streamResult hands the partials to the caller as they arrive.
import { State } from "../state/state.js";
import { InvalidActionResultError } from "../errors.js";
import {
  ActionBase,
  normalizeSpec,
  describe,
  normalizeReturn,
  type ActionContext,
  type ActionOutcome,
  type ActionResult,
  type ActionSpec,
  type FunctionActionReturn,
  type Inputs,
} from "./action.js";

export type PartialResult = Record<string, unknown>;

export type StreamingActionFn<I extends Inputs = Inputs> = (
  state: State,
  inputs: I,
  ctx: ActionContext,
) =>
  | AsyncGenerator<PartialResult, FunctionActionReturn, undefined>
  | Generator<PartialResult, FunctionActionReturn, undefined>;

/** A running stream: partial results, then the outcome (the generator's return). */
export type ActionStream = AsyncGenerator<PartialResult, ActionOutcome, undefined>;

export abstract class StreamingActionBase extends ActionBase {
  override get streaming(): boolean {
    return true;
  }
  /** @internal */
  abstract stream(state: State, inputs: Inputs, ctx: ActionContext): ActionStream;

  async execute(state: State, inputs: Inputs, ctx: ActionContext): Promise<ActionOutcome> {
    const it = this.stream(state, inputs, ctx);
    for (;;) {
      const next = await it.next();
      if (next.done) return next.value;
    }
  }
}

export class FunctionStreamingAction<I extends Inputs = Inputs> extends StreamingActionBase {
  readonly reads: readonly string[];
  readonly writes: readonly string[];

  constructor(
    spec: ActionSpec,
    readonly fn: StreamingActionFn<I>,
  ) {
    super();
    ({ reads: this.reads, writes: this.writes, inputs: this.inputs, optionalInputs: this.optionalInputs, tags: this.tags, onError: this.onError } =
      normalizeSpec(spec));
  }

  override bind(values: Partial<I>): this {
    return super.bind(values as Inputs);
  }

  async *stream(state: State, inputs: Inputs, ctx: ActionContext): ActionStream {
    const gen = this.fn(state, inputs as I, ctx);
    if (!gen || typeof (gen as { next?: unknown }).next !== "function") {
      throw new InvalidActionResultError(
        `A streaming action must be a generator function (async function* (state, inputs) { yield …; return [result, state]; }), but it returned ${describe(gen)}`,
      );
    }
    const final: FunctionActionReturn = yield* gen;
    if (final === undefined) {
      throw new InvalidActionResultError(
        "A streaming action ended without returning [result, state]; end it with `return [result, state]`",
      );
    }
    return normalizeReturn(final);
  }
}

/**
 * Burr's class-based streaming action: `streamRun` yields partial results and
 * the last one it yields is the final result, which `update` folds into state.
 */
export abstract class StreamingAction extends StreamingActionBase {
  abstract streamRun(
    state: State,
    inputs: Inputs,
    ctx: ActionContext,
  ): AsyncIterable<PartialResult> | Iterable<PartialResult>;
  abstract update(result: ActionResult, state: State): State;

  async *stream(state: State, inputs: Inputs, ctx: ActionContext): ActionStream {
    let last: PartialResult | undefined;
    for await (const item of this.streamRun(state, inputs, ctx)) {
      if (last !== undefined) yield last;
      last = item;
    }
    if (last === undefined) {
      throw new InvalidActionResultError("streamRun() yielded nothing; it must yield at least the final result");
    }
    const next = this.update(last, state);
    if (!(next instanceof State)) throw new InvalidActionResultError(`update() must return a State, got ${describe(next)}`);
    return { result: last, state: next };
  }
}

// Streaming actions: a generator yields partial results as they come (e.g. LLM
// tokens) and returns [result, state] at the end. step/run consume the whole
// stream; streamResult hands the partials to the caller as they arrive.
import { State } from "../state/state.js";
import type { StateKey, StateValues } from "../state/types.js";
import { InvalidActionResultError } from "../errors.js";
import type { ErrorCapture } from "./capture.js";
import {
  ActionBase,
  adoptSpec,
  normalizeSpec,
  describe,
  normalizeReturn,
  type ActionContext,
  type ActionOutcome,
  type ActionResult,
  type ActionSpec,
  type ClassState,
  type FunctionActionReturn,
  type KeyedSpec,
  type Untyped,
  type Inputs,
  type NormalizedSpec,
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
  declare readonly reads: readonly string[];
  declare readonly writes: readonly string[];

  constructor(
    spec: ActionSpec,
    readonly fn: StreamingActionFn<I>,
  ) {
    super();
    adoptSpec(this, normalizeSpec(spec));
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
 * Typed: `extends StreamingAction.withState<S>()({ reads, writes })`.
 */
export abstract class StreamingAction<
  S extends StateValues = StateValues,
  R extends StateKey<S> = StateKey<S>,
  W extends StateKey<S> = StateKey<S>,
> extends StreamingActionBase {
  /** Type only (never set): what StateOf<this> reads. */
  declare readonly "~state": ClassState<S, R, W>;
  /** Typed classes accept only a key among their writes. */
  declare onError: ErrorCapture<W> | null;

  abstract streamRun(
    state: ClassState<S, R, W>,
    inputs: Inputs,
    ctx: ActionContext,
  ): AsyncIterable<PartialResult> | Iterable<PartialResult>;
  abstract update(result: ActionResult, state: ClassState<S, R, W>): ClassState<S, R, W> | State;

  /** The base class of streaming actions over the state type S, from a spec (as Action.withState). */
  static withState<S extends StateValues>(): StreamingClassFactory<S> {
    // One implementation; the types differ only in what they check.
    return typedStreamingClass as unknown as StreamingClassFactory<S>;
  }

  /** Keys checked, values untyped: `extends StreamingAction.with({ reads, writes })`. */
  static with<const R extends string = never, const W extends string = never>(spec: KeyedSpec<R, W>): StreamingClass<Untyped<R | W>, R, W> {
    return typedStreamingClass(spec) as unknown as StreamingClass<Untyped<R | W>, R, W>;
  }

  async *stream(state: State, inputs: Inputs, ctx: ActionContext): ActionStream {
    // The view is the same State object; the runtime checks reads/writes.
    const view = state as unknown as ClassState<S, R, W>;
    let last: PartialResult | undefined;
    for await (const item of this.streamRun(view, inputs, ctx)) {
      if (last !== undefined) yield last;
      last = item;
    }
    if (last === undefined) {
      throw new InvalidActionResultError("streamRun() yielded nothing; it must yield at least the final result");
    }
    const next: unknown = this.update(last, view);
    if (!(next instanceof State)) throw new InvalidActionResultError(`update() must return a State, got ${describe(next)}`);
    return { result: last, state: next };
  }
}

/** What `StreamingAction.withState<S>()(spec)` and `StreamingAction.with(spec)` return. */
export abstract class TypedStreamingAction<S extends StateValues, R extends StateKey<S>, W extends StateKey<S>> extends StreamingAction<S, R, W> {
  declare readonly reads: readonly R[];
  declare readonly writes: readonly W[];

  constructor(spec: NormalizedSpec) {
    super();
    adoptSpec(this, spec);
  }
}

export type StreamingClass<S extends StateValues, R extends StateKey<S>, W extends StateKey<S>> = abstract new () => TypedStreamingAction<S, R, W>;

export interface StreamingClassFactory<S extends StateValues> {
  <const R extends StateKey<S> = never, const W extends StateKey<S> = never>(spec: KeyedSpec<R, W>): StreamingClass<S, R, W>;
}

function typedStreamingClass(spec: ActionSpec): StreamingClass<StateValues, string, string> {
  const checked = normalizeSpec(spec);
  abstract class Declared extends TypedStreamingAction<StateValues, string, string> {
    constructor() {
      super(checked);
    }
  }
  return Declared;
}

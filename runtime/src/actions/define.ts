// The typed front of the function API. `action(spec, fn)` infers the declared
// keys from `spec`, so inside `fn` reading a key not in `reads`, or writing one
// not in `writes`, is a compile error. `action.withState<S>()` also types the
// values from the app's state type S.
import type { ActionState } from "../state/typed.js";
import type { State } from "../state/state.js";
import type { StateKey, StateValues } from "../state/types.js";
import {
  FunctionAction,
  type ActionContext,
  type ActionFn,
  type ActionResult,
  type ActionSpec,
  type Inputs,
  type KeyedSpec,
  type Untyped,
} from "./action.js";
import type { ErrorCapture } from "./capture.js";
import { methodDecorator } from "./decorate.js";
import { ConfigurationError } from "../errors.js";
import { FunctionStreamingAction, type PartialResult, type StreamingActionFn } from "./streaming.js";

type MaybePromise<T> = T | Promise<T>;

// Declared beside ActionSpec (action.ts), which the classes there need; re-exported for this API's users.
export type { KeyedSpec, Untyped };

/**
 * The inputs parameter when the function does not annotate it: exactly the
 * declared names (optional ones may be undefined), so destructuring an
 * undeclared input is a compile error instead of a silent `undefined`.
 */
// Input values are `any`, as in Burr; their names are what is checked.
export type DeclaredInputs<N extends string, O extends string> = { [K in N]: any } & { [K in O]?: any };

/**
 * When the function annotates its inputs (`(s, i: { prompt: string })`), every
 * name it annotates must be declared: an undeclared one becomes a required,
 * self-explaining property of the spec, so the call does not compile.
 */
export type InputsDeclared<I, N extends string, O extends string> = string extends keyof I
  ? unknown
  : [Exclude<keyof I & string, N | O>] extends [never]
    ? unknown
    : { [K in Exclude<keyof I & string, N | O> as `input "${K}" is used by the function but not declared: add it to inputs`]: K };

/** What an action function may return: the view it was given (or derived), or any State. */
export type ActionReturn<V> = readonly [ActionResult, V | State] | V | State;


export type TypedActionFn<S extends StateValues, R extends StateKey<S>, W extends StateKey<S>, I extends Inputs> = (
  state: ActionState<S, R, W>,
  inputs: I,
  ctx: ActionContext,
) => MaybePromise<ActionReturn<ActionState<S, R, W>>>;

export type TypedStreamingFn<S extends StateValues, R extends StateKey<S>, W extends StateKey<S>, I extends Inputs> = (
  state: ActionState<S, R, W>,
  inputs: I,
  ctx: ActionContext,
) =>
  | AsyncGenerator<PartialResult, ActionReturn<ActionState<S, R, W>>, undefined>
  | Generator<PartialResult, ActionReturn<ActionState<S, R, W>>, undefined>;

/**
 * The first parameter of a decorated method, checked against its spec: `State`
 * (untyped; the runtime checks keys) or a view whose keys the spec declares.
 * TypeScript does not infer a method's parameter types from its decorator, so
 * the method names the view itself: `state: ActionState<Chat, "prompt", "safe">`.
 */
export type DecoratedState<F, V> = F extends (state: infer P, ...rest: infer _) => unknown
  ? [P] extends [State] ? F // a plain State: untyped, as in Burr
    : Same<ViewKeys<P>, ViewKeys<V>> extends true ? ([P] extends [V] ? F : MismatchedState<V>) : MismatchedState<V>
  : F;

// Methods of a view compare bivariantly, so its keys are compared on their own.
type ViewKeys<P> = P extends { has(key: infer R): boolean; wipe(which: { delete: readonly (infer W)[] }): unknown } ? [R, W] : never;
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

/** What TypeScript reports when a decorated method's state parameter does not match its spec. */
export interface MismatchedState<V> {
  "the method's state parameter must be the spec's view (or State)": V;
}

/** What `action(spec)` returns: a TC39 method decorator (no `experimentalDecorators`). */
// The parameters are checked by DecoratedState; `any` only mirrors ClassMethodDecoratorContext's own constraint.
export type ActionDecorator<V> = <This, F extends (this: This, ...args: any) => MaybePromise<ActionReturn<V>>>(
  value: F & DecoratedState<F, V>,
  context: ClassMethodDecoratorContext<This, F>,
) => void;

/** What `streamingAction(spec)` returns: a decorator for generator methods. */
export type StreamingDecorator<V> = <
  This,
  // `any` as above: the decorator context's own constraint.
  F extends (this: This, ...args: any) => AsyncGenerator<PartialResult, ActionReturn<V>, undefined> | Generator<PartialResult, ActionReturn<V>, undefined>,
>(
  value: F & DecoratedState<F, V>,
  context: ClassMethodDecoratorContext<This, F>,
) => void;

/** Defines actions over a state type S: keys and values are checked. */
export interface TypedActionFactory<S extends StateValues> {
  /** As a decorator: `@chatAction({ reads, writes }) method(state: ActionState<Chat, R, W>) { … }`. */
  <const R extends StateKey<S> = never, const W extends StateKey<S> = never>(spec: KeyedSpec<R, W>): ActionDecorator<ActionState<S, R, W>>;
  <
    const R extends StateKey<S> = never,
    const W extends StateKey<S> = never,
    const N extends string = never,
    const O extends string = never,
    I extends Inputs = DeclaredInputs<N, O>,
  >(
    spec: KeyedSpec<R, W, N, O> & InputsDeclared<I, N, O>,
    fn: TypedActionFn<S, R, W, I>,
  ): FunctionAction<I>;
}

export interface TypedStreamingFactory<S extends StateValues> {
  <const R extends StateKey<S> = never, const W extends StateKey<S> = never>(spec: KeyedSpec<R, W>): StreamingDecorator<ActionState<S, R, W>>;
  <
    const R extends StateKey<S> = never,
    const W extends StateKey<S> = never,
    const N extends string = never,
    const O extends string = never,
    I extends Inputs = DeclaredInputs<N, O>,
  >(
    spec: KeyedSpec<R, W, N, O> & InputsDeclared<I, N, O>,
    fn: TypedStreamingFn<S, R, W, I>,
  ): FunctionStreamingAction<I>;
}

export interface ActionFunction {
  /**
   * (Listed first so `Parameters<typeof action>` names the function form.)
   * With a spec alone, a method decorator: `@action({ reads, writes }) method(state: State) { … }`;
   * `actionsOf(instance)` turns the decorated methods into actions.
   */
  <const R extends string = never, const W extends string = never>(spec: KeyedSpec<R, W>): ActionDecorator<ActionState<Untyped<R | W>, R, W>>;
  /**
   * Defines an action from `(state, inputs, ctx) => [result, state] | state`
   * (sync or async). `spec` declares the keys it reads and writes and the
   * inputs it needs; only those keys are usable on `state`.
   */
  <const R extends string = never, const W extends string = never, const N extends string = never, const O extends string = never, I extends Inputs = DeclaredInputs<N, O>>(
    spec: KeyedSpec<R, W, N, O> & InputsDeclared<I, N, O>,
    fn: TypedActionFn<Untyped<R | W>, R, W, I>,
  ): FunctionAction<I>;
  /** A factory of actions over the state type S: `const a = action.withState<MyState>(); a({ reads: [...] }, fn)`. */
  withState<S extends StateValues>(): TypedActionFactory<S>;
}

export interface StreamingActionFunction {
  /** With a spec alone, a decorator for generator methods (see `action`). */
  <const R extends string = never, const W extends string = never>(spec: KeyedSpec<R, W>): StreamingDecorator<ActionState<Untyped<R | W>, R, W>>;
  /**
   * Defines a streaming action from a generator function: `yield` partial
   * results, `return [result, state]` at the end.
   */
  <const R extends string = never, const W extends string = never, const N extends string = never, const O extends string = never, I extends Inputs = DeclaredInputs<N, O>>(
    spec: KeyedSpec<R, W, N, O> & InputsDeclared<I, N, O>,
    fn: TypedStreamingFn<Untyped<R | W>, R, W, I>,
  ): FunctionStreamingAction<I>;
  withState<S extends StateValues>(): TypedStreamingFactory<S>;
}

// Overloaded by arity: a spec and a function make an action, a spec alone a decorator.
function defineAction(...args: [ActionSpec, unknown?]): unknown {
  if (args.length < 2) return methodDecorator("function", args[0]);
  refuseBareDecorator("action", args);
  return new FunctionAction<Inputs>(args[0], args[1] as ActionFn<Inputs>);
}

function defineStreaming(...args: [ActionSpec, unknown?]): unknown {
  if (args.length < 2) return methodDecorator("streaming", args[0]);
  refuseBareDecorator("streamingAction", args);
  return new FunctionStreamingAction<Inputs>(args[0], args[1] as StreamingActionFn<Inputs>);
}

/** `@action` written without its spec is called as (method, context): say what to write. */
function refuseBareDecorator(name: string, args: unknown[]): void {
  const context = args[1] as { kind?: unknown; name?: unknown } | null;
  if (typeof args[0] === "function" && typeof context === "object" && context !== null && typeof context.kind === "string") {
    throw new ConfigurationError(`@${name} on "${String(context.name)}" needs its spec: write @${name}({ reads: [...], writes: [...] })`, { key: String(context.name) });
  }
}

// One function at run time; the types differ only in what they check.
export const action = Object.assign(defineAction, { withState: () => defineAction }) as unknown as ActionFunction;

export const streamingAction = Object.assign(defineStreaming, { withState: () => defineStreaming }) as unknown as StreamingActionFunction;

// Actions: the function API (`action(spec, fn)`), the two-phase class API
// (`class X extends Action { run; update }`, typed with
// `extends Action.withState<S>()(spec)`) and what they share (declared
// reads/writes/inputs, `.bind`, the definition site).
import { isStandardSchema, type StandardSchemaV1 } from "../state/standardSchema.js";
import { State } from "../state/state.js";
import type { ActionState } from "../state/typed.js";
import type { StateKey, StateValues } from "../state/types.js";
import { ConfigurationError, InvalidActionResultError } from "../errors.js";
import type { Tracer } from "../application/tracer.js";
import { captureSite, type CallSite } from "./callSite.js";
import { checkCapture, type ErrorCapture } from "./capture.js";

export type Inputs = Record<string, unknown>;
export type ActionResult = Record<string, unknown>;

/** The third argument of every action function: who is running it, and its tracer. */
export interface ActionContext {
  readonly appId: string;
  readonly partitionKey: string | null;
  readonly sequenceId: number;
  /** The name the action has in this app. */
  readonly action: string;
  readonly tracer: Tracer;
}

/** A spec whose reads/writes (and inputs) are the literal key lists (inferred without `as const`). */
export interface KeyedSpec<R extends string, W extends string, N extends string = string, O extends string = string>
  extends Omit<ActionSpec, "reads" | "writes" | "onError" | "inputs" | "optionalInputs"> {
  reads?: readonly R[];
  writes?: readonly W[];
  inputs?: readonly N[];
  optionalInputs?: readonly O[];
  /** Only a key among `writes` type-checks (the runtime checks it too). */
  onError?: ErrorCapture<NoInfer<W>>;
}

/** Keys of an untyped action: any value, but only the declared keys (values are `any`, as in Burr). */
export type Untyped<K extends string> = { [P in K]: any };

export interface ActionSpec {
  reads?: readonly string[];
  writes?: readonly string[];
  /** Inputs the caller must pass (through `inputs` of step/run, or `.bind`). */
  inputs?: readonly string[];
  /** Inputs that may be omitted; give the default in the function's destructuring. */
  optionalInputs?: readonly string[];
  /** Usable in halt lists as "@tag:<name>". */
  tags?: readonly string[];
  /** `captureAs("error")`: an exception from the action is written to that key (one of `writes`) instead of failing the step. */
  onError?: ErrorCapture;
  /** A Standard Schema (zod, valibot, arktype) checking the keys this action writes before its step commits (as withStateSchema does for the app). */
  stateSchema?: StandardSchemaV1;
}

/** @internal Gives an action built from a spec its declared fields (every spec-built action's constructor). */
export function adoptSpec(target: ActionBase, spec: NormalizedSpec): void {
  Object.assign(target, spec);
}

/** A checked spec with every field present: what an action built from a spec holds. */
export interface NormalizedSpec {
  reads: readonly string[];
  writes: readonly string[];
  inputs: readonly string[];
  optionalInputs: readonly string[];
  tags: readonly string[];
  onError: ErrorCapture | null;
  stateSchema?: StandardSchemaV1 | null;
}

/** What executing an action produced, before the runtime checks it. */
export interface ActionOutcome {
  result: ActionResult;
  state: State;
}

type MaybePromise<T> = T | Promise<T>;

function isThenable<T>(v: unknown): v is PromiseLike<T> {
  return v !== null && typeof v === "object" && typeof (v as { then?: unknown }).then === "function";
}

/** Anything the builder accepts as an action. */
export abstract class ActionBase {
  abstract readonly reads: readonly string[];
  abstract readonly writes: readonly string[];
  inputs: readonly string[] = [];
  optionalInputs: readonly string[] = [];
  tags: readonly string[] = [];
  /** Where the action's exceptions go (`captureAs(key)`); null: they fail the step. */
  onError: ErrorCapture | null = null;
  /** Checks this action's writes before its step commits (spec `stateSchema`); null: only the app's schema, if any. */
  stateSchema: StandardSchemaV1 | null = null;
  /** True for streaming actions: `streamResult` yields their partial results. */
  get streaming(): boolean {
    return false;
  }
  /** Inputs pre-filled by `.bind`. */
  boundInputs: Readonly<Inputs> = EMPTY_INPUTS;
  /** Where the action was defined (for the graph model, the debugger and the UI). */
  readonly site: CallSite = captureSite();

  /** A copy of this action with some inputs pre-filled; they are no longer asked of the caller. */
  bind(values: Inputs): this {
    const names = Object.keys(values);
    const copy = Object.create(this) as this;
    copy.boundInputs = { ...this.boundInputs, ...values };
    copy.inputs = this.inputs.filter((i) => !names.includes(i));
    copy.optionalInputs = this.optionalInputs.filter((i) => !names.includes(i));
    return copy;
  }

  /**
   * Runs the action on `state` (a read-checked view) and returns the result and
   * the new state; sync when the action is sync.
   * @internal
   */
  abstract execute(state: State, inputs: Inputs, ctx: ActionContext): MaybePromise<ActionOutcome>;

  toString(): string {
    return `${this.reads.join(", ")} -> ${this.writes.join(", ")}`;
  }
}

export const EMPTY_INPUTS: Readonly<Inputs> = Object.freeze({});

/**
 * The state a class action's run/update receive: a plain State for untyped
 * classes (`extends Action`), the key-checked view once keys are declared.
 */
export type ClassState<S extends StateValues, R extends StateKey<S>, W extends StateKey<S>> = string extends R ? State : ActionState<S, R, W>;

/**
 * The state type of a class action, for annotating run/update (TypeScript does
 * not infer a method's parameters from its base class): `run(state: StateOf<this>)`.
 */
export type StateOf<A extends { readonly "~state": unknown }> = A["~state"];

/**
 * Burr's two-phase class API: `run` computes a result, `update` folds it into
 * state. `run` may be async; `update` is sync. Untyped: `extends Action` with
 * reads/writes fields. Typed: `extends Action.withState<S>()({ reads, writes })`.
 */
export abstract class Action<
  S extends StateValues = StateValues,
  R extends StateKey<S> = StateKey<S>,
  W extends StateKey<S> = StateKey<S>,
> extends ActionBase {
  /** Type only (never set): what StateOf<this> reads. */
  declare readonly "~state": ClassState<S, R, W>;
  /** Typed classes accept only a key among their writes. */
  declare onError: ErrorCapture<W> | null;

  abstract run(state: ClassState<S, R, W>, inputs: Inputs, ctx: ActionContext): MaybePromise<ActionResult>;
  abstract update(result: ActionResult, state: ClassState<S, R, W>): ClassState<S, R, W> | State;

  /**
   * The base class of actions over the state type S, from a spec:
   * `class Respond extends Action.withState<Chat>()({ reads: ["prompt"], writes: ["response"] }) { run; update }`.
   */
  static withState<S extends StateValues>(): ActionClassFactory<S> {
    // One implementation; the types differ only in what they check.
    return typedActionClass as unknown as ActionClassFactory<S>;
  }

  /** Like withState, keys checked but values untyped (as `action(spec, fn)`): `extends Action.with({ reads, writes })`. */
  static with<const R extends string = never, const W extends string = never>(spec: KeyedSpec<R, W>): ActionClass<Untyped<R | W>, R, W> {
    return typedActionClass(spec) as unknown as ActionClass<Untyped<R | W>, R, W>;
  }

  execute(state: State, inputs: Inputs, ctx: ActionContext): MaybePromise<ActionOutcome> {
    // The view is the same State object (typed.ts); the runtime checks reads/writes.
    const view = state as unknown as ClassState<S, R, W>;
    const result = this.run(view, inputs, ctx);
    if (isThenable<ActionResult>(result)) {
      return Promise.resolve(result).then((r) => this.finish(r, view));
    }
    return this.finish(result, view);
  }

  private finish(result: ActionResult, state: ClassState<S, R, W>): ActionOutcome {
    if (result === null || typeof result !== "object" || Array.isArray(result)) {
      throw new InvalidActionResultError(`run() must return a plain object as its result, got ${describe(result)}`);
    }
    const next: unknown = this.update(result, state);
    if (!(next instanceof State)) {
      throw new InvalidActionResultError(`update() must return a State, got ${describe(next)}`);
    }
    return { result, state: next };
  }
}

/** What `Action.withState<S>()(spec)` and `Action.with(spec)` return: a class to extend, its keys from the spec. */
export abstract class TypedAction<S extends StateValues, R extends StateKey<S>, W extends StateKey<S>> extends Action<S, R, W> {
  declare readonly reads: readonly R[];
  declare readonly writes: readonly W[];

  constructor(spec: NormalizedSpec) {
    super();
    adoptSpec(this, spec);
  }
}

export type ActionClass<S extends StateValues, R extends StateKey<S>, W extends StateKey<S>> = abstract new () => TypedAction<S, R, W>;

export interface ActionClassFactory<S extends StateValues> {
  <const R extends StateKey<S> = never, const W extends StateKey<S> = never>(spec: KeyedSpec<R, W>): ActionClass<S, R, W>;
}

// The spec is checked here, where the class is declared (as action(spec, fn) checks it).
function typedActionClass(spec: ActionSpec): ActionClass<StateValues, string, string> {
  const checked = normalizeSpec(spec);
  abstract class Declared extends TypedAction<StateValues, string, string> {
    constructor() {
      super(checked);
    }
  }
  return Declared;
}

/** What a function action returns: `[result, state]`, or just the new state. */
export type FunctionActionReturn = readonly [ActionResult, State] | State;

export type ActionFn<I extends Inputs = Inputs> = (
  state: State,
  inputs: I,
  ctx: ActionContext,
) => MaybePromise<FunctionActionReturn>;

export class FunctionAction<I extends Inputs = Inputs> extends ActionBase {
  declare readonly reads: readonly string[];
  declare readonly writes: readonly string[];

  constructor(
    spec: ActionSpec,
    readonly fn: ActionFn<I>,
  ) {
    super();
    adoptSpec(this, normalizeSpec(spec));
  }

  override bind(values: Partial<I>): this {
    return super.bind(values as Inputs);
  }

  execute(state: State, inputs: Inputs, ctx: ActionContext): MaybePromise<ActionOutcome> {
    const out = this.fn(state, inputs as I, ctx);
    if (isThenable<FunctionActionReturn>(out)) return Promise.resolve(out).then(normalizeReturn);
    return normalizeReturn(out);
  }
}

export function normalizeReturn(out: FunctionActionReturn): ActionOutcome {
  if (out instanceof State) return { result: {}, state: out };
  if (Array.isArray(out) && out.length === 2 && out[1] instanceof State) {
    const result = out[0];
    if (result === null || typeof result !== "object" || Array.isArray(result)) {
      throw new InvalidActionResultError(`An action's result must be a plain object, got ${describe(result)}`);
    }
    return { result, state: out[1] };
  }
  throw new InvalidActionResultError(
    `An action must return [result, state] or a State, got ${describe(out)}. Return e.g. [{ answer }, state.update({ answer })]`,
  );
}

export function describe(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return `an array of length ${v.length}`;
  if (typeof v === "object") return `an object of class ${(v as object).constructor?.name ?? "Object"}`;
  return typeof v;
}

/** A checked spec with every field present. */
export function normalizeSpec(spec: ActionSpec): NormalizedSpec {
  checkSpec(spec);
  return {
    reads: spec.reads ?? [],
    writes: spec.writes ?? [],
    inputs: spec.inputs ?? [],
    optionalInputs: spec.optionalInputs ?? [],
    tags: spec.tags ?? [],
    onError: spec.onError ?? null,
    stateSchema: spec.stateSchema ?? null,
  };
}

export function checkSpec(spec: ActionSpec): void {
  if (spec === null || typeof spec !== "object") {
    throw new ConfigurationError(`An action spec must be an object like { reads: [...], writes: [...] }, got ${describe(spec)}`);
  }
  for (const field of ["reads", "writes", "inputs", "optionalInputs", "tags"] as const) {
    const v = spec[field];
    if (v !== undefined && (!Array.isArray(v) || v.some((x) => typeof x !== "string"))) {
      throw new ConfigurationError(`An action spec's "${field}" must be an array of strings`, { key: field });
    }
  }
  for (const input of [...(spec.inputs ?? []), ...(spec.optionalInputs ?? [])]) {
    if (input.startsWith("__")) {
      throw new ConfigurationError(`Input "${input}" starts with "__", which Burr reserves; rename it`, { key: input });
    }
  }
  if (spec.onError !== undefined && spec.onError !== null) checkCapture(spec.onError, spec.writes ?? []);
  if (spec.stateSchema !== undefined && !isStandardSchema(spec.stateSchema)) {
    throw new ConfigurationError('An action spec\'s "stateSchema" must be a Standard Schema (zod 4, valibot, arktype...)', { key: "stateSchema" });
  }
}

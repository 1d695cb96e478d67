// The step machinery under Application: choose the next action, run it with
// read/write checks and hooks, commit or keep the old state on failure. A step
// whose action and hooks are sync runs without a single await; the first
// promise met switches the rest of that step to async.
import type { ActionBase, ActionContext, ActionOutcome, ActionResult, Inputs } from "../actions/action.js";
import { ConditionTypeError, type Condition } from "../conditions/index.js";
import { errorRecord, isCapturable } from "../actions/capture.js";
import { ActionError, BurrError } from "../errors.js";
import type { GraphModel } from "../graph/model.js";
import type { LifecycleHooks, StepChanges } from "../lifecycle/hooks.js";
import type { HookRunner } from "../lifecycle/runner.js";
import { State, diffStates } from "../state/state.js";
import type { StateValues } from "../state/types.js";
import { checkWrites, compileAction, readCheckedView, resolveInputs, type CompiledAction } from "./checks.js";
import type { Transition } from "./graph.js";
import { StepTracer, runInStep, type Tracer } from "./tracer.js";
import { StateSchema } from "./stateSchema.js";
import { isSaveFailure } from "./persisterHook.js";
import type { ParentParts } from "./parallelTypes.js";

export interface StepResult<S extends StateValues = StateValues> {
  /** The name of the action that ran. */
  action: string;
  result: ActionResult;
  state: State<S>;
}

interface CompiledTransition {
  to: string;
  condition: Condition;
  /** Index into graph.transitions. */
  index: number;
}

/** Everything the builder hands the application. */
export interface EngineConfig<S extends StateValues> {
  appId: string;
  partitionKey: string | null;
  actions: ReadonlyMap<string, ActionBase>;
  transitions: readonly Transition[];
  graph: GraphModel;
  state: State<S>;
  /** The action to run first. */
  next: string | null;
  /** When resuming: the action whose transitions choose the next one (overrides `next`). */
  priorAction: string | null;
  /** The sequence id of the last step already taken (null for a fresh app). */
  lastSequenceId: number | null;
  hooks: HookRunner;
  /** withStateSchema: checks each step's writes before it commits. */
  stateSchema?: StateSchema | null;
  /** What parallel children of this app may inherit (builder parts, executor). */
  parallel?: ParentParts;
  /** The last step that completed (a failed step is not one); salts parallel children's ids. */
  lastCommittedSequenceId?: number | null;
}

export function isThenable<T>(v: unknown): v is PromiseLike<T> {
  return v !== null && typeof v === "object" && typeof (v as { then?: unknown }).then === "function";
}

/** The context object an action receives; the tracer is made on first use. */
class StepContext implements ActionContext {
  private tracerInstance: StepTracer | null = null;
  constructor(
    private readonly hooks: HookRunner,
    readonly appId: string,
    readonly partitionKey: string | null,
    readonly sequenceId: number,
    readonly action: string,
    /** @internal What parallel children may inherit. */
    readonly parentParts: ParentParts | undefined,
    /** @internal The app's last completed step before this one (null: none): the same on a retry of a failed step. */
    readonly committedSequenceId: number | null,
  ) {}
  /** @internal The app's hooks. */
  get childHooks(): readonly LifecycleHooks[] {
    return this.hooks.hooks;
  }
  get tracer(): Tracer {
    return (this.tracerInstance ??= new StepTracer(this.hooks, this.appId, this.partitionKey, this.sequenceId, this.action));
  }
  flush(): Promise<void> | undefined {
    return this.tracerInstance?.flush();
  }
}

export abstract class StepEngine<S extends StateValues = StateValues> {
  readonly uid: string;
  readonly partitionKey: string | null;
  readonly graph: GraphModel;
  /** @internal */ readonly hooks: HookRunner;
  /** @internal */ readonly actions: ReadonlyMap<string, ActionBase>;
  /** @internal */ readonly compiled: ReadonlyMap<string, CompiledAction>;
  private readonly transitionsFrom: ReadonlyMap<string, readonly CompiledTransition[]>;
  /** @internal */ _state: State<S>;
  private lastSeq: number | null;
  private nextSeq: number;
  private priorAction: string | null;
  private nextName: string | null = null;
  private nextKnown: boolean;
  /** @internal Index (into graph.transitions) of the transition that chose the next action. */
  nextTransition = -1;
  private readonly hasPre: boolean;
  private readonly hasPost: boolean;
  private readonly stateSchema: StateSchema | null;
  private readonly parallel: ParentParts | undefined;
  private committedSeq: number | null;

  protected constructor(config: EngineConfig<S>) {
    this.uid = config.appId;
    this.partitionKey = config.partitionKey;
    this.graph = config.graph;
    this.hooks = config.hooks;
    this.actions = config.actions;
    const compiled = new Map<string, CompiledAction>();
    for (const [name, act] of config.actions) compiled.set(name, compileAction(name, act));
    this.compiled = compiled;
    const from = new Map<string, CompiledTransition[]>();
    config.transitions.forEach((t, index) => {
      let list = from.get(t.from);
      if (!list) from.set(t.from, (list = []));
      list.push({ to: t.to, condition: t.condition, index });
    });
    this.transitionsFrom = from;
    this._state = config.state;
    this.lastSeq = config.lastSequenceId;
    this.nextSeq = config.lastSequenceId === null ? 0 : config.lastSequenceId + 1;
    this.priorAction = config.priorAction;
    this.nextKnown = config.priorAction === null;
    if (this.nextKnown) this.nextName = config.next;
    this.parallel = config.parallel;
    this.committedSeq = config.lastCommittedSequenceId !== undefined ? config.lastCommittedSequenceId : config.lastSequenceId;
    this.hasPre = this.hooks.has("preRunStep");
    this.hasPost = this.hooks.has("postRunStep");
    this.stateSchema = config.stateSchema ?? null;
  }

  get state(): State<S> {
    return this._state;
  }

  /** The sequence id of the last step taken; null before the first step. */
  get sequenceId(): number | null {
    return this.lastSeq;
  }

  /** @internal The action of the last completed step (loaded or run); null before any, or when a failed step is to be re-run. */
  get lastCompletedAction(): string | null {
    return this.priorAction;
  }

  /** The sequence id the next step will get. */
  get nextSequenceId(): number {
    return this.nextSeq;
  }

  /** The action the next step will run, or null when no transition applies (the app has ended). */
  nextAction(): string | null {
    if (this.nextKnown) return this.nextName;
    let next: string | null = null;
    this.nextTransition = -1;
    const list = this.priorAction === null ? undefined : this.transitionsFrom.get(this.priorAction);
    if (list) {
      for (let i = 0; i < list.length; i++) {
        if (this.holds(this.priorAction!, list[i])) {
          next = list[i].to;
          this.nextTransition = list[i].index;
          break;
        }
      }
    }
    this.nextName = next;
    this.nextKnown = true;
    return next;
  }

  /** A transition's condition on the current state; a type error in an expr names the app and the transition. */
  private holds(from: string, t: CompiledTransition): boolean {
    try {
      return t.condition.run(this._state);
    } catch (e) {
      if (!(e instanceof ConditionTypeError)) throw e;
      throw new ConditionTypeError(`Transition ${from} → ${t.to}: ${e.message}`, { appId: this.uid, partitionKey: this.partitionKey, action: from, sequenceId: this.lastSeq ?? undefined });
    }
  }

  /** @internal Replace state; the chosen next action stays unless `chooseAgain` (then the last action's transitions decide anew). */
  protected setState(state: State<S>, chooseAgain = false): void {
    this._state = state;
    if (chooseAgain && this.priorAction !== null) this.nextKnown = false;
  }

  /** @internal Put the app back at an earlier point: state, next action and sequence id. */
  protected resetPosition(state: State<S>, nextAction: string | null, nextSequenceId: number): void {
    this._state = state;
    this.nextName = nextAction;
    this.nextKnown = true;
    this.nextTransition = -1;
    this.priorAction = null;
    this.nextSeq = nextSequenceId;
    this.lastSeq = nextSequenceId === 0 ? null : nextSequenceId - 1;
    this.committedSeq = this.lastSeq;
  }

  /** @internal Start after a loaded step (a debugger fork): its action's transitions choose next, unless `next` is given. */
  protected resumeAfter(state: State<S>, priorAction: string | null, next: string | null, lastSequenceId: number): void {
    this._state = state;
    this.priorAction = priorAction;
    this.nextKnown = priorAction === null;
    this.nextName = next;
    this.nextTransition = -1;
    this.lastSeq = lastSequenceId;
    this.nextSeq = lastSequenceId + 1;
    this.committedSeq = lastSequenceId;
  }

  /**
   * @internal One step: returns the step's result, null when the app has ended,
   * or a promise of either when something in the step was async.
   */
  stepOnce(inputs: Inputs | undefined): StepResult<S> | null | Promise<StepResult<S> | null> {
    const name = this.nextAction();
    if (name === null) return null;
    const compiled = this.compiled.get(name)!;
    const stepInputs = resolveInputs(compiled, inputs, this.uid, this.partitionKey);
    return this.runPrepared(compiled, this.nextSeq, stepInputs, this._state);
  }

  /** @internal Runs a chosen action: pre hooks, the action, checks, commit, post hooks. */
  runPrepared(
    compiled: CompiledAction,
    seq: number,
    inputs: Inputs,
    before: State<S>,
  ): StepResult<S> | Promise<StepResult<S>> {
    if (this.hasPre) {
      const pre = this.hooks.call(
        "preRunStep",
        { appId: this.uid, partitionKey: this.partitionKey, sequenceId: seq, action: compiled.name, state: before, inputs },
        { appId: this.uid, partitionKey: this.partitionKey, action: compiled.name, sequenceId: seq },
      );
      if (pre) return pre.then(() => this.execute(compiled, seq, inputs, before));
    }
    return this.execute(compiled, seq, inputs, before);
  }

  /** @internal */
  beginStep(compiled: CompiledAction, seq: number): StepContext {
    // The sequence id is used once the action starts, even if it fails (as in Burr).
    this.lastSeq = seq;
    this.nextSeq = seq + 1;
    return new StepContext(this.hooks, this.uid, this.partitionKey, seq, compiled.name, this.parallel, this.committedSeq);
  }

  private execute(compiled: CompiledAction, seq: number, inputs: Inputs, before: State<S>): StepResult<S> | Promise<StepResult<S>> {
    const ctx = this.beginStep(compiled, seq);
    const view = readCheckedView(before, compiled, ctx);
    let out: ActionOutcome | PromiseLike<ActionOutcome>;
    try {
      out = runInStep(ctx, () => compiled.action.execute(view, inputs, ctx));
    } catch (e) {
      return this.failOrCapture(compiled, seq, inputs, before, e, ctx);
    }
    if (isThenable<ActionOutcome>(out)) {
      return Promise.resolve(out).then(
        (o) => this.completeStep(compiled, seq, inputs, before, view, o, ctx),
        (e: unknown) => this.failOrCapture(compiled, seq, inputs, before, e, ctx),
      );
    }
    return this.completeStep(compiled, seq, inputs, before, view, out, ctx);
  }

  /** @internal Checks the outcome, commits it and runs the post-step hooks. */
  completeStep(
    compiled: CompiledAction,
    seq: number,
    inputs: Inputs,
    before: State<S>,
    view: State,
    out: ActionOutcome,
    ctx: StepContext,
  ): StepResult<S> | Promise<StepResult<S>> {
    // An action that returns its input view unchanged returns the state it was given.
    const after = (out.state === view ? before : out.state) as State<S>;
    this.lastChanges = undefined;
    try {
      checkWrites(before, after, compiled, ctx);
    } catch (e) {
      return this.failStep(compiled, seq, inputs, before, e);
    }
    return this.validateThenCommit(compiled, seq, inputs, before, after, out.result, ctx);
  }

  /** The state schema (if any) checks the step's writes; then trace spans flush; then the step commits. */
  private validateThenCommit(
    compiled: CompiledAction,
    seq: number,
    inputs: Inputs,
    before: State<S>,
    after: State<S>,
    result: ActionResult,
    ctx: StepContext,
  ): StepResult<S> | Promise<StepResult<S>> {
    let checked: void | Promise<void> = undefined;
    const own = compiled.action.stateSchema;
    if (this.stateSchema !== null || own !== null) {
      try {
        const changes = this.changesOf(before, after);
        const where = { appId: this.uid, partitionKey: this.partitionKey, action: compiled.name, sequenceId: seq };
        checked = this.stateSchema?.checkStep(changes, where);
        if (own !== null) checked = checked ? checked.then(() => StateSchema.of(own).checkStep(changes, where)) : StateSchema.of(own).checkStep(changes, where);
      } catch (e) {
        return this.failStep(compiled, seq, inputs, before, e);
      }
    }
    const fail = (e: unknown) => this.failStep(compiled, seq, inputs, before, e);
    if (checked) {
      return checked.then(() => {
        const pending = ctx.flush();
        return pending ? pending.then(() => this.commit(compiled, seq, inputs, before, after, result), fail) : this.commit(compiled, seq, inputs, before, after, result);
      }, fail);
    }
    const pending = ctx.flush();
    if (pending) return pending.then(() => this.commit(compiled, seq, inputs, before, after, result), fail);
    return this.commit(compiled, seq, inputs, before, after, result);
  }

  private commit(
    compiled: CompiledAction,
    seq: number,
    inputs: Inputs,
    before: State<S>,
    after: State<S>,
    result: ActionResult,
  ): StepResult<S> | Promise<StepResult<S>> {
    const was = { state: this._state, priorAction: this.priorAction, nextName: this.nextName, nextKnown: this.nextKnown, nextTransition: this.nextTransition, committedSeq: this.committedSeq };
    this._state = after;
    this.committedSeq = seq;
    this.priorAction = compiled.name;
    this.nextKnown = false;
    const stepResult: StepResult<S> = { action: compiled.name, result, state: after };
    if (this.hasPost) {
      const changes = this.changesOf(before, after);
      // A step the persister did not store is not committed: the app stays where it was.
      const unsaved = (e: unknown): never => {
        if (isSaveFailure(e)) {
          this._state = was.state;
          this.priorAction = was.priorAction;
          this.committedSeq = was.committedSeq;
          this.nextName = was.nextName;
          this.nextKnown = was.nextKnown;
          this.nextTransition = was.nextTransition;
          this.unuseSequenceId(seq);
        }
        throw e;
      };
      let post: void | Promise<void>;
      try {
        post = this.hooks.call(
        "postRunStep",
        {
          appId: this.uid,
          partitionKey: this.partitionKey,
          sequenceId: seq,
          action: compiled.name,
          state: after,
          changes,
          inputs,
          result,
          exception: null,
        },
        { appId: this.uid, partitionKey: this.partitionKey, action: compiled.name, sequenceId: seq },
        );
      } catch (e) {
        return unsaved(e);
      }
      if (post) return post.then(() => stepResult, unsaved);
    }
    return stepResult;
  }

  /** A step whose save failed gives its sequence id back (the next step retries it). */
  private unuseSequenceId(seq: number): void {
    this.nextSeq = seq;
    this.lastSeq = seq === 0 ? null : seq - 1;
  }

  /**
   * @internal The action's code threw. With onError: captureAs(key) and an error
   * of the action's own, the step completes with state = before + { key: record }
   * (other declared writes are not required: the action did not finish);
   * otherwise it fails. Only a throwing action pays for the check.
   */
  failOrCapture(
    compiled: CompiledAction,
    seq: number,
    inputs: Inputs,
    before: State<S>,
    e: unknown,
    ctx: StepContext,
  ): StepResult<S> | Promise<StepResult<S>> {
    const capture = compiled.capture;
    if (capture === null || !isCapturable(e, this.uid)) return this.failStep(compiled, seq, inputs, before, e);
    const record = errorRecord(e, capture.includeStack);
    const result: ActionResult = { [capture.key]: record };
    const after = (before as State).update(result) as State<S>;
    this.lastChanges = undefined;
    try {
      // A tracked run shows the step completed; this says its error was captured.
      ctx.tracer.logAttributes({ captured_error: record });
    } catch (hookError) {
      return this.failStep(compiled, seq, inputs, before, hookError);
    }
    return this.validateThenCommit(compiled, seq, inputs, before, after, result, ctx);
  }

  /** @internal The changes of the last committed step, computed at most once. */
  lastChanges: StepChanges | undefined;
  /** @internal */
  changesOf(before: State<S>, after: State<S>): StepChanges {
    return (this.lastChanges ??= diffStates(before, after));
  }

  /** @internal An action (or a check of its outcome) failed: state stays `before`; post hooks hear of it; rethrow. */
  failStep(compiled: CompiledAction, seq: number, inputs: Inputs, before: State<S>, e: unknown): never | Promise<never> {
    const error = this.asStepError(e, compiled.name, seq);
    if (!this.hasPost) throw error;
    let post: void | Promise<void>;
    try {
      post = this.hooks.call(
        "postRunStep",
        {
          appId: this.uid,
          partitionKey: this.partitionKey,
          sequenceId: seq,
          action: compiled.name,
          state: before,
          inputs,
          result: null,
          exception: error,
        },
        { appId: this.uid, partitionKey: this.partitionKey, action: compiled.name, sequenceId: seq },
      );
    } catch (hookError) {
      if (isSaveFailure(hookError)) this.unuseSequenceId(seq);
      throw attachHookFailure(error, hookError);
    }
    if (post) {
      return post.then(
        () => {
          throw error;
        },
        (hookError: unknown) => {
          if (isSaveFailure(hookError)) this.unuseSequenceId(seq);
          throw attachHookFailure(error, hookError);
        },
      );
    }
    throw error;
  }

  private asStepError(e: unknown, action: string, sequenceId: number): Error {
    // Checks made for this very step already carry its app, action and sequence id.
    if (e instanceof BurrError && e.action === action && e.sequenceId === sequenceId && e.appId === this.uid) return e;
    return new ActionError(e, { appId: this.uid, partitionKey: this.partitionKey, action, sequenceId });
  }
}

// The step's own error is what the caller needs; a hook that failed while
// reporting it is attached and named in the message, not dropped.
function attachHookFailure(error: Error, hookError: unknown): Error {
  const hookMessage = hookError instanceof Error ? hookError.message : String(hookError);
  error.message += `\n(also: while reporting this failure, ${hookMessage})`;
  (error as Error & { hookError?: unknown }).hookError = hookError;
  return error;
}

export type { StepContext, CompiledAction };

// The public Application: step, iterate, run, streamResult, and what a
// running app exposes (state, ids, graph, visualize). One async API; a sync
// action costs no extra await inside run/iterate.
import type { Inputs } from "../actions/action.js";
import type { GateTarget, StepGate } from "../debug/gate.js";
import { ConfigurationError } from "../errors.js";
import type { ApplicationExecuteCallArgs } from "../lifecycle/hooks.js";
import type { StateSaver } from "../persistence/types.js";
import { toDot, toMermaid } from "../graph/visualize.js";
import type { State } from "../state/state.js";
import type { StateValues } from "../state/types.js";
import { checkUserInputs, resolveInputs } from "./checks.js";
import { StepEngine, isThenable, type EngineConfig, type StepResult } from "./engine.js";
import { compileHalts, type Halts } from "./halt.js";
import { startStream, type StreamTarget, type StreamingResultContainer } from "./streaming.js";

export interface RunOptions {
  /** Stop before running any of these actions (names or "@tag:<name>"). */
  haltBefore?: readonly string[];
  /** Stop after running any of these actions. */
  haltAfter?: readonly string[];
  /** Offered to every step; each action receives only the inputs it declares. */
  inputs?: Inputs;
}

export interface RunResult<S extends StateValues = StateValues> {
  /** The action that ran last, or the one halted before; null if nothing ran. */
  action: string | null;
  /** Its result; null when halted before an action or nothing ran. */
  result: Record<string, unknown> | null;
  state: State<S>;
}

export interface AppPointer {
  appId: string;
  partitionKey: string | null;
  sequenceId: number | null;
}

export interface ApplicationConfig<S extends StateValues> extends EngineConfig<S> {
  gate: StepGate | null;
  /** Awaited before the first call: persister initialization, async create hooks. */
  ready: Promise<void> | null;
  parent: AppPointer | null;
  spawningParent: AppPointer | null;
  /** The persisters given to withStatePersister, for rewinds. */
  savers: readonly StateSaver[];
}

type ExecuteMethod = ApplicationExecuteCallArgs["method"];

export class Application<S extends StateValues = StateValues> extends StepEngine<S> implements GateTarget {
  /** The app this one was forked from (initializeFrom with forkFrom…), if any. */
  readonly parent: AppPointer | null;
  /** The app whose step spawned this one (sub-applications), if any. */
  readonly spawningParent: AppPointer | null;
  private readonly gate: StepGate | null;
  private readonly savers: readonly StateSaver[];
  private ready: Promise<void> | null;
  private readonly hasExecuteHooks: boolean;
  /** Bumped by rewind, so a step in progress knows to choose again. */
  private rewinds = 0;
  /** Under the debugger: which call of the program (run, step, …) is running, and its name. */
  private calls = 0;
  private callMethod: ExecuteMethod = "run";
  /** Under the debugger, after a step back past a call's start: that earlier call's inputs, until this call returns. */
  private replayed: { inputs: Inputs | undefined } | null = null;

  /** @internal Made by ApplicationBuilder.build(). */
  constructor(config: ApplicationConfig<S>) {
    super(config);
    this.gate = config.gate;
    this.savers = config.savers;
    this.ready = config.ready;
    this.parent = config.parent;
    this.spawningParent = config.spawningParent;
    this.hasExecuteHooks = this.hooks.has("preApplicationExecuteCall") || this.hooks.has("postApplicationExecuteCall");
  }

  /** True when a transition applies, so step() would run an action (Burr's has_next_action). */
  hasNextAction(): boolean {
    return this.nextAction() !== null;
  }

  /** The graph as Mermaid or Graphviz DOT text. */
  visualize(format: "mermaid" | "dot" = "mermaid"): string {
    if (format === "dot") return toDot(this.graph);
    if (format === "mermaid") return toMermaid(this.graph);
    throw new ConfigurationError(`visualize: format must be "mermaid" or "dot", got "${String(format)}"`, { appId: this.uid });
  }

  /** Runs one action. Resolves to null when no transition applies (the app has ended). */
  async step(opts: { inputs?: Inputs } = {}): Promise<StepResult<S> | null> {
    if (this.ready !== null) await this.awaitReady();
    if (this.gate !== null) this.beginCall("step");
    checkUserInputs(opts.inputs, this.uid);
    if (!this.hasExecuteHooks) return this.stepAny(opts.inputs);
    await this.executeHook("preApplicationExecuteCall", "step", null);
    try {
      const r = await this.stepAny(opts.inputs);
      await this.executeHook("postApplicationExecuteCall", "step", null);
      return r;
    } catch (e) {
      await this.executeHook("postApplicationExecuteCall", "step", e as Error);
      throw e;
    }
  }

  /** Steps until a halt condition holds or the app ends; yields every step. Returns what run() would. */
  async *iterate(opts: RunOptions = {}): AsyncGenerator<StepResult<S>, RunResult<S>, undefined> {
    if (this.ready !== null) await this.awaitReady();
    if (this.gate !== null) this.beginCall("iterate");
    const halts = compileHalts(opts, this.actions, this.uid);
    checkUserInputs(opts.inputs, this.uid);
    if (this.hasExecuteHooks) await this.executeHook("preApplicationExecuteCall", "iterate", null);
    let last: StepResult<S> | null = null;
    let failure: Error | null = null;
    try {
      for (;;) {
        let r = this.stepAny(opts.inputs);
        if (isThenable(r)) r = await r;
        if (r === null) break;
        last = r;
        yield r;
        if (halts.before.length !== 0) {
          const next = this.nextAction();
          if (next !== null && halts.before.includes(next)) return { action: next, result: null, state: this._state };
        }
        if (halts.after.includes(r.action)) break;
      }
      return last ? { action: last.action, result: last.result, state: last.state } : { action: null, result: null, state: this._state };
    } catch (e) {
      failure = e as Error;
      throw e;
    } finally {
      if (this.hasExecuteHooks) await this.executeHook("postApplicationExecuteCall", "iterate", failure);
    }
  }

  /**
   * Steps until a halt condition holds or the app ends. The loop repeats
   * iterate()'s on purpose: going through an async generator would cost every
   * step of a sync app an extra await (measured by `npm run bench`).
   */
  async run(opts: RunOptions = {}): Promise<RunResult<S>> {
    if (this.ready !== null) await this.awaitReady();
    if (this.gate !== null) this.beginCall("run");
    const halts = compileHalts(opts, this.actions, this.uid);
    const inputs = opts.inputs;
    checkUserInputs(inputs, this.uid);
    if (this.hasExecuteHooks) await this.executeHook("preApplicationExecuteCall", "run", null);
    let failure: Error | null = null;
    try {
      let last: StepResult<S> | null = null;
      for (;;) {
        let r = this.stepAny(inputs);
        if (isThenable(r)) r = await r;
        if (r === null) break;
        last = r;
        if (halts.before.length !== 0) {
          const next = this.nextAction();
          if (next !== null && halts.before.includes(next)) return { action: next, result: null, state: this._state };
        }
        if (halts.after.includes(r.action)) break;
      }
      return last ? { action: last.action, result: last.result, state: last.state } : { action: null, result: null, state: this._state };
    } catch (e) {
      failure = e as Error;
      throw e;
    } finally {
      if (this.hasExecuteHooks) await this.executeHook("postApplicationExecuteCall", "run", failure);
    }
  }

  /**
   * Runs until the next action is in haltAfter (or haltBefore), then streams
   * that action: `for await` over the container yields its partial results and
   * `await container.get()` gives the final { result, state }.
   */
  async streamResult(opts: RunOptions & { haltAfter: readonly string[] }): Promise<{
    action: string;
    container: StreamingResultContainer<S>;
  }> {
    if (this.ready !== null) await this.awaitReady();
    if (this.gate !== null) this.beginCall("streamResult");
    const halts = compileHalts(opts, this.actions, this.uid);
    checkUserInputs(opts.inputs, this.uid);
    if (this.hasExecuteHooks) await this.executeHook("preApplicationExecuteCall", "streamResult", null);
    try {
      const target = await this.advanceToStream(halts, opts.inputs);
      // The retry callback only runs under the debugger, when a failed stream is retried.
      const container = startStream(this, target, () => this.advanceToStream(halts, opts.inputs), (failure) =>
        this.hasExecuteHooks ? this.executeHook("postApplicationExecuteCall", "streamResult", failure) : undefined,
      );
      return { action: target.name, container };
    } catch (e) {
      if (this.hasExecuteHooks) await this.executeHook("postApplicationExecuteCall", "streamResult", e as Error);
      throw e;
    }
  }

  /**
   * Streams every step until a halt condition holds or the app ends (Burr's
   * stream_iterate): yields `{ action, container }` per step, streaming
   * actions item by item and others as one result. The next step starts once
   * the loop comes back for it; a container not read to the end is drained
   * then, so every step is committed in order.
   */
  async *streamIterate(opts: RunOptions = {}): AsyncGenerator<{ action: string; container: StreamingResultContainer<S> }, RunResult<S>, undefined> {
    if (this.ready !== null) await this.awaitReady();
    if (this.gate !== null) this.beginCall("streamIterate");
    const halts = compileHalts(opts, this.actions, this.uid);
    checkUserInputs(opts.inputs, this.uid);
    // Every action is a stop, so each step is handed over as its own stream.
    const eachStep: Halts = { before: halts.before, after: [...this.compiled.keys()] };
    if (this.hasExecuteHooks) await this.executeHook("preApplicationExecuteCall", "streamIterate", null);
    let last: RunResult<S> | null = null;
    let failure: Error | null = null;
    try {
      while (this.nextAction() !== null) {
        const target = await this.advanceToStream(eachStep, opts.inputs);
        if (target.haltedBefore) return { action: target.name, result: null, state: this._state };
        const container = startStream(this, target, () => this.advanceToStream(eachStep, opts.inputs), () => undefined);
        yield { action: target.name, container };
        const r = await container.get();
        last = { action: target.name, result: r.result, state: r.state };
        if (halts.after.includes(target.name)) break;
      }
      return last ?? { action: null, result: null, state: this._state };
    } catch (e) {
      failure = e as Error;
      throw e;
    } finally {
      if (this.hasExecuteHooks) await this.executeHook("postApplicationExecuteCall", "streamIterate", failure);
    }
  }

  /**
   * @internal Steps up to the next action in the halt lists (what streamResult
   * streams) and, under the debugger, lets the gate see it before it runs.
   */
  async advanceToStream(halts: Halts, inputs: Inputs | undefined): Promise<StreamTarget> {
    for (;;) {
      let next = this.nextAction();
      while (next !== null && !halts.after.includes(next) && !halts.before.includes(next)) {
        const r = this.stepAny(inputs);
        if (isThenable(r)) await r;
        next = this.nextAction();
      }
      if (next === null) {
        throw new ConfigurationError(
          "streamResult: the app ended before reaching an action in haltAfter/haltBefore; check the transitions or the halt lists",
          { appId: this.uid, partitionKey: this.partitionKey },
        );
      }
      const compiled = this.compiled.get(next)!;
      const haltedBefore = halts.before.includes(next);
      const callInputs = this.replayed ? this.replayed.inputs : inputs;
      const stepInputs = haltedBefore ? {} : resolveInputs(compiled, callInputs, this.uid, this.partitionKey);
      if (this.gate !== null && !haltedBefore) {
        // Ask the debugger before the stream starts: a rewind while paused here
        // must run from the rewound step, not stream the action chosen before it.
        const rewindsBefore = this.rewinds;
        await this.gate.beforeStep(this, { sequenceId: this.nextSequenceId, action: next, inputs: stepInputs, state: this._state, call: this.callInfo(callInputs) });
        if (this.rewinds !== rewindsBefore) continue;
      }
      return { name: next, compiled, inputs: stepInputs, haltedBefore };
    }
  }

  /** Replaces the state the next step reads (Burr's update_state); the next action is chosen again. */
  updateState(state: State<S>): void {
    this.setState(state, true);
  }

  /** The next step runs the entrypoint again (Burr's reset_to_entrypoint); state and sequence ids stay. */
  resetToEntrypoint(): void {
    this.resetPosition(this._state, this.graph.entrypoint, this.nextSequenceId);
  }

  // ---- GateTarget: what the debugger may do between steps ----

  replaceState(state: State): void {
    this.setState(state as State<S>);
  }

  rewind(to: { state: State; nextAction: string | null; nextSequenceId: number }): void {
    this.rewinds++;
    this.resetPosition(to.state as State<S>, to.nextAction, to.nextSequenceId);
  }

  /** Until this call returns, steps resolve their inputs from an earlier call's (a step back past its start). */
  replayCallInputs(inputs: Inputs | undefined): void {
    this.replayed = { inputs };
  }

  private beginCall(method: ExecuteMethod): void {
    this.calls++;
    this.callMethod = method;
    this.replayed = null;
  }

  private callInfo(inputs: Inputs | undefined): { index: number; method: string; inputs: Inputs | undefined } {
    return { index: this.calls, method: this.callMethod, inputs };
  }

  /** @internal What the first call awaits (set by the builder once the app exists). */
  setReady(ready: Promise<void>): void {
    this.ready = ready;
  }

  /** @internal Applies a debugger fork before the first step (see debug/fork.ts). */
  startFromFork(point: { state: State; priorAction: string | null; next: string | null; lastSequenceId: number }): void {
    this.resumeAfter(point.state as State<S>, point.priorAction, point.next, point.lastSequenceId);
  }

  /**
   * Makes the app's persisters follow a rewind: a new branch whose last step
   * is `toSequenceId` (-1: before the first step), so the next save continues
   * there and nothing saved before is lost.
   */
  async rewindPersisters(toSequenceId: number): Promise<void> {
    for (const saver of this.savers) {
      if (typeof saver.rewind !== "function") {
        throw new ConfigurationError(
          "This app's persister cannot rewind (it has no rewind()); its next save would collide with a saved step. Use a burr-ts persister, or do not rewind",
          { appId: this.uid, partitionKey: this.partitionKey },
        );
      }
    }
    for (const saver of this.savers) await saver.rewind!({ partitionKey: this.partitionKey, appId: this.uid, toSequenceId });
  }

  /** @internal The debugger gate, if attached. */
  /** @internal Where the app goes next, for the debugger; a failing condition surfaces on the next step, as without one. */
  nextForGate(): { to: string; transitionIndex: number } | null {
    try {
      const to = this.nextAction();
      return to === null ? null : { to, transitionIndex: this.nextTransition };
    } catch {
      return null;
    }
  }

  get debugGate(): StepGate | null {
    return this.gate;
  }

  // ---- internals ----

  private stepAny(inputs: Inputs | undefined): StepResult<S> | null | Promise<StepResult<S> | null> {
    return this.gate === null ? this.stepOnce(inputs) : this.stepGated(this.gate, inputs);
  }

  /** A step with the debugger attached: the gate sees it before and after, and may rewind or retry. */
  private async stepGated(gate: StepGate, inputs: Inputs | undefined): Promise<StepResult<S> | null> {
    for (;;) {
      const name = this.nextAction();
      if (name === null) return null;
      const compiled = this.compiled.get(name)!;
      const seq = this.nextSequenceId;
      const callInputs = this.replayed ? this.replayed.inputs : inputs;
      const stepInputs = resolveInputs(compiled, callInputs, this.uid, this.partitionKey);
      const rewindsBefore = this.rewinds;
      await gate.beforeStep(this, { sequenceId: seq, action: name, inputs: stepInputs, state: this._state, call: this.callInfo(callInputs) });
      if (this.rewinds !== rewindsBefore) continue; // the debugger moved the app: choose again
      const before = this._state; // the gate may have edited it
      try {
        const r = await this.runPrepared(compiled, seq, stepInputs, before);
        const next = this.nextForGate();
        await gate.afterStep(this, {
          sequenceId: seq,
          action: name,
          inputs: stepInputs,
          state: before,
          result: r.result,
          changes: this.changesOf(before, r.state),
          next,
          exception: null,
          stateAfter: r.state,
        });
        return r;
      } catch (e) {
        const verdict = await gate.afterStep(this, {
          sequenceId: seq,
          action: name,
          inputs: stepInputs,
          state: before,
          result: null,
          next: null,
          exception: e as Error,
          stateAfter: this._state,
        });
        if (verdict === "retry") continue;
        throw e;
      }
    }
  }

  private async awaitReady(): Promise<void> {
    const ready = this.ready;
    this.ready = null;
    await ready;
  }

  /** @internal */
  executeHook(
    point: "preApplicationExecuteCall" | "postApplicationExecuteCall",
    method: ExecuteMethod,
    exception: Error | null,
  ): void | Promise<void> {
    return this.hooks.call(
      point,
      { appId: this.uid, partitionKey: this.partitionKey, method, state: this._state, exception },
      { appId: this.uid, partitionKey: this.partitionKey },
    );
  }
}

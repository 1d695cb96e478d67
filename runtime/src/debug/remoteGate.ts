// The StepGate of one application when the debug adapter launched the
// program. It keeps the path of steps taken (states are immutable, so keeping
// them costs no copies), reports each step, and waits where the adapter says.
// It never decides when to stop: the adapter does.
import type { State } from "../state/state.js";
import type { AfterStepInfo, BeforeStepInfo, GateTarget, StepGate } from "./gate.js";
import type { DebugConnection } from "./connection.js";
import type { AdapterRequest, GateMessage, ResumeMessage, StepSummary, WireValue } from "./protocol.js";
import { readKeyPath } from "./protocol.js";
import { setAtPath, toWire } from "./wire.js";
import { decodeValue } from "../state/serde/codec.js";
import { evaluateOverState } from "./evaluate.js";

/** The program's call (app.run(), step(), …) a step belonged to. */
type CallInfo = NonNullable<BeforeStepInfo["call"]>;

interface TakenStep {
  call: CallInfo | null;
  sequenceId: number;
  action: string;
  inputs: Record<string, unknown>;
  stateBefore: State;
  result: Record<string, unknown> | null;
  changes: unknown;
  error: string | null;
}

interface PendingStep {
  call: CallInfo | null;
  sequenceId: number;
  action: string;
  inputs: Record<string, unknown>;
  state: State;
  error: string | null;
}

/** How a replay with the program (replay/debugRunner.ts) changes the gate. */
export interface ReplayGateOptions {
  /** Why rewinds and state edits are refused (the record decides every step's state). */
  refuseMoves: string;
  /** The traced calls of the step with this sequence id and what replay gives back, for the Variables view. */
  callsOf(sequenceId: number): WireValue | null;
  /** Errors that are replay's divergences, not the action's: the step is recorded as failed without stopping. */
  isDivergence(error: Error): boolean;
}

export class RemoteGate implements StepGate {
  private target: GateTarget | null = null;
  private readonly path: TakenStep[] = [];
  private pending: PendingStep | null = null;
  private announced = false;
  private wake: ((message: ResumeMessage | null) => void) | null = null;
  /** Set while waiting when the debugger rewound or edited after a failure. */
  private moved = false;
  /**
   * After a rewind or a retry the application chooses its step again and
   * calls beforeStep for the very step the user already stopped at: let it pass.
   */
  private passThrough: { sequenceId: number | null; action: string } | null = null;

  /** The earlier call whose inputs the program's live call replays after a step back (said once per crossing). */
  private replaying: { live: number; from: number } | null = null;

  constructor(
    private readonly connection: DebugConnection,
    private readonly replay: ReplayGateOptions | null = null,
  ) {}

  async beforeStep(target: GateTarget, info: BeforeStepInfo): Promise<void> {
    if (!(await this.attach(target))) return;
    const pass = this.passThrough;
    this.passThrough = null;
    if (pass && (pass.sequenceId === null || pass.sequenceId === info.sequenceId) && pass.action === info.action) {
      if (this.pending) Object.assign(this.pending, { sequenceId: info.sequenceId, state: info.state, inputs: info.inputs, error: null, call: info.call ?? null });
      return;
    }
    this.pending = { call: info.call ?? null, sequenceId: info.sequenceId, action: info.action, inputs: info.inputs, state: info.state, error: null };
    await this.waitFor({ type: "beforeStep", step: this.summary() });
    this.passAfterMove();
  }

  private passAfterMove(): void {
    if (this.moved && this.pending) this.passThrough = { sequenceId: this.pending.sequenceId, action: this.pending.action };
    this.moved = false;
  }

  async afterStep(target: GateTarget, info: AfterStepInfo): Promise<"continue" | "retry"> {
    if (!(await this.attach(target))) return "continue";
    if (info.exception && this.replay?.isDivergence(info.exception)) {
      // Replay reports this as the divergence; stopping on it as an error first would say it twice.
      const step = this.summary();
      this.record(info, info.exception.stack ?? String(info.exception));
      this.connection.send({ type: "stepped", step, next: null });
      return "continue";
    }
    if (info.exception) {
      const error = info.exception;
      this.pending = { call: info.call ?? this.pending?.call ?? null, sequenceId: info.sequenceId, action: info.action, inputs: info.inputs, state: info.state, error: error.stack ?? String(error) };
      const reply = await this.waitFor({
        type: "failed",
        step: this.summary(),
        error: { name: error.name, message: error.message, stack: error.stack ?? null },
      });
      if (reply?.retry) {
        // A failed step used up its sequence id, so the retry comes back with the next one.
        this.moved = false;
        this.passThrough = { sequenceId: null, action: this.pending.action };
        return "retry";
      }
      this.moved = false;
      this.record(info, error.stack ?? String(error));
      return "continue";
    }
    const step = this.summary();
    this.record(info, null);
    this.connection.send({ type: "stepped", step, next: info.next });
    return "continue";
  }

  /**
   * Replay diverged: stops there with the report until the adapter resumes.
   * A step that ran is the last one taken; one that never started waits as the pending step.
   */
  async diverged(target: GateTarget, at: { sequenceId: number; action: string; inputs: Record<string, unknown>; ran: boolean }, report: string, divergence: { kind: string; key: string | null; message: string }): Promise<void> {
    if (!(await this.attach(target))) return;
    let step: StepSummary;
    if (at.ran && this.path.length > 0) {
      const last = this.path[this.path.length - 1];
      step = { appId: this.appId(), index: this.path.length - 1, sequenceId: last.sequenceId, action: last.action };
    } else {
      this.pending = { call: null, sequenceId: at.sequenceId, action: at.action, inputs: at.inputs, state: target.state, error: null };
      step = this.summary();
    }
    await this.waitFor({ type: "diverged", step, ran: at.ran, report, divergence });
  }

  private record(info: AfterStepInfo, error: string | null): void {
    this.path.push({
      call: this.pending?.call ?? info.call ?? null,
      sequenceId: info.sequenceId,
      action: info.action,
      inputs: info.inputs,
      stateBefore: this.pending?.state ?? info.state,
      result: info.result,
      changes: info.changes ?? null,
      error,
    });
    this.pending = null;
  }

  private async attach(target: GateTarget): Promise<boolean> {
    this.target = target;
    if (!(await this.connection.whenReady()) || !this.connection.isOpen) return false;
    if (!this.announced) {
      this.announced = true;
      this.connection.register(target.uid, {
        onRequest: (request) => this.answer(request),
        onResume: (message) => this.resume(message),
        onClosed: () => this.resume(null),
      });
      this.connection.send({ type: "app", appId: target.uid, partitionKey: target.partitionKey, graph: target.graph, parent: target.parent ?? null });
    }
    return true;
  }

  private summary(): StepSummary {
    const pending = this.pending;
    if (!pending) throw new Error("burr-ts debugger: no step is waiting");
    return { appId: this.appId(), index: this.path.length, sequenceId: pending.sequenceId, action: pending.action };
  }

  private appId(): string {
    return this.target?.uid ?? "";
  }

  private waitFor(message: GateMessage): Promise<ResumeMessage | null> {
    if (!this.connection.isOpen) return Promise.resolve(null);
    this.connection.hold();
    return new Promise<ResumeMessage | null>((resolve) => {
      this.wake = (reply) => {
        this.wake = null;
        this.connection.release();
        resolve(reply);
      };
      this.connection.send(message);
    });
  }

  private resume(message: ResumeMessage | null): void {
    this.wake?.(message);
  }

  private async answer(request: AdapterRequest): Promise<GateMessage> {
    const ok = (body: NonNullable<Extract<GateMessage, { type: "response" }>["body"]>): GateMessage => ({ type: "response", id: request.id, ok: true, body });
    switch (request.type) {
      case "frame": {
        const frame = this.frameAt(request.index);
        return ok({
          kind: "frame",
          state: toWire(frame.state.getAll()),
          inputs: toWire(frame.inputs),
          result: frame.result === null ? null : toWire(frame.result),
          changes: frame.changes === null ? null : toWire(frame.changes),
          error: frame.error,
          ...(this.replay ? { calls: this.replay.callsOf(frame.sequenceId) } : {}),
        });
      }
      case "evaluate": {
        const state = this.frameAt(request.index).state;
        return ok({ kind: "evaluate", value: toWire(evaluateOverState(state, request.expression)) });
      }
      case "rewind": {
        const { step, note } = await this.rewind(request.index);
        return ok(note ? { kind: "rewind", step, note } : { kind: "rewind", step });
      }
      case "setValue":
        return ok({ kind: "setValue", value: this.setValue(request.path, request.value) });
    }
  }

  private frameAt(index: number): { sequenceId: number; state: State; inputs: unknown; result: unknown; changes: unknown; error: string | null } {
    if (index === this.path.length && this.pending) {
      const p = this.pending;
      return { sequenceId: p.sequenceId, state: p.state, inputs: p.inputs, result: null, changes: null, error: p.error };
    }
    const step = this.path[index];
    if (!step) throw new Error(`app "${this.appId()}" has no step at index ${index} (it has taken ${this.path.length})`);
    return { sequenceId: step.sequenceId, state: step.stateBefore, inputs: step.inputs, result: step.result, changes: step.changes, error: step.error };
  }

  private async rewind(index: number): Promise<{ step: StepSummary; note: string | null }> {
    const target = this.requireWaiting("rewind");
    if (this.replay && index !== this.path.length) throw new Error(this.replay.refuseMoves);
    if (index === this.path.length && this.pending) return { step: this.summary(), note: null };
    const step = this.path[index];
    if (!step) throw new Error(`cannot rewind app "${this.appId()}" to step index ${index}: it has taken ${this.path.length} steps`);
    const live = this.pending?.call ?? null;
    // Persisters first: if they refuse, the app is left as it was.
    await target.rewindPersisters?.(step.sequenceId - 1);
    target.rewind({ state: step.stateBefore, nextAction: step.action, nextSequenceId: step.sequenceId });
    const note = this.replayEarlierCall(target, step, live);
    this.path.length = index;
    // The step keeps the call it replays, so a second step back inside it is not a crossing.
    this.pending = { call: live, sequenceId: step.sequenceId, action: step.action, inputs: step.inputs, state: step.stateBefore, error: null };
    this.moved = true;
    return { step: this.summary(), note };
  }

  /**
   * Past the start of the program's current call (its loop's latest app.run()),
   * the program cannot be rewound: that call goes on from the earlier step with
   * the earlier call's inputs until it halts and returns. Says so for the console.
   */
  private replayEarlierCall(target: GateTarget, step: TakenStep, live: CallInfo | null): string | null {
    if (!live || !step.call || step.call.index === live.index) return null;
    target.replayCallInputs?.(step.call.inputs);
    const already = this.replaying?.live === live.index && this.replaying.from === step.call.index;
    this.replaying = { live: live.index, from: step.call.index };
    if (already) return null; // still inside the call being replayed: said once
    const inputs = JSON.stringify(toWire(step.call.inputs ?? {}));
    const shown = inputs.length > 200 ? `${inputs.slice(0, 200)}…` : inputs;
    return (
      `Stepped back past the start of the program's current ${live.method}() call (#${live.index}) into step ${step.sequenceId} (${step.action}) of its earlier ${step.call.method}() call (#${step.call.index}). ` +
      `The program itself cannot go back: its current call continues from here with call #${step.call.index}'s inputs ${shown} until it halts, ` +
      `and returns that result to the program, whose loop then goes on with its next inputs.`
    );
  }

  private setValue(path: (string | number)[], value: WireValue): WireValue {
    const target = this.requireWaiting("edit state");
    if (this.replay) throw new Error(this.replay.refuseMoves);
    const pending = this.pending as PendingStep;
    const key = path[0];
    if (typeof key !== "string") throw new Error("a state edit must start with a state key");
    const current = readKeyPath(pending.state.getAll(), key);
    if (!current.found) throw new Error(`app "${this.appId()}" has no state key "${key}" before action "${pending.action}"`);
    // A typed value (a Date, a Map...) arrives in its stored form.
    const updated = setAtPath(current.value, path.slice(1), decodeValue(value, key));
    const next = pending.state.update({ [key]: updated });
    target.replaceState(next);
    pending.state = next;
    return toWire(value);
  }

  private requireWaiting(what: string): GateTarget {
    if (!this.wake || !this.pending || !this.target) {
      throw new Error(`cannot ${what} in app "${this.appId()}" while it runs: pause it first`);
    }
    return this.target;
  }
}

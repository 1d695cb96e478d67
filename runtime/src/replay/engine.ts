// The replay engine: re-executes a recorded run with the program's current
// code. Each step starts where the record says (the recorded state; after a
// matching step the app's own state equals it), gets the recorded inputs, and
// traced calls return their recorded outcome. The chosen action, the result
// and the written keys are compared with the record; replay stops at the
// first divergence.
import type { Application } from "../application/application.js";
import { setTraceReplay } from "../application/tracer.js";
import type { LifecycleHooks, StepChanges } from "../lifecycle/hooks.js";
import type { StepGate } from "../debug/gate.js";
import { recordedCalls } from "../tracking/recorded.js";
import type { StepRecord } from "../tracking/types.js";
import { stateAt } from "../tracking/logParser.js";
import { DamagedLogError } from "../tracking/lazyState.js";
import { deserializeValue } from "../state/serde/codec.js";
import { RecordedCallSource, ReplayCallError } from "./calls.js";
import { asJson, changesBetween, firstDifference, firstWriteDifference, storedChanges } from "./compare.js";
import { ReplayInputError } from "./sources.js";
import { watchLiveCalls, type LiveCall } from "./live.js";
import type { Divergence, RecordedRun, ReplayReport, TransitionTaken } from "./types.js";

/** What the program gives replay: its ApplicationBuilder (see program.ts). */
export interface ReplayableBuilder {
  buildForReplay(
    at: { state: Record<string, unknown> | null; priorAction: string | null; lastSequenceId: number | null },
    hooks: LifecycleHooks[],
    gate?: StepGate | null,
  ): Application;
}

export interface ReplayOptions {
  /** Stop after the step with this sequence id. */
  until?: number;
  /** The debugger's gate (replay/debugRunner.ts): it sees every step, as in a live run. */
  gate?: StepGate | null;
  /** Called at the divergence, before replay returns (the debugger stops there). `ran`: the step ran. */
  onDivergence?(app: Application, report: ReplayReport, at: { inputs: Record<string, unknown>; ran: boolean }): Promise<void>;
}

const plain = (state: Record<string, unknown>): Record<string, unknown> => {
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(state)) if (!k.startsWith("__")) out[k] = state[k];
  return out;
};

/** Where replay starts: the first step whose state before it is known. */
function startOf(steps: readonly StepRecord[], warnings: string[]): number {
  if (steps.length === 0 || steps[0].sequenceId === 0) return 0;
  warnings.push(`the record starts at step ${steps[0].sequenceId} (a resumed app): the state before it is unknown, so replay starts at the step after it`);
  return 1;
}

export function lastGoodAction(steps: readonly StepRecord[], before: number): string | null {
  for (let i = before - 1; i >= 0; i--) if (steps[i].error === null) return steps[i].action;
  return null;
}

function transitionTaken(app: Application, from: string | null, to: string | null): TransitionTaken {
  const t = app.nextTransition >= 0 ? app.graph.transitions[app.nextTransition] : undefined;
  return { from, to, condition: t ? t.condition : to === null ? "(no transition applies: the app ends)" : "(entrypoint)" };
}

/** The current code chose another action than the record: the path changed here. */
export function pathDivergence(app: Application, rec: { sequenceId: number; action: string }, prior: string | null, chosen: string | null): Divergence {
  return {
    sequenceId: rec.sequenceId,
    action: rec.action,
    kind: "action",
    key: null,
    recorded: rec.action,
    current: chosen,
    message: `the current code runs ${chosen === null ? "no action (the app ends)" : `"${chosen}"`} where the record ran "${rec.action}"`,
    transition: transitionTaken(app, prior, chosen),
  };
}

export async function replayRun(builder: ReplayableBuilder, run: RecordedRun, options: ReplayOptions = {}): Promise<ReplayReport> {
  const warnings = [...run.warnings];
  const steps = run.steps;
  const start = startOf(steps, warnings);
  const live: LiveCall[] = [];
  let currentChanges: StepChanges | null = null;
  let openedSpans: { uid: string; name: string }[] = [];
  let where = { sequenceId: -1, action: "" };
  const hooks: LifecycleHooks = {
    postRunStep: (args) => {
      currentChanges = args.changes ?? null;
    },
    preStartSpan: (args) => {
      // trace() opens no span in replay: a span here is tracer.span() code, live unless it only made traced calls.
      openedSpans.push({ uid: args.span.uid, name: args.span.name });
    },
  };
  const before = start > 0 ? steps[start - 1] : null;
  const startState = before ? recordedStateAt(steps, start - 1) : null;
  if (before && startState === null) throw new ReplayInputError(`step ${before.sequenceId} has no recorded state (a compact log whose full state is missing?); replay cannot start`);
  const app = builder.buildForReplay(
    { state: startState ? plain(startState) : null, priorAction: lastGoodAction(steps, start), lastSequenceId: before ? before.sequenceId : null },
    [hooks],
    options.gate ?? null,
  );
  const calls = new RecordedCallSource();
  const unwatch = watchLiveCalls((what) => live.push({ sequenceId: where.sequenceId, action: where.action, what }));
  setTraceReplay(calls);
  let replayed = 0;
  let divergence: Divergence | null = null;
  const reportOf = (d: Divergence | null): ReplayReport => ({
    status: d ? "diverged" : "match",
    source: run.source,
    stateOnly: false,
    stepsRecorded: steps.length,
    stepsReplayed: replayed,
    divergence: d,
    live,
    warnings,
  });
  try {
    for (let i = start; i < steps.length && divergence === null; i++) {
      const rec = steps[i];
      if (options.until !== undefined && rec.sequenceId > options.until) break;
      // stateDelta first: reading `state` would parse a full state replay does not need (tracking/lazyState.ts).
      if (rec.error === null && !rec.stateDelta && rec.state === null) {
        warnings.push(`step ${rec.sequenceId} (${rec.action}) has no end in the record (the run was still going or crashed); replay stops before it`);
        break;
      }
      where = { sequenceId: rec.sequenceId, action: rec.action };
      const prior = lastGoodAction(steps, i);
      const chosen = app.nextAction();
      if (chosen !== rec.action) {
        divergence = pathDivergence(app, rec, prior, chosen);
        await options.onDivergence?.(app, reportOf(divergence), { inputs: inputsOf(rec), ran: false });
        break;
      }
      try {
        calls.begin(recordedCalls(rec));
      } catch (err) {
        throw new ReplayInputError(`the record ${run.source} is damaged: ${(err as Error).message}`);
      }
      currentChanges = null;
      openedSpans = [];
      let error: unknown = null;
      let result: Record<string, unknown> | null = null;
      try {
        const r = await app.step({ inputs: inputsOf(rec) });
        result = r ? r.result : null;
      } catch (e) {
        error = e;
      }
      for (const s of openedSpans) {
        if (!calls.spansWithCalls.has(s.uid)) live.push({ sequenceId: rec.sequenceId, action: rec.action, what: `code inside tracer.span("${s.name}") (no traced call in it)` });
      }
      divergence = compareStep(rec, i > 0 ? steps[i - 1] : null, app, calls, error, result, currentChanges);
      if (divergence === null) replayed++;
      else await options.onDivergence?.(app, reportOf(divergence), { inputs: inputsOf(rec), ran: true });
    }
  } finally {
    setTraceReplay(null);
    unwatch();
  }
  return reportOf(divergence);
}

/** The recorded state after step `index`; a damaged one is an input error (its full state is parsed only now). */
export function recordedStateAt(steps: StepRecord[], index: number): Record<string, unknown> | null {
  try {
    return stateAt(steps, index);
  } catch (err) {
    if (err instanceof DamagedLogError) throw new ReplayInputError(`the record is damaged: ${err.message}`);
    throw err;
  }
}

export function inputsOf(rec: StepRecord): Record<string, unknown> {
  try {
    return deserializeValue(rec.inputs) as Record<string, unknown>;
  } catch (err) {
    throw new ReplayInputError(`the inputs of step ${rec.sequenceId} (${rec.action}) cannot be read back: ${(err as Error).message}`);
  }
}

export function compareStep(
  rec: StepRecord,
  prev: StepRecord | null,
  app: Application,
  calls: RecordedCallSource,
  error: unknown,
  result: Record<string, unknown> | null,
  changes: StepChanges | null,
): Divergence | null {
  const at = { sequenceId: rec.sequenceId, action: rec.action };
  const callDiv = calls.divergence ?? (error instanceof Error && error.cause instanceof ReplayCallError ? error.cause.divergence : null) ?? (error === null ? calls.unmade() : null);
  if (callDiv) return { ...at, kind: "call", key: callDiv.call, recorded: callDiv.recorded, current: callDiv.current, message: callDiv.message };
  if ((rec.error !== null) !== (error !== null)) {
    const now = error instanceof Error ? `${error.name}: ${error.message}` : error === null ? "(succeeded)" : String(error);
    return { ...at, kind: "error", key: null, recorded: rec.error === null ? "(succeeded)" : rec.error.split("\n")[0], current: now, message: rec.error === null ? "the step fails now; it succeeded in the record" : "the step succeeds now; it failed in the record" };
  }
  if (rec.error !== null) return null;
  const rd = firstDifference(rec.result, asJson(result), "result");
  if (rd) return { ...at, kind: "result", key: rd.path, recorded: rd.recorded, current: rd.current, message: `the result differs at ${rd.path}` };
  const current = storedChanges(changes ?? { set: {}, appended: {}, deleted: [] });
  // Compact records say what the step wrote; full ones are compared by the states before and after.
  const wd = rec.stateDelta
    ? firstWriteDifference(rec.stateDelta, current, null, () => undefined)
    : firstWriteDifference(changesBetween(prev?.state ?? null, rec.state!), current, rec.state!, (k) => (app.state.has(k) ? app.state.get(k) : undefined));
  if (wd) return { ...at, kind: "write", key: wd.path, recorded: wd.recorded, current: wd.current, message: `state key "${wd.path}" is written differently` };
  return null;
}

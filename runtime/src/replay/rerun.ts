// "Re-run Step with Current Code": one recorded step run again with the
// program as it is now (freshly loaded), on the recorded state before it,
// with its recorded inputs and traced calls given back. The new result,
// changes and next action are reported beside the recorded ones.
import { setTraceReplay } from "../application/tracer.js";
import type { LifecycleHooks, StepChanges } from "../lifecycle/hooks.js";
import { recordedCalls } from "../tracking/recorded.js";
import { RecordedCallSource } from "./calls.js";
import { asJson, changesBetween, storedChanges } from "./compare.js";
import { compareStep, inputsOf, lastGoodAction, recordedStateAt, type ReplayableBuilder } from "./engine.js";
import { ReplayInputError } from "./sources.js";
import type { RecordedRun } from "./types.js";
import type { RerunReport, StepOutcome } from "../debug/protocol.js";

export type { RerunReport, StepOutcome };

const plain = (state: Record<string, unknown>): Record<string, unknown> => {
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(state)) if (!k.startsWith("__")) out[k] = state[k];
  return out;
};

export async function rerunStep(builder: ReplayableBuilder, run: RecordedRun, sequenceId: number): Promise<RerunReport> {
  const steps = run.steps;
  const i = steps.findIndex((s) => s.sequenceId === sequenceId);
  if (i < 0) throw new ReplayInputError(`${run.source} has no step ${sequenceId}`);
  const rec = steps[i];
  const before = i > 0 ? recordedStateAt(steps, i - 1) : null;
  if (i > 0 && before === null) throw new ReplayInputError(`${run.source}: the state before step ${sequenceId} is not recorded`);
  let changes: StepChanges | null = null;
  const hooks: LifecycleHooks = { postRunStep: (args) => void (changes = args.changes ?? null) };
  const app = builder.buildForReplay({ state: before ? plain(before) : null, priorAction: lastGoodAction(steps, i), lastSequenceId: i > 0 ? steps[i - 1].sequenceId : null }, [hooks]);
  const recordedChanges = rec.stateDelta ?? (rec.state ? changesBetween(before, rec.state) : null);
  const recorded: StepOutcome = { action: rec.action, result: rec.result, changes: recordedChanges, error: rec.error, next: steps[i + 1]?.action ?? null };
  const chosen = app.nextAction();
  if (chosen !== rec.action) {
    const current: StepOutcome = { action: chosen, result: null, changes: null, error: null, next: chosen };
    const message = `the current code runs ${chosen === null ? "no action (the app ends)" : `"${chosen}"`} here, not "${rec.action}"`;
    return { sequenceId, recorded, current, divergence: { sequenceId, action: rec.action, kind: "action", key: null, recorded: rec.action, current: chosen, message }, graph: app.graph };
  }
  const calls = new RecordedCallSource();
  calls.begin(recordedCalls(rec));
  setTraceReplay(calls);
  let error: unknown = null;
  let result: Record<string, unknown> | null = null;
  try {
    const r = await app.step({ inputs: inputsOf(rec) });
    result = r ? r.result : null;
  } catch (e) {
    error = e;
  } finally {
    setTraceReplay(null);
  }
  const divergence = compareStep(rec, i > 0 ? steps[i - 1] : null, app, calls, error, result, changes);
  const current: StepOutcome = {
    action: rec.action,
    result: asJson(result),
    // Stored form, as the record's (encoding it twice made any tagged value "not JSON-serializable").
    changes: changes ? storedChanges(changes) : null,
    error: error === null ? null : error instanceof Error ? `${error.name}: ${error.message}` : String(error),
    next: error === null ? (app.nextForGate()?.to ?? null) : null,
  };
  return { sequenceId, recorded, current, divergence, graph: app.graph };
}

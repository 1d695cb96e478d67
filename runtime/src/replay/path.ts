// State-only replay, for records that hold states and actions but no inputs
// or traced calls (a persister's history, Python Burr runs): at each step the
// current code's transitions, evaluated on the recorded state before it, must
// choose the recorded action. Actions are not re-run.
import type { StepRecord } from "../tracking/types.js";
import { pathDivergence, type ReplayableBuilder, type ReplayOptions } from "./engine.js";
import type { Divergence, RecordedRun, ReplayReport } from "./types.js";

const plain = (state: Record<string, unknown>): Record<string, unknown> => {
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(state)) if (!k.startsWith("__")) out[k] = state[k];
  return out;
};

export function replayPath(builder: ReplayableBuilder, run: RecordedRun, options: ReplayOptions = {}): ReplayReport {
  const steps: StepRecord[] = run.steps;
  const warnings = [...run.warnings, "state-only replay: the path (each step's chosen action) is compared; actions are not re-run"];
  let prior: string | null = null;
  let replayed = 0;
  let divergence: Divergence | null = null;
  const start = steps[0]?.sequenceId === 0 ? 0 : 1;
  if (start === 1) warnings.push(`the record starts at step ${steps[0].sequenceId}: its state before is unknown, so replay starts at the step after it`);
  for (let i = 0; i < start; i++) if (steps[i].error === null) prior = steps[i].action;
  for (let i = start; i < steps.length; i++) {
    const rec = steps[i];
    if (options.until !== undefined && rec.sequenceId > options.until) break;
    const before = i > 0 ? steps[i - 1] : null;
    const app = builder.buildForReplay({ state: before?.state ? plain(before.state) : null, priorAction: prior, lastSequenceId: before ? before.sequenceId : null }, []);
    const chosen = app.nextAction();
    if (chosen !== rec.action) {
      divergence = pathDivergence(app, rec, prior, chosen);
      break;
    }
    replayed++;
    if (rec.error === null) prior = rec.action;
  }
  return { status: divergence ? "diverged" : "match", source: run.source, stateOnly: true, stepsRecorded: steps.length, stepsReplayed: replayed, divergence, live: [], warnings };
}

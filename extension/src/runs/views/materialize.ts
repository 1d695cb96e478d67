// Runs are read with states as deltas (a compact log of 5,000 steps would
// otherwise rebuild 5,000 full states to show a tree that needs none); a
// step's full state is rebuilt only when something looks at it.
import { stateAt } from "../../../../runtime/src/tracking/index.js";
import type { AppRun, StepRecord } from "../stores/types.js";

const cache = new WeakMap<StepRecord, StepRecord>();

/** The step with its whole state, rebuilt from the nearest full state if need be. */
export function fullStep(run: AppRun, step: StepRecord): StepRecord {
  if (!step.stateDelta) return step;
  const hit = cache.get(step);
  if (hit) return hit;
  const index = run.steps.indexOf(step);
  const full: StepRecord = { ...step, state: index >= 0 ? stateAt(run.steps, index) : null };
  cache.set(step, full);
  return full;
}

/** True while the step has begun and nothing about its end is recorded. */
export function isRunning(step: StepRecord): boolean {
  return step.state === null && !step.stateDelta && step.endTime === null && step.error === null;
}

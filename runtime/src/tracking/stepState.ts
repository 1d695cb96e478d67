// A tracked step's state as live values: the log stores the tagged form
// (Burr's `__burr_serde__`), which the reader hands out as is for display.
import { StateError } from "../state/errors.js";
import { State } from "../state/state.js";
import type { StepRecord } from "./types.js";

/** The State a tracked step recorded (Dates, Maps, registered classes rebuilt; Burr's `__` bookkeeping keys left out). */
export function stateOfStep(step: Pick<StepRecord, "state" | "sequenceId">): State {
  if (step.state === null) {
    throw new StateError(`Tracked step ${step.sequenceId} has no materialized state; read the app with { states: "full" } or use stateAt(steps, ${step.sequenceId}).`, "");
  }
  const values: Record<string, unknown> = {};
  for (const key of Object.keys(step.state)) if (!key.startsWith("__")) values[key] = step.state[key];
  return State.deserialize(values);
}

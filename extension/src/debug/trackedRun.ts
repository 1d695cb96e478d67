// Reads one tracked app directory (Burr's format, full or burr-ts's compact
// form) through the runtime's TrackingReader into the steps a replay walks.
import { basename, dirname } from "node:path";
import { TrackingReader } from "../../../runtime/src/tracking/index.js";
import type { GraphModel } from "../../../runtime/src/graph/model.js";
import type { WireValue } from "./source.js";

export interface RecordedStep {
  sequenceId: number;
  action: string;
  inputs: WireValue;
  result: WireValue | null;
  /** The state after the step (for a failed step: the state it started from). */
  stateAfter: WireValue;
  error: string | null;
}

export interface TrackedRun {
  appId: string;
  graph: GraphModel;
  steps: RecordedStep[];
  warnings: string[];
}

export async function loadTrackedRun(dir: string): Promise<TrackedRun> {
  const appId = basename(dir);
  const projectDir = dirname(dir);
  const run = await new TrackingReader(dirname(projectDir)).readApp(basename(projectDir), appId);
  const warnings = [...run.warnings];
  const steps: RecordedStep[] = [];
  for (const step of run.steps) {
    if (step.state === null) {
      warnings.push(`step ${step.sequenceId} (${step.action}) has no recorded end (the run may still be going) and is left out`);
      continue;
    }
    steps.push({
      sequenceId: step.sequenceId,
      action: step.action,
      inputs: (step.inputs ?? {}) as WireValue,
      result: (step.result ?? null) as WireValue | null,
      stateAfter: withoutInternalKeys(step.state),
      error: step.error,
    });
  }
  return { appId, graph: run.graph ?? { entrypoint: null, actions: [], transitions: [] }, steps, warnings };
}

/** Burr's bookkeeping keys (__SEQUENCE_ID, __PRIOR_STEP) are not the user's state. */
function withoutInternalKeys(state: Record<string, unknown>): WireValue {
  return Object.fromEntries(Object.entries(state).filter(([k]) => !k.startsWith("__"))) as WireValue;
}

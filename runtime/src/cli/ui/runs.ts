// What the browser gets of a run: the tree needs every step's action, times,
// error and status, never its state, so /api/run sends step summaries (a 5,000
// step run is ~1 MB instead of ~9), and /api/step sends one step and the one
// before it with their whole states rebuilt. Parsed runs are kept (a few, while
// their log is unchanged), so opening step after step reads the log once.
import { stateAt } from "../../tracking/logParser.js";
import type { AppRun, StepRecord } from "../../tracking/types.js";
import { HttpError } from "./validate.js";

/** The runtime's record of an error captured by onError: captureAs (the tree marks such steps). */
const CAPTURED_ERROR_ATTRIBUTE = "captured_error";

export function summaryStep(s: StepRecord): StepRecord {
  const captured = Object.hasOwn(s.attributes, CAPTURED_ERROR_ATTRIBUTE) ? { [CAPTURED_ERROR_ATTRIBUTE]: s.attributes[CAPTURED_ERROR_ATTRIBUTE] } : {};
  return {
    sequenceId: s.sequenceId, action: s.action, inputs: {}, result: null,
    // A finished step's state is not sent; `state: {}` keeps it from reading as running (state null, no end).
    state: s.state === null && !s.stateDelta ? null : {},
    error: s.error, startTime: s.startTime, endTime: s.endTime, spans: [], attributes: captured, stream: s.stream,
  };
}

export function summarizeRun(run: AppRun): AppRun {
  return { ...run, steps: run.steps.map(summaryStep) };
}

/** Step `sequenceId` (the last one with that id, as a rewound run may repeat ids) and the step before it, with whole states. */
export function stepWithPrevious(run: AppRun, sequenceId: number, what: string): { step: StepRecord; previous: StepRecord | null; index: number } {
  let index = -1;
  for (let i = run.steps.length - 1; i >= 0; i--) {
    if (run.steps[i].sequenceId === sequenceId) {
      index = i;
      break;
    }
  }
  if (index < 0) throw new HttpError(404, "not_found", `${what} has no step ${sequenceId} (it has ${run.steps.length}).`);
  const whole = (i: number): StepRecord => {
    const s = run.steps[i];
    if (!s.stateDelta) return s;
    const { stateDelta: _delta, ...rest } = s;
    return { ...rest, state: stateAt(run.steps, i) };
  };
  return { step: whole(index), previous: index > 0 ? whole(index - 1) : null, index };
}

/** The last few runs read, each valid while its source says the same version. */
export class RunCache {
  private readonly entries = new Map<string, { version: string; run: Promise<AppRun> }>();

  constructor(private readonly size = 6) {}

  get(key: string, version: string | null, read: () => Promise<AppRun>): Promise<AppRun> {
    const hit = this.entries.get(key);
    if (hit && version !== null && hit.version === version) {
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit.run;
    }
    const run = read();
    if (version !== null) {
      this.entries.delete(key);
      this.entries.set(key, { version, run });
      run.catch(() => this.entries.delete(key));
      while (this.entries.size > this.size) this.entries.delete(this.entries.keys().next().value as string);
    }
    return run;
  }
}

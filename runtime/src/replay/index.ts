// Replay with the current code (issue 18): the engine, its inputs and its report.
export { replayRun, type ReplayableBuilder, type ReplayOptions } from "./engine.js";
export { replayPath } from "./path.js";
export { loadProgram } from "./program.js";
export { readTrackedRun, readPersistedRun, ReplayInputError } from "./sources.js";
export { formatReport } from "./report.js";
export type { Divergence, RecordedRun, ReplayReport, TransitionTaken } from "./types.js";
export type { LiveCall } from "./live.js";
export { rerunStep, type RerunReport, type StepOutcome } from "./rerun.js";
export { graphChange } from "../graph/change.js";

// Where a recorded run comes from: a tracked app directory, project/appId
// under a tracking directory, or a persister's history (state only). Every
// byte is untrusted: a damaged record is a clear ReplayInputError, never a
// replay that diverges for the wrong reason.
import { existsSync, readFileSync, statSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { homedir } from "node:os";
import type { RewindableStatePersister } from "../persistence/types.js";
import { parseLog } from "../tracking/logParser.js";
import type { StepRecord } from "../tracking/types.js";
import type { RecordedRun } from "./types.js";

/** The record or the program cannot be used (the CLI exits 2). */
export class ReplayInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ReplayInputError";
  }
}

const MAX_LOG_BYTES = 1024 * 1024 * 1024;

/** `run` is a directory holding log.jsonl, or `project/appId` under `trackingDir` (default ~/.burr). */
export function readTrackedRun(run: string, trackingDir: string = join(homedir(), ".burr")): RecordedRun {
  let dir = resolve(run);
  if (!existsSync(join(dir, "log.jsonl"))) {
    const parts = run.split("/");
    const asId = parts.length === 2 && parts.every((p) => p !== "" && p !== "." && p !== "..") ? join(trackingDir, parts[0], parts[1]) : null;
    if (asId && existsSync(join(asId, "log.jsonl"))) dir = asId;
    else {
      throw new ReplayInputError(
        `no tracked run at "${run}": give an app's directory (holding log.jsonl) or project/appId under ${trackingDir} (--tracking-dir to change it)`,
      );
    }
  }
  const logPath = join(dir, "log.jsonl");
  const size = statSync(logPath).size;
  if (size > MAX_LOG_BYTES) throw new ReplayInputError(`${logPath} is ${size} bytes; replay reads logs up to ${MAX_LOG_BYTES} bytes`);
  const text = readFileSync(logPath, "utf8");
  // Compact steps stay deltas (replay compares what a step wrote); full states are rebuilt only where needed,
  // and a full state that comes with its step's delta is parsed only if read (replay starting from it).
  const log = parseLog(text, logPath, false, { lazyStates: true });
  // A torn last line is a run still being written; anything else skipped means the record is damaged.
  const damaged = log.warnings.filter((w) => !w.includes("truncated last line"));
  if (damaged.length) {
    throw new ReplayInputError(`the record ${logPath} is damaged, and replay needs all of it:\n  ${damaged.slice(0, 5).join("\n  ")}${damaged.length > 5 ? `\n  (${damaged.length - 5} more)` : ""}`);
  }
  if (log.steps.length === 0) throw new ReplayInputError(`${logPath} holds no steps to replay`);
  checkSequence(log.steps, logPath);
  return { source: `${basename(dirname(dir))}/${basename(dir)}`, steps: log.steps, stateOnly: false, warnings: log.warnings };
}

function checkSequence(steps: StepRecord[], where: string): void {
  for (let i = 1; i < steps.length; i++) {
    if (steps[i].sequenceId !== steps[i - 1].sequenceId + 1) {
      throw new ReplayInputError(`${where}: step ${steps[i - 1].sequenceId} is followed by step ${steps[i].sequenceId}; replay needs consecutive steps (a rewound or edited run?)`);
    }
  }
}

/** A persister's current history of an app as a state-only record (no inputs, results or traced calls). */
export async function readPersistedRun(persister: RewindableStatePersister, partitionKey: string | null, appId: string, label: string): Promise<RecordedRun> {
  const list = await persister.listSteps(partitionKey, appId);
  if (list.length === 0) throw new ReplayInputError(`${label} has no saved steps of app "${appId}"${partitionKey ? ` (partition key "${partitionKey}")` : ""}`);
  const steps: StepRecord[] = [];
  for (const s of list) {
    const loaded = await persister.load(partitionKey, appId, s.sequenceId);
    if (!loaded) throw new ReplayInputError(`${label}: step ${s.sequenceId} of app "${appId}" is listed but cannot be loaded`);
    steps.push({
      sequenceId: s.sequenceId,
      action: s.position,
      inputs: {},
      result: null,
      state: loaded.state.serialize(),
      error: s.status === "failed" ? "(failed; the persister keeps no error text)" : null,
      startTime: null,
      endTime: s.createdAt.getTime(),
      spans: [],
      attributes: {},
      stream: null,
    });
  }
  checkSequence(steps, label);
  return { source: `${label} app ${appId}`, steps, stateOnly: true, warnings: [] };
}

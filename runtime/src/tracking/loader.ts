// A tracked run as a state loader (Burr's LocalTrackingClient.load): the
// state recorded at a step of <storageDir>/<project>/<appId>/log.jsonl, so
// initializeFrom(tracker) resumes or forks a tracked run like a persisted one.
// The log is untrusted input: a bad step is an error naming the app and step.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { ConfigurationError } from "../errors.js";
import type { PersistedStep } from "../persistence/types.js";
import { State } from "../state/state.js";
import { TrackingReader } from "./reader.js";

export async function loadTrackedStep(
  storageDir: string,
  project: string,
  partitionKey: string | null,
  appId: string,
  sequenceId: number | undefined,
): Promise<PersistedStep | null> {
  const dir = join(storageDir, project, appId);
  if (!existsSync(join(dir, "log.jsonl"))) return null;
  const run = await new TrackingReader(storageDir).readApp(project, appId);
  // Finished steps only: a step still running (or torn off) has no state after it.
  const ended = run.steps.filter((s) => s.state !== null);
  if (ended.length === 0) return null;
  const step = sequenceId === undefined ? ended[ended.length - 1] : ended.findLast((s) => s.sequenceId === sequenceId);
  if (!step) {
    const ids = ended.map((s) => s.sequenceId);
    throw new ConfigurationError(
      `initializeFrom: tracked app "${appId}" in project "${project}" has no finished step ${sequenceId} ` +
        `(it has ${ids.length > 8 ? `${ids.slice(0, 4).join(", ")}, …, ${ids.slice(-3).join(", ")}` : ids.join(", ")}); fork from one of those`,
      { appId, sequenceId },
    );
  }
  const values: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(step.state!)) if (!key.startsWith("__")) values[key] = value;
  let state: State;
  try {
    state = new State(values);
  } catch (err) {
    throw new ConfigurationError(
      `initializeFrom: the state recorded at step ${step.sequenceId} of tracked app "${appId}" (${dir}) cannot be loaded: ${(err as Error).message}`,
      { appId, sequenceId: step.sequenceId },
    );
  }
  return {
    partitionKey: run.partitionKey ?? partitionKey,
    appId,
    sequenceId: step.sequenceId,
    position: step.action,
    state,
    status: step.error === null ? "completed" : "failed",
    createdAt: new Date(step.endTime ?? Date.now()),
  };
}

/** App ids of a tracked project (newest first), optionally of one partition key. */
export async function listTrackedAppIds(storageDir: string, project: string, partitionKey: string | null): Promise<string[]> {
  const apps = await new TrackingReader(storageDir).listApps(project);
  return apps.filter((a) => partitionKey === null || a.partitionKey === partitionKey).map((a) => a.appId);
}

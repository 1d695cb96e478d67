// "Fork and Debug from Here": the debug adapter puts a fork request in the
// program's environment and the runtime applies it to the first app the
// program builds under the debugger, whatever the program's own
// initializeFrom says. The app starts where Burr's fork would (the state
// after the tracked step, its next action chosen by that step's transitions;
// a failed step runs again) under a new app id whose parent is the step.
// Anything that stops the fork is an error naming the run, the step and the fix.
import { ConfigurationError } from "../errors.js";
import { State } from "../state/state.js";
import { TrackingReader } from "../tracking/reader.js";
import { DEBUG_FORK_ENV, DEBUG_PORT_ENV, DEBUG_TOKEN_ENV } from "./protocol.js";

export interface ForkRequest {
  /** The tracking directory holding the run (the local tracker's storageDir). */
  trackingDir: string;
  project: string;
  appId: string;
  partitionKey: string | null;
  sequenceId: number;
}

export interface ForkPoint {
  state: State;
  /** The action whose transitions choose the first step (null when `next` is set). */
  priorAction: string | null;
  /** The first action, for a failed step that runs again. */
  next: string | null;
  lastSequenceId: number;
}

let consumed = false;

/** The pending fork request of a program the debugger launched, once: only the first app built takes it. */
export function takeForkRequest(env: NodeJS.ProcessEnv = process.env): ForkRequest | null {
  if (consumed || !env[DEBUG_PORT_ENV] || !env[DEBUG_TOKEN_ENV]) return null;
  const text = env[DEBUG_FORK_ENV];
  if (!text) return null;
  consumed = true;
  return parseForkRequest(text);
}

export function parseForkRequest(text: string): ForkRequest {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new ConfigurationError(`The debugger's fork request (${DEBUG_FORK_ENV}) is not JSON; start "Fork and Debug from Here" again`);
  }
  const r = (value ?? {}) as Record<string, unknown>;
  const ok =
    typeof r.trackingDir === "string" && typeof r.project === "string" && typeof r.appId === "string" && r.appId !== "" &&
    (r.partitionKey === null || r.partitionKey === undefined || typeof r.partitionKey === "string") &&
    typeof r.sequenceId === "number" && Number.isInteger(r.sequenceId) && r.sequenceId >= 0;
  if (!ok) {
    throw new ConfigurationError(
      `The debugger's fork request (${DEBUG_FORK_ENV}) needs trackingDir, project, appId and a sequenceId (a whole number ≥ 0); start "Fork and Debug from Here" again`,
    );
  }
  return { trackingDir: r.trackingDir as string, project: r.project as string, appId: r.appId as string, partitionKey: (r.partitionKey as string | null | undefined) ?? null, sequenceId: r.sequenceId as number };
}

/** Reads the tracked step and checks that the program's app can continue from it. */
export async function loadForkPoint(request: ForkRequest, actions: ReadonlySet<string>, forkAppId: string): Promise<ForkPoint> {
  const where = `step ${request.sequenceId} of app "${request.appId}" (project "${request.project}" in ${request.trackingDir})`;
  let run;
  try {
    run = await new TrackingReader(request.trackingDir).readApp(request.project, request.appId);
  } catch (err) {
    throw new ConfigurationError(`The debugger cannot fork ${where}: ${(err as Error).message}`, { appId: forkAppId });
  }
  const step = run.steps.find((s) => s.sequenceId === request.sequenceId);
  if (!step) {
    const ids = run.steps.map((s) => s.sequenceId);
    const has = ids.length ? `it has steps ${ids[0]} to ${ids[ids.length - 1]}` : "it has no steps";
    throw new ConfigurationError(`The debugger cannot fork ${where}: no such step is recorded (${has}); pick a recorded step`, { appId: forkAppId });
  }
  if (step.state === null) {
    throw new ConfigurationError(`The debugger cannot fork ${where}: the step has no recorded end (the run may still be going); pick a finished step`, { appId: forkAppId });
  }
  if (!actions.has(step.action)) {
    throw new ConfigurationError(
      `The debugger cannot fork ${where} in this program: its app has no action "${step.action}" (it has ${[...actions].map((a) => `"${a}"`).join(", ")}). ` +
        `Choose the program that runs project "${request.project}"`,
      { appId: forkAppId, action: step.action },
    );
  }
  // Burr's bookkeeping keys (__SEQUENCE_ID, __PRIOR_STEP) are the tracker's, not the app's state.
  const values = Object.fromEntries(Object.entries(step.state).filter(([k]) => !k.startsWith("__")));
  const state = State.deserialize(values);
  // A failed step recorded the state it started from: it runs again, as Burr resumes one.
  if (step.error) return { state, priorAction: null, next: step.action, lastSequenceId: step.sequenceId };
  return { state, priorAction: step.action, next: null, lastSequenceId: step.sequenceId };
}

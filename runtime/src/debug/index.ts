export type { StepGate, GateTarget, BeforeStepInfo, AfterStepInfo } from "./gate.js";
import type { StepGate } from "./gate.js";
import { DebugConnection } from "./connection.js";
import { DEBUG_PORT_ENV, DEBUG_TOKEN_ENV } from "./protocol.js";
import { RemoteGate, type ReplayGateOptions } from "./remoteGate.js";
export { RemoteGate, type ReplayGateOptions } from "./remoteGate.js";

let shared: DebugConnection | null | undefined;

/**
 * The gate for a program launched by the burr debug adapter (it sets
 * BURR_DEBUG_PORT and BURR_DEBUG_TOKEN), or null. Every app built in the
 * process shares one connection; each gets its own gate.
 */
export function createDebugGateFromEnv(): StepGate | null {
  if (shared === undefined) shared = openFromEnv();
  return shared ? new RemoteGate(shared) : null;
}

function openFromEnv(): DebugConnection | null {
  const port = Number(process.env[DEBUG_PORT_ENV]);
  const token = process.env[DEBUG_TOKEN_ENV];
  if (!port || !token) return null;
  return new DebugConnection(port, token);
}

/** The gate of an app replayed with the program under the debugger (replay/debugRunner.ts); null when not launched by it. */
export function createReplayGateFromEnv(options: ReplayGateOptions): RemoteGate | null {
  if (shared === undefined) shared = openFromEnv();
  return shared ? new RemoteGate(shared, options) : null;
}

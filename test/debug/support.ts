// Drives the built adapter (dist/debugAdapter.js) over stdio with DebugClient.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { DebugClient } from "@vscode/debugadapter-testsupport";
import type { DebugProtocol } from "@vscode/debugprotocol";

export const repoRoot = join(__dirname, "..", "..");
export const adapterPath = join(repoRoot, "dist", "debugAdapter.js");
export const fixtures = join(repoRoot, "test", "fixtures", "debug");
export const pythonRuns = join(__dirname, "../tracking/fixtures/burr-python-runs");

export function assertAdapterBuilt(): void {
  if (!existsSync(adapterPath)) throw new Error(`${adapterPath} is missing: run "node scripts/build.mjs" first`);
}

export async function startClient(): Promise<DebugClient> {
  assertAdapterBuilt();
  const dc = new DebugClient("node", adapterPath, "burr");
  dc.defaultTimeout = 30_000; // a shared 2-core machine can take seconds to start tsx
  await dc.start();
  return dc;
}

export interface Launch {
  dc: DebugClient;
  output: string[];
  stopped: DebugProtocol.StoppedEvent;
}

/** Everything written to the debug console, kept as it arrives. */
export function collectOutput(dc: DebugClient): string[] {
  const output: string[] = [];
  dc.on("output", (e: DebugProtocol.OutputEvent) => output.push(e.body.output));
  return output;
}

/**
 * initialize → breakpoints (inside the configuration phase) → configurationDone + launch,
 * resolving at the first stop.
 */
export async function launchToFirstStop(
  dc: DebugClient,
  launch: Record<string, unknown>,
  configure: () => Promise<unknown> = async () => undefined,
): Promise<DebugProtocol.StoppedEvent> {
  const stopped = dc.waitForEvent("stopped") as Promise<DebugProtocol.StoppedEvent>;
  const initialized = dc.waitForEvent("initialized");
  await dc.initializeRequest({ adapterID: "burr", linesStartAt1: true, columnsStartAt1: true, pathFormat: "path", supportsVariablePaging: true });
  await initialized;
  await configure();
  await Promise.all([dc.configurationDoneRequest(), dc.launchRequest(launch as DebugProtocol.LaunchRequestArguments)]);
  return stopped;
}

/** Runs a request that makes the app move and resolves with the next stop. */
export async function moveAndStop(dc: DebugClient, move: () => Promise<unknown>): Promise<DebugProtocol.StoppedEvent> {
  const stopped = dc.waitForEvent("stopped") as Promise<DebugProtocol.StoppedEvent>;
  await move();
  return stopped;
}

export async function topFrame(dc: DebugClient): Promise<DebugProtocol.StackFrame> {
  return (await stack(dc))[0];
}

export async function stack(dc: DebugClient): Promise<DebugProtocol.StackFrame[]> {
  return (await dc.stackTraceRequest({ threadId: 1 })).body.stackFrames;
}

/** A scope of a frame as plain JSON, expanded to any depth through variables requests. */
export async function scopeValue(dc: DebugClient, frameId: number, scope: string): Promise<unknown> {
  const scopes = (await dc.scopesRequest({ frameId })).body.scopes;
  const found = scopes.find((s) => s.name === scope);
  if (!found) throw new Error(`no scope ${scope}; have ${scopes.map((s) => s.name).join(", ")}`);
  return expand(dc, found.variablesReference, false);
}

async function expand(dc: DebugClient, reference: number, isArray: boolean): Promise<unknown> {
  const vars = (await dc.variablesRequest({ variablesReference: reference })).body.variables;
  const entries: [string, unknown][] = [];
  for (const v of vars) {
    const value = v.variablesReference ? await expand(dc, v.variablesReference, v.type === "array") : v.value === "[]" ? [] : v.value === "{}" ? {} : JSON.parse(v.value);
    entries.push([v.name, value]);
  }
  return isArray ? entries.map(([, value]) => value) : Object.fromEntries(entries);
}

export async function stopQuietly(dc: DebugClient): Promise<void> {
  try {
    await dc.stop();
  } catch {
    // the adapter may already be gone after the session ended
  }
}
export const counter = join(fixtures, "counter.ts");

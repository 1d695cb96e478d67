// Debugger figures through the built adapter (dist/debugAdapter.js) over real
// DAP: the round trip from a `next` request to its `stopped` event, and launch
// to first stop for a TypeScript program, each beside the same program run
// without the debugger.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { DebugClient } from "@vscode/debugadapter-testsupport";
import type { DebugProtocol } from "@vscode/debugprotocol";
import type { BenchFn, BenchSection } from "./types.js";

const root = join(__dirname, "..");
const adapter = join(root, "dist", "debugAdapter.js");
const program = join(root, "test", "fixtures", "debug", "counter.ts");
const STEPS = 200;
const LAUNCHES = 5;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];
}

async function session<T>(run: (dc: DebugClient) => Promise<T>): Promise<T> {
  const dc = new DebugClient("node", adapter, "burr");
  dc.defaultTimeout = 30_000;
  await dc.start();
  try {
    return await run(dc);
  } finally {
    await dc.stop().catch(() => undefined);
  }
}

/** Milliseconds from the launch request to the first stop (stopOnEntry). */
async function launchToFirstStop(dc: DebugClient, env: Record<string, string>): Promise<number> {
  await dc.initializeRequest({ adapterID: "burr", pathFormat: "path", linesStartAt1: true, columnsStartAt1: true });
  await dc.configurationDoneRequest();
  const stopped = dc.waitForEvent("stopped");
  const start = performance.now();
  await dc.launchRequest({ program, stopOnEntry: true, env } as DebugProtocol.LaunchRequestArguments);
  await stopped;
  return performance.now() - start;
}

async function stepRoundTrips(): Promise<number[]> {
  return session(async (dc) => {
    await launchToFirstStop(dc, { COUNTER_LIMIT: "100000000" });
    const times: number[] = [];
    for (let i = 0; i < STEPS; i++) {
      const stopped = dc.waitForEvent("stopped");
      const start = performance.now();
      await dc.nextRequest({ threadId: 1 });
      await stopped;
      times.push(performance.now() - start);
    }
    return times;
  });
}

function runFixture(file: string, env: Record<string, string>): Promise<{ ms: number; stdout: string }> {
  const tsx = pathToFileURL(createRequire(join(root, "package.json")).resolve("tsx")).href;
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const child = spawn(process.execPath, ["--import", tsx, file], { stdio: ["ignore", "pipe", "inherit"], env: { ...process.env, ...env } });
    let stdout = "";
    child.stdout.setEncoding("utf8").on("data", (text: string) => (stdout += text));
    child.on("error", reject);
    child.on("close", (code) => (code === 0 ? resolve({ ms: performance.now() - start, stdout }) : reject(new Error(`${file} exited with ${code}`))));
  });
}

/** The same program run to its end with no debugger: process start to exit. */
async function plainRun(): Promise<number> {
  return (await runFixture(program, { COUNTER_LIMIT: "3" })).ms;
}

/** Microseconds per step of a one-action app without a debugger (in its own process). */
async function plainStepMicros(): Promise<number> {
  return Number((await runFixture(join(root, "test", "fixtures", "debug", "plainSteps.ts"), {})).stdout.trim());
}

export const bench: BenchFn = async () => {
  if (!existsSync(adapter)) throw new Error(`${adapter} is missing: run node scripts/build.mjs`);
  const trips = await stepRoundTrips();
  const launches: number[] = [];
  for (let i = 0; i < LAUNCHES; i++) launches.push(await session((dc) => launchToFirstStop(dc, { COUNTER_LIMIT: "3" })));
  const plainRuns: number[] = [];
  for (let i = 0; i < LAUNCHES; i++) plainRuns.push(await plainRun());
  const stepMicros = await plainStepMicros();
  const roundTrip = median(trips);
  const beyondAction = roundTrip - stepMicros / 1000;
  const launch = median(launches);
  const section: BenchSection = {
    title: "debugger",
    workload: `test/fixtures/debug/counter.ts; ${STEPS} \`next\` requests, each to its \`stopped\` event, over DAP on stdio and the NDJSON loopback link; launch to first stop (stopOnEntry) median of ${LAUNCHES}`,
    rows: [
      {
        subject: "burr debug adapter",
        figures: {
          "next→stopped median ms": roundTrip,
          "next→stopped p95 ms": percentile(trips, 0.95),
          "beyond the action ms": beyondAction,
          "launch→first stop ms": launch,
        },
      },
      {
        subject: "same app, no debugger",
        figures: { "step µs": stepMicros, "process start→exit ms": median(plainRuns) },
      },
    ],
    notes: [
      `round trip beyond the action's own time ${beyondAction.toFixed(2)} ms (target ≤ 5 ms): ${beyondAction <= 5 ? "met" : "NOT met"}`,
      `launch to first stop ${Math.round(launch)} ms (target ≤ 2000 ms): ${launch <= 2000 ? "met" : "NOT met"}`,
    ],
  };
  return section;
};

// burr-ts/http under load from another process (autocannon over loopback):
// chat turns over JSON and SSE with the SQLite persister at 1, 16 and 64
// concurrent clients (each client its own conversation), beside the same app
// driven by a bare node:http handler calling it directly (the floor); then
// the server's heap over 10,000 turns.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomUUID } from "node:crypto";
import autocannon from "autocannon";
import type { BenchFn, BenchRow } from "./types.js";

const SECONDS = 3;
const CLIENTS = [1, 16, 64];
const MEMORY_TURNS = 10_000;
const ROUNDS_AT_16 = 3;
// Linux's USER_HZ (the unit of /proc/<pid>/stat's CPU times).
const CLOCK_TICKS = 100;

interface Server {
  port: number;
  child: ChildProcess;
}

async function start(mode: "handler" | "floor", dir: string): Promise<Server> {
  const child = spawn(process.execPath, ["--expose-gc", "--import", "tsx", join(__dirname, "servingServer.ts"), mode, join(dir, `${mode}.db`)], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`the ${mode} server exited (${code})`)));
    child.stdout!.once("data", (d: Buffer) => resolve(Number(String(d).trim())));
  });
  return { port, child };
}

function stop(s: Server): Promise<void> {
  return new Promise((resolve) => {
    s.child.once("exit", () => resolve());
    s.child.kill("SIGTERM");
  });
}

type Result = autocannon.Result;

// Each client holds a conversation of TURNS_PER_CONVERSATION turns, then starts a new one:
// autocannon resets a client's context when its request list starts over, so the
// list is one conversation (the first turn picks its app id, the rest continue it).
const TURNS_PER_CONVERSATION = 10;

function load(port: number, connections: number, sse: boolean, opts: { duration?: number; amount?: number } = {}): Promise<Result> {
  const body = JSON.stringify({ inputs: { prompt: "Who was Aaron Burr?" } });
  const turn = {
    method: "POST" as const,
    headers: { "content-type": "application/json", ...(sse ? { accept: "text/event-stream" } : {}) },
    body,
    setupRequest: (req: autocannon.Request, context: Record<string, unknown>) => {
      context.appId ??= randomUUID();
      return { ...req, path: `/apps/${String(context.appId)}/run` };
    },
  };
  return new Promise((resolve, reject) => {
    autocannon(
      {
        url: `http://127.0.0.1:${port}`,
        connections,
        ...(opts.amount ? { amount: opts.amount } : { duration: opts.duration ?? SECONDS }),
        requests: Array.from({ length: TURNS_PER_CONVERSATION }, () => turn),
      },
      (err, result) => (err ? reject(err) : resolve(result)),
    );
  });
}

/** The server process's CPU time so far (user + system, µs), from /proc; NaN where there is none. */
function serverCpuMicros(s: Server): number {
  try {
    const fields = readFileSync(`/proc/${s.child.pid}/stat`, "utf8").split(") ")[1]!.split(" ");
    return ((Number(fields[11]) + Number(fields[12])) * 1e6) / CLOCK_TICKS;
  } catch {
    return Number.NaN;
  }
}

function median(xs: number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

async function heap(port: number): Promise<number> {
  const r = (await (await fetch(`http://127.0.0.1:${port}/__mem`)).json()) as { heapUsed: number };
  return r.heapUsed / 2 ** 20;
}

function figures(r: Result): BenchRow["figures"] {
  const bad = r.non2xx + r.errors + r.timeouts;
  return { "turns/s": r.requests.average, "p50 ms": r.latency.p50, "p99 ms": r.latency.p99, errors: bad };
}

export const bench: BenchFn = async () => {
  const dir = mkdtempSync(join(tmpdir(), "burr-bench-serving-"));
  const rows: BenchRow[] = [];
  const notes: string[] = [];
  const at16: Record<string, number> = {};
  try {
    for (const sse of [false, true]) {
      for (const clients of CLIENTS) {
        // The target rows (16 clients) alternate floor and handler for ROUNDS_AT_16 runs and keep
        // the median run of each, so a change in the machine's load does not decide the ratio.
        const runs: Record<"floor" | "handler", BenchRow["figures"][]> = { floor: [], handler: [] };
        for (let round = 0; round < (clients === 16 ? ROUNDS_AT_16 : 1); round++) {
          for (const mode of ["floor", "handler"] as const) {
            const server = await start(mode, dir);
            try {
              await load(server.port, clients, sse, { duration: 1 }); // warm up
              const cpu0 = serverCpuMicros(server);
              const r = await load(server.port, clients, sse);
              const cpu = serverCpuMicros(server) - cpu0;
              runs[mode].push({ ...figures(r), "server CPU µs/turn": r.requests.total ? cpu / r.requests.total : null });
            } finally {
              await stop(server);
            }
          }
        }
        for (const mode of ["floor", "handler"] as const) {
          const byRate = [...runs[mode]].sort((a, b) => Number(a["turns/s"]) - Number(b["turns/s"]));
          const mid = byRate[Math.floor(byRate.length / 2)]!;
          const label = mode === "floor" ? "bare node:http + app.run (floor)" : "burr-ts/http createHandler";
          rows.push({ subject: `${sse ? "SSE" : "JSON"}, ${clients} client${clients === 1 ? "" : "s"}: ${label}`, figures: mid });
          if (clients === 16) {
            at16[`${sse}-${mode}`] = Number(mid["turns/s"]);
            at16[`${sse}-${mode}-cpu`] = median(runs[mode].map((f) => Number(f["server CPU µs/turn"])));
          }
        }
      }
    }
    // The server keeps up to 1,000 apps built (createHandler's cacheApps), which 10,000 turns of
    // 10-turn conversations fill; flat means the next 10,000 turns add nothing.
    const server = await start("handler", dir);
    try {
      await load(server.port, 16, false, { amount: 1000 });
      const early = await heap(server.port);
      await load(server.port, 16, false, { amount: MEMORY_TURNS - 1000 });
      const full = await heap(server.port);
      await load(server.port, 16, false, { amount: MEMORY_TURNS });
      const late = await heap(server.port);
      const k = (n: number) => `${(n / 1000).toLocaleString("en-US")}k`;
      rows.push({
        subject: `heap after 1,000 / ${MEMORY_TURNS.toLocaleString("en-US")} / ${(2 * MEMORY_TURNS).toLocaleString("en-US")} JSON turns (16 clients)`,
        figures: { "MiB at 1k": early, [`MiB at ${k(MEMORY_TURNS)}`]: full, [`MiB at ${k(2 * MEMORY_TURNS)}`]: late },
      });
      const growth = late / full;
      notes.push(
        `memory: heap ${early.toFixed(1)} MiB after 1,000 turns, ${full.toFixed(1)} MiB after ${MEMORY_TURNS.toLocaleString("en-US")} (the app cache full), ${late.toFixed(1)} MiB after ${(2 * MEMORY_TURNS).toLocaleString("en-US")}: ` +
          `the last ${MEMORY_TURNS.toLocaleString("en-US")} turns ${growth <= 1.1 ? "left it flat" : "grew it"} (${((growth - 1) * 100).toFixed(0)}%; target: flat)`,
      );
    } finally {
      await stop(server);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  for (const sse of [false, true]) {
    const ratio = at16[`${sse}-floor`]! / at16[`${sse}-handler`]!;
    const cpu = at16[`${sse}-handler-cpu`]! / at16[`${sse}-floor-cpu`]!;
    notes.push(
      `${sse ? "SSE" : "JSON"} at 16 clients: the floor does ${ratio.toFixed(2)}x the handler's turns/s (target: within 1.3x; median of ${ROUNDS_AT_16} alternating runs); ` +
        `the server spends ${cpu.toFixed(2)}x the floor's CPU per turn (${at16[`${sse}-handler-cpu`]!.toFixed(0)} vs ${at16[`${sse}-floor-cpu`]!.toFixed(0)} µs, the figure a busy machine disturbs least)`,
    );
  }
  const p99 = (prefix: string) => Number(rows.find((r) => r.subject.startsWith(prefix))?.figures["p99 ms"]);
  for (const kind of ["JSON", "SSE"]) {
    notes.push(`${kind} at 16 clients: handler p99 ${p99(`${kind}, 16 clients: burr-ts/http`)} ms (target: under 50 ms with the offline model; the floor's ${p99(`${kind}, 16 clients: bare`)} ms)`);
  }
  const worst = Math.max(...rows.filter((r) => r.subject.includes("createHandler")).map((r) => Number(r.figures["p99 ms"])));
  notes.push(`worst handler p99 over all rows: ${worst} ms (64 clients queue on one process; compare the floor's row beside it)`);
  return {
    title: "serving",
    workload: `Chat turns (humanInput → safetyCheck → streaming aiResponse, offline model, SQLite persister) over loopback HTTP from a second process (autocannon, ${SECONDS} s per row), each client a conversation of ${TURNS_PER_CONVERSATION} turns, then a new one.`,
    rows,
    notes,
  };
};

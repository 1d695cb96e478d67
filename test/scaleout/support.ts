// Worker processes on loopback for the scale-out suites: start them, wait for
// "ready", kill them (SIGKILL included), and clean up the queue.
import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { Redis } from "ioredis";
import { skipOrFail } from "../support/skip.js";

export const redisConnection = { host: "127.0.0.1", port: 6379 };

export async function requireRedis(ctx: Mocha.Context): Promise<void> {
  const r = new Redis({ ...redisConnection, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  try {
    await r.connect();
    await r.ping();
  } catch (err) {
    skipOrFail(ctx, `Redis at 127.0.0.1:6379 is unreachable (${(err as Error).message}); start redis-server`);
  } finally {
    r.disconnect();
  }
}

export interface WorkerProcess {
  proc: ChildProcess;
  output: string[];
  exited: Promise<number | null>;
}

export function startWorkerProcess(config: Record<string, unknown>): Promise<WorkerProcess> {
  const proc = spawn(process.execPath, ["--import", "tsx", join(__dirname, "workerMain.ts")], {
    env: { ...process.env, BURR_WORKER: JSON.stringify(config) },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const output: string[] = [];
  const exited = new Promise<number | null>((r) => proc.once("exit", (code) => r(code)));
  return new Promise((resolve, reject) => {
    let buf = "";
    proc.stdout!.on("data", (d: Buffer) => {
      buf += d.toString();
      const lines = buf.split("\n");
      buf = lines.pop()!;
      for (const line of lines) {
        output.push(line);
        if (line === "ready") resolve({ proc, output, exited });
      }
    });
    let err = "";
    proc.stderr!.on("data", (d: Buffer) => (err += d.toString()));
    void exited.then((code) => reject(new Error(`worker exited (${code}) before ready: ${err.slice(-2000)}`)));
  });
}

export async function stopWorker(w: WorkerProcess, signal: NodeJS.Signals = "SIGTERM"): Promise<void> {
  if (w.proc.exitCode !== null || w.proc.signalCode !== null) return;
  w.proc.kill(signal);
  await w.exited;
}

/** Removes a test queue's jobs and our per-app keys. */
export async function dropQueue(queueName: string): Promise<void> {
  const r = new Redis(redisConnection);
  try {
    for (const pattern of [`bull:${queueName}:*`, `burr:*:${queueName}:*`]) {
      let cursor = "0";
      do {
        const [next, keys] = await r.scan(cursor, "MATCH", pattern, "COUNT", 1000);
        cursor = next;
        if (keys.length) await r.del(...keys);
      } while (cursor !== "0");
    }
  } finally {
    r.disconnect();
  }
}

export async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

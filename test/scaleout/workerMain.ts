// A worker process for the scale-out tests and bench: starts a burr-ts BullMQ
// worker from BURR_WORKER (JSON) and says "ready" on stdout.
import { LocalTrackingClient, PostgreSQLPersister } from "burr-ts";
import { startWorker } from "burr-ts/bullmq";
import { registry } from "./apps.js";

interface Config {
  queueName: string;
  pgUrl: string;
  table: string;
  storageDir?: string;
  slowMs?: number;
  concurrency?: number;
  leaseMs?: number;
  lockMs?: number;
}

async function main(): Promise<void> {
const config = JSON.parse(process.env.BURR_WORKER ?? "{}") as Config;
const persister = PostgreSQLPersister.fromUrl(config.pgUrl, { tableName: config.table });
const hooks = config.storageDir ? [new LocalTrackingClient({ project: "scaleout", storageDir: config.storageDir })] : [];
const worker = await startWorker({
  connection: { host: "127.0.0.1", port: Number(process.env.BURR_REDIS_PORT ?? 6379) },
  queueName: config.queueName,
  apps: registry(persister, config.slowMs ?? 0),
  persister,
  hooks,
  concurrency: config.concurrency ?? 4,
  leaseMs: config.leaseMs ?? 2000,
  lockDurationMs: config.lockMs ?? 2000,
  stalledIntervalMs: Math.max(250, Math.floor((config.lockMs ?? 2000) / 2)),
  retryDelayMs: 25,
});
worker.worker.on("failed", (job, err) => process.stdout.write(`failed ${job?.id} ${err.message.replace(/\n/g, " ")}\n`));
worker.worker.on("active", (job) => process.stdout.write(`active ${job.id}\n`));
process.stdout.write("ready\n");
process.on("SIGTERM", () => {
  void worker.close().then(() => persister.close()).then(() => process.exit(0));
});
}

main().catch((e: unknown) => {
  process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
  process.exit(1);
});

// burr-ts/bullmq: parallel children and whole app turns as BullMQ jobs over
// Redis, state in the app's persister (PostgreSQL past one machine). bullmq
// (and its driver ioredis) are optional peers, loaded on first use.
export { BullMQExecutor } from "./executor.js";
export type { BullMQExecutorOptions } from "./executor.js";
export { startWorker } from "./worker.js";
export type { AppFactory, BurrWorker, StartWorkerOptions } from "./worker.js";
export { enqueueRun } from "./turns.js";
export type { EnqueueRunOptions } from "./turns.js";

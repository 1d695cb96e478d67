// startWorker: a BullMQ worker that runs burr-ts jobs — parallel children
// (from BullMQExecutor) and whole turns (from enqueueRun) — from a registry of
// app factories and child targets. Every job holds its app's lease while it
// runs; a job whose app is busy, or whose turn is not next, waits (delayed,
// not failed). State is loaded and saved by the persister the app factory
// configures (PostgreSQL past one machine).
import type { Job, Worker } from "bullmq";
import type { ApplicationBuilder } from "../application/builder.js";
import { runChildApp } from "../application/childRun.js";
import type { ResolvedParts } from "../application/parallelTypes.js";
import { RunnableGraph, type SubTarget } from "../application/runnableGraph.js";
import { ActionBase } from "../actions/action.js";
import { BurrError, ConfigurationError } from "../errors.js";
import type { LifecycleHooks } from "../lifecycle/hooks.js";
import type { StatePersister } from "../persistence/types.js";
import { State } from "../state/state.js";
import type { StateValues } from "../state/types.js";
import { appKeys, parseJobData, type ChildJobData, type TurnJobData } from "./jobs.js";
import { Lease } from "./lease.js";
import { loadBullMQ, redisOf, type ConnectionOptions, type RedisCommands } from "./load.js";
import { TurnBook } from "./turns.js";

/** Builds an app for a turn: a builder after initializeFrom(persister, …); the worker sets its identifiers. */
export type AppFactory = (ids: { appId: string; partitionKey: string | null }) => ApplicationBuilder<StateValues, true>;

export interface StartWorkerOptions {
  connection: ConnectionOptions;
  queueName: string;
  /** Names to app factories (for enqueueRun's turns) and to child targets (for BullMQExecutor's children, by child name). */
  apps: Readonly<Record<string, AppFactory | SubTarget>>;
  /** Jobs at once in this process (default 4). A parent turn waiting on its children holds one: give children room. */
  concurrency?: number;
  /** Persister for children that inherit the parent's persister and initializer (they then resume after a crash). */
  persister?: StatePersister;
  /** Trackers (local tracker, OpenTelemetryHooks) for children that inherit the parent's tracker. */
  hooks?: readonly LifecycleHooks[];
  /** App lease length in ms, renewed while a job runs (default 30000): how soon a dead worker's app is picked up. */
  leaseMs?: number;
  /** BullMQ's lock on a job, in ms (default 30000): a dead worker's job is retried after it lapses. */
  lockDurationMs?: number;
  /** How often BullMQ looks for stalled jobs, in ms (default 30000). */
  stalledIntervalMs?: number;
  /** How often one job may stall (its worker died) before it fails (default 1000: a killed worker never loses work). */
  maxStalledCount?: number;
  /** Wait before trying a job whose app is busy or whose turn is not next, in ms (default 100). */
  retryDelayMs?: number;
}

export interface BurrWorker {
  readonly worker: Worker;
  close(): Promise<void>;
}

interface TraceRunner {
  runUnderContext<T>(carrier: Record<string, string>, fn: () => T): T;
}

export async function startWorker(options: StartWorkerOptions): Promise<BurrWorker> {
  const { connection, queueName, apps } = options;
  if (!apps || typeof apps !== "object") throw new ConfigurationError("startWorker needs { apps }: a registry from names to app factories or child targets");
  const { Worker, DelayedError } = await loadBullMQ();
  const leaseMs = options.leaseMs ?? 30_000;
  const retryDelay = options.retryDelayMs ?? 100;
  let redis: RedisCommands | null = null;

  const wait = async (job: Job, token: string | undefined): Promise<never> => {
    await job.moveToDelayed(Date.now() + retryDelay + Math.floor(Math.random() * retryDelay), token);
    throw new DelayedError();
  };

  const processor = async (job: Job, token?: string): Promise<unknown> => {
    const data = parseJobData(job.id, job.data);
    const pk = data.kind === "child" ? data.parent.partitionKey : data.partitionKey;
    // A child that persists nothing has nothing to protect: it skips the lease's round trips.
    if (data.kind === "child" && !(data.cascaded.persister && options.persister)) return runChild(data);
    const lease = await Lease.acquire(redis!, appKeys(queueName, pk, data.appId).lease, leaseMs);
    if (!lease) return wait(job, token);
    try {
      if (data.kind === "child") return await runChild(data);
      return await runTurn(job, token, data);
    } finally {
      await lease.release();
    }
  };

  const runChild = async (data: ChildJobData): Promise<{ state: Record<string, unknown> }> => {
    const entry = lookup(apps, data.name);
    if (typeof entry === "function" || entry === undefined) {
      throw new ConfigurationError(
        `Worker of queue "${queueName}": child "${data.name}" is not a child target in apps; register the action or RunnableGraph under that name (apps: { ${data.name}: … })`,
        { appId: data.parent.appId, action: data.parent.action },
      );
    }
    const graph = entry instanceof RunnableGraph ? entry : RunnableGraph.create(entry instanceof ActionBase ? { [data.name]: entry } : entry, data.name);
    const hooks = options.hooks ?? [];
    const parts: ResolvedParts = {
      trackers: data.cascaded.tracker ? hooks : [],
      persisters: data.cascaded.persister && options.persister ? [options.persister] : [],
      initializer: data.cascaded.initializer && options.persister ? options.persister : null,
      hooks: [],
      cascaded: data.cascaded,
    };
    const run = () => runChildApp({ index: 0, name: data.name, graph, state: State.deserialize(data.state), inputs: data.inputs, appId: data.appId, parts }, data.parent);
    const tracer = data.trace ? parts.trackers.find((h): h is typeof h & TraceRunner => typeof (h as Partial<TraceRunner>).runUnderContext === "function") : undefined;
    const state = await (tracer ? tracer.runUnderContext(data.trace!, run) : run());
    return { state: state.serialize() };
  };

  const runTurn = async (job: Job, token: string | undefined, data: TurnJobData): Promise<unknown> => {
    const book = new TurnBook(redis!, queueName, data);
    const done = await book.done();
    if (data.turn <= done) return { turn: data.turn, skipped: "already done" };
    if (data.turn > done + 1) return wait(job, token);
    const factory = lookup(apps, data.app);
    if (typeof factory !== "function") {
      throw new ConfigurationError(`Worker of queue "${queueName}": app "${data.app}" is not an app factory in apps; register (ids) => builder under that name`, { appId: data.appId });
    }
    try {
      const built = factory({ appId: data.appId, partitionKey: data.partitionKey }).withIdentifiers({ appId: data.appId, partitionKey: data.partitionKey }).build();
      if (!(built instanceof Promise)) {
        throw new ConfigurationError(`The app factory "${data.app}" must use initializeFrom(persister, …) so that turns resume from the persisted state`, { appId: data.appId });
      }
      const app = await built.catch((e: unknown) => {
        throw new BurrError(
          `Worker of queue "${queueName}" could not load app "${data.appId}" (${data.app}) from its persister: ${(e as Error).message}. The job is retried (attempt ${job.attemptsMade + 1} of ${job.opts.attempts ?? 1}); check the database connection`,
          { appId: data.appId, partitionKey: data.partitionKey },
          { cause: e },
        );
      });
      const head = app.sequenceId ?? -1;
      const start = await book.startOf(data.turn, head);
      const last = app.lastCompletedAction;
      const finished = head > start && last !== null && data.haltAfter.includes(last);
      const r = finished ? { action: last } : await app.run({ haltAfter: data.haltAfter, haltBefore: data.haltBefore, inputs: data.inputs });
      await book.markDone(data.turn);
      return { turn: data.turn, action: r.action, sequenceId: app.sequenceId, resumed: finished ? "already committed" : head > start ? "from the last committed step" : null };
    } catch (e) {
      // The last attempt: later turns go on (the failure stays in BullMQ's failed set).
      if (job.attemptsMade + 1 >= (job.opts.attempts ?? 1)) await book.markDone(data.turn);
      throw e;
    }
  };

  const worker = new Worker(queueName, processor, {
    connection,
    concurrency: options.concurrency ?? 4,
    lockDuration: options.lockDurationMs ?? 30_000,
    stalledInterval: options.stalledIntervalMs ?? 30_000,
    maxStalledCount: options.maxStalledCount ?? 1000,
    autorun: false,
  });
  redis = await redisOf(worker);
  void worker.run();
  await worker.waitUntilReady();
  return {
    worker,
    close: () => worker.close(),
  };
}

function lookup<T>(registry: Readonly<Record<string, T>>, name: string): T | undefined {
  return Object.prototype.hasOwnProperty.call(registry, name) ? registry[name] : undefined;
}

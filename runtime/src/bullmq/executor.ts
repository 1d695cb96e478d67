// BullMQExecutor: each parallel child runs as a job on any worker of the
// queue; the parent waits for the jobs and reduces their states in order.
// The child's app id is fixed by the parent step, so a retried job (a worker
// died) resumes the child from its persisted state on whichever worker takes it.
import type { Job, Queue, QueueEvents } from "bullmq";
import { runPool } from "../application/executor.js";
import type { ChildBatch, ChildJob, ParallelExecutor } from "../application/parallelTypes.js";
import { ConfigurationError } from "../errors.js";
import { State } from "../state/state.js";
import type { ChildJobData } from "./jobs.js";
import { loadBullMQ, type ConnectionOptions } from "./load.js";

export interface BullMQExecutorOptions {
  connection: ConnectionOptions;
  queueName: string;
  /** Attempts per child job before the parent's step fails (default 5), with exponential backoff from backoffMs (default 200). */
  attempts?: number;
  backoffMs?: number;
  /** How long the parent waits for one child, in ms (default: no limit). */
  childTimeoutMs?: number;
}

/** Something that can put the parent step's trace context into a job (OpenTelemetryHooks). */
interface TraceInjector {
  injectContext(ctx: { appId: string; partitionKey: string | null; sequenceId: number }): Record<string, string>;
}

export class BullMQExecutor implements ParallelExecutor {
  private parts: Promise<{ queue: Queue; events: QueueEvents }> | null = null;

  constructor(private readonly options: BullMQExecutorOptions) {
    if (!options || typeof options.queueName !== "string" || options.queueName === "" || !options.connection) {
      throw new ConfigurationError('BullMQExecutor needs { connection, queueName }, e.g. { connection: { host: "127.0.0.1", port: 6379 }, queueName: "burr" }');
    }
  }

  async runChildren(batch: ChildBatch): Promise<State[]> {
    const { queue, events } = await this.ready();
    const trace = traceOf(batch);
    const { attempts = 5, backoffMs = 200, childTimeoutMs } = this.options;
    const opts = { attempts, backoff: { type: "exponential", delay: backoffMs }, removeOnComplete: { age: 3600 }, removeOnFail: { age: 24 * 3600 } };
    const dataOf = (child: ChildJob): ChildJobData => ({
      kind: "child",
      name: child.name,
      appId: child.appId,
      parent: batch.parent,
      state: child.state.serialize(),
      inputs: child.inputs,
      cascaded: child.parts.cascaded,
      ...(trace ? { trace } : {}),
    });
    const finish = async (job: Job, child: ChildJob): Promise<State> => {
      const out = (await job.waitUntilFinished(events, childTimeoutMs)) as { state?: unknown } | null;
      if (!out || out.state === null || typeof out.state !== "object") {
        throw new ConfigurationError(`child job ${job.id} of "${child.name}" finished without a state; is the worker a burr-ts worker (startWorker)?`);
      }
      return State.deserialize(out.state as Record<string, unknown>);
    };
    if (batch.maxConcurrency >= batch.children.length) {
      // All at once: one round trip to enqueue them, then wait for each.
      const jobs = await queue.addBulk(batch.children.map((c) => ({ name: `child:${c.name}`, data: dataOf(c), opts })));
      const byIndex = new Map(batch.children.map((c, i) => [c.index, jobs[i]]));
      return runPool(batch, (child) => finish(byIndex.get(child.index)!, child));
    }
    return runPool(batch, async (child) => finish(await queue.add(`child:${child.name}`, dataOf(child), opts), child));
  }

  async close(): Promise<void> {
    const parts = this.parts;
    this.parts = null;
    if (!parts) return;
    const { queue, events } = await parts;
    await Promise.all([events.close(), queue.close()]);
  }

  private ready(): Promise<{ queue: Queue; events: QueueEvents }> {
    this.parts ??= (async () => {
      const { Queue, QueueEvents } = await loadBullMQ();
      const queue = new Queue(this.options.queueName, { connection: this.options.connection });
      const events = new QueueEvents(this.options.queueName, { connection: this.options.connection });
      // One listener per child in flight (add, waitUntilFinished): many is normal here.
      queue.setMaxListeners(0);
      events.setMaxListeners(0);
      await Promise.all([queue.waitUntilReady(), events.waitUntilReady()]);
      return { queue, events };
    })();
    this.parts.catch(() => (this.parts = null));
    return this.parts;
  }
}

/** The parent step's trace context, from a tracker of the parent that can give one. */
function traceOf(batch: ChildBatch): Record<string, string> | undefined {
  const injector = batch.children[0]?.parts.trackers.find((t): t is typeof t & TraceInjector => typeof (t as Partial<TraceInjector>).injectContext === "function");
  if (!injector) return undefined;
  const carrier = injector.injectContext(batch.parent);
  return Object.keys(carrier).length ? carrier : undefined;
}

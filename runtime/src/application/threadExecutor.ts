// Children on worker threads, for CPU-bound children that would otherwise
// share one core with the parent. Functions cannot cross threads, so each
// thread imports a module of yours that exports `children`, a registry from
// child names to targets (`{ square }` or RunnableGraphs); a child is looked
// up there by its name. States cross as State.serialize() JSON. Children on
// threads run without the parent's tracker, persister or hooks (those live in
// the parent's thread).
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { ConfigurationError } from "../errors.js";
import { State } from "../state/state.js";
import { runPool } from "./executor.js";
import type { ChildBatch, ChildJob, ParallelExecutor } from "./parallelTypes.js";

export interface WorkerThreadsOptions {
  /** The module (file URL or absolute path) exporting `children: { [name]: target }`. */
  module: URL | string;
  /** Threads in the pool; the machine's parallelism by default. */
  size?: number;
}

interface Pending {
  resolve(s: State): void;
  reject(e: Error): void;
}

interface ThreadReply {
  id: number;
  state?: Record<string, unknown>;
  error?: { name: string; message: string; stack?: string };
}

interface Thread {
  worker: Worker;
  busy: boolean;
}

export class WorkerThreadsExecutor implements ParallelExecutor {
  private readonly module: string;
  private readonly size: number;
  private threads: Thread[] = [];
  private readonly waiting: { job: ChildJob; batch: ChildBatch; pending: Pending }[] = [];
  private readonly inFlight = new Map<number, Pending & { thread: Thread }>();
  private nextId = 0;
  private closed = false;

  constructor(options: WorkerThreadsOptions) {
    if (!options || (typeof options.module !== "string" && !(options.module instanceof URL))) {
      throw new ConfigurationError("WorkerThreadsExecutor needs { module }: the URL of a module exporting `children`, e.g. new URL(\"./children.js\", import.meta.url)");
    }
    this.module = options.module instanceof URL ? options.module.href : options.module;
    this.size = Math.max(1, Math.floor(options.size ?? availableParallelism()));
  }

  runChildren(batch: ChildBatch): Promise<State[]> {
    if (this.closed) return Promise.reject(new ConfigurationError("WorkerThreadsExecutor was closed; make a new one"));
    return runPool(batch, (job) => new Promise<State>((resolve, reject) => {
      this.waiting.push({ job, batch, pending: { resolve, reject } });
      this.dispatch();
    }));
  }

  /** Ends the threads; children still running fail. */
  async close(): Promise<void> {
    this.closed = true;
    const threads = this.threads;
    this.threads = [];
    await Promise.all(threads.map((t) => t.worker.terminate()));
  }

  private dispatch(): void {
    while (this.waiting.length) {
      const thread = this.threads.find((t) => !t.busy) ?? (this.threads.length < this.size ? this.spawn() : null);
      if (!thread) return;
      const { job, batch, pending } = this.waiting.shift()!;
      const id = this.nextId++;
      thread.busy = true;
      this.inFlight.set(id, { ...pending, thread });
      thread.worker.postMessage({
        id,
        name: job.name,
        appId: job.appId,
        state: job.state.serialize(),
        inputs: job.inputs,
        parent: batch.parent,
      });
    }
  }

  private spawn(): Thread {
    const worker = new Worker(new URL("./threadWorker.js", import.meta.url), { workerData: { module: this.module } });
    const thread: Thread = { worker, busy: false };
    worker.unref();
    worker.on("message", (reply: ThreadReply) => {
      const p = this.inFlight.get(reply.id);
      if (!p) return;
      this.inFlight.delete(reply.id);
      thread.busy = false;
      if (reply.error) p.reject(Object.assign(new Error(reply.error.message), { name: reply.error.name, stack: reply.error.stack }));
      else p.resolve(State.deserialize(reply.state ?? {}));
      this.dispatch();
    });
    worker.on("error", (e) => this.lose(thread, e));
    worker.on("exit", (code) => this.lose(thread, new Error(`the worker thread exited with code ${code}`)));
    this.threads.push(thread);
    return thread;
  }

  /** A thread died: its child fails, the thread is replaced on the next dispatch. */
  private lose(thread: Thread, e: Error): void {
    this.threads = this.threads.filter((t) => t !== thread);
    for (const [id, p] of this.inFlight) {
      if (p.thread !== thread) continue;
      this.inFlight.delete(id);
      p.reject(e);
    }
    if (!this.closed) this.dispatch();
  }
}

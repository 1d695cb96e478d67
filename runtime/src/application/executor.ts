// The in-process executor (the default) and the pool every executor shares:
// at most maxConcurrency children at once, results in the children's order;
// after a failure no new child starts, the running ones settle, and the
// first failure by index is what the parent's step reports.
import type { State } from "../state/state.js";
import { runChildApp } from "./childRun.js";
import { ChildFailedError, type ChildBatch, type ChildJob, type ParallelExecutor, type ParentStep } from "./parallelTypes.js";

/** Runs each child as an application in this process, concurrently (the default). */
export class InProcessExecutor implements ParallelExecutor {
  runChildren(batch: ChildBatch): Promise<State[]> {
    return runPool(batch, (job) => runChildApp(job, batch.parent));
  }
}

export const inProcessExecutor = new InProcessExecutor();

export async function runPool(batch: ChildBatch, run: (job: ChildJob) => Promise<State>): Promise<State[]> {
  const { children, parent } = batch;
  const results = new Array<State>(children.length);
  const failures: ChildFailedError[] = [];
  let next = 0;
  const worker = async () => {
    while (next < children.length && failures.length === 0) {
      const job = children[next++];
      try {
        results[job.index] = await run(job);
      } catch (e) {
        failures.push(asChildFailure(e, parent, job));
      }
    }
  };
  const limit = Number.isFinite(batch.maxConcurrency) ? Math.max(1, Math.floor(batch.maxConcurrency)) : children.length;
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, children.length)) }, worker));
  if (failures.length) throw failures.sort((a, b) => a.childIndex - b.childIndex)[0];
  return results;
}

export function asChildFailure(e: unknown, parent: ParentStep, job: Pick<ChildJob, "index" | "name" | "appId">): ChildFailedError {
  return e instanceof ChildFailedError && e.appId === parent.appId && e.sequenceId === parent.sequenceId ? e : new ChildFailedError(e, parent, job);
}

// withStatePersister's adapter: saves after every step, failed steps too
// (with the state before the step and status "failed"), with the step's delta.
// A save that fails is marked so the engine can leave the app where it was.
import type { LifecycleHooks, PostRunStepArgs } from "../lifecycle/hooks.js";
import type { StateSaver } from "../persistence/types.js";
import { PersistenceError } from "../persistence/errors.js";
import { BurrError } from "../errors.js";

const unsaved = new WeakSet<object>();

/** True when `e` is (or was caused by) a persister refusing or failing to store a step. */
export function isSaveFailure(e: unknown): boolean {
  for (let cur = e, depth = 0; cur !== null && typeof cur === "object" && depth < 8; depth++) {
    if (unsaved.has(cur)) return true;
    cur = (cur as { cause?: unknown }).cause;
  }
  return false;
}

export class PersisterHook implements LifecycleHooks {
  constructor(readonly saver: StateSaver) {}

  postRunStep(args: PostRunStepArgs): Promise<void> {
    let pending: Promise<void>;
    try {
      pending = Promise.resolve(
        this.saver.save({
          partitionKey: args.partitionKey,
          appId: args.appId,
          sequenceId: args.sequenceId,
          position: args.action,
          state: args.state,
          status: args.exception ? "failed" : "completed",
          changes: args.changes,
        }),
      );
    } catch (e) {
      pending = Promise.reject(e);
    }
    return pending.catch((e: unknown) => {
      throw markUnsaved(e, args);
    });
  }
}

// Any failure (a conflict, a lost connection, a stack overflow in serialization)
// reaches the caller as a BurrError naming the app, the step and the action.
function markUnsaved(e: unknown, args: PostRunStepArgs): Error {
  const err =
    e instanceof BurrError
      ? e
      : new PersistenceError(
          `Saving step ${args.sequenceId} (${args.action}) failed: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}. The app stays at its last saved step; fix the cause and step again`,
          { cause: e },
          { appId: args.appId, partitionKey: args.partitionKey, action: args.action, sequenceId: args.sequenceId },
        );
  unsaved.add(err);
  return err;
}

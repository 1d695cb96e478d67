// withStatePersister's adapter: saves after every step, failed steps too
// (with the state before the step and status "failed"), with the step's delta.
import type { LifecycleHooks, PostRunStepArgs } from "../lifecycle/hooks.js";
import type { StateSaver } from "../persistence/types.js";

export class PersisterHook implements LifecycleHooks {
  constructor(readonly saver: StateSaver) {}

  postRunStep(args: PostRunStepArgs): Promise<void> {
    return this.saver.save({
      partitionKey: args.partitionKey,
      appId: args.appId,
      sequenceId: args.sequenceId,
      position: args.action,
      state: args.state,
      status: args.exception ? "failed" : "completed",
      changes: args.changes,
    });
  }
}

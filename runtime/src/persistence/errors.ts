// Errors raised by persisters. Messages name the app, the sequence id and what to do.
import { BurrError, type BurrErrorContext } from "../errors.js";

export class PersistenceError extends BurrError {
  constructor(message: string, options?: { cause?: unknown }, ctx: BurrErrorContext = {}) {
    super(message, ctx, options);
  }
}

/** Another writer already saved this sequence id (or rewound the app) first. */
export class ConcurrentStepError extends PersistenceError {
  constructor(args: { partitionKey: string | null; appId: string; sequenceId: number; reason?: string; cause?: unknown }) {
    const why = args.reason ?? `sequence id ${args.sequenceId} was already taken by another writer stepping the same app`;
    super(
      `Cannot save step ${args.sequenceId}: ${why}. ` +
        `Nothing was overwritten; reload the app (initializeFrom with resumeAtNextAction) to continue from its latest step`,
      { cause: args.cause },
      { appId: args.appId, partitionKey: args.partitionKey, sequenceId: args.sequenceId },
    );
  }
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,47}$/;

/** Table names go into SQL text, so only plain identifiers are accepted. */
export function validateTableName(name: string, persister: string): string {
  if (typeof name !== "string" || !IDENTIFIER.test(name)) {
    throw new PersistenceError(
      `${persister}: invalid table name ${JSON.stringify(name)}: use 1-48 characters, letters, digits and "_", ` +
        `starting with a letter or "_" (e.g. "burr_state").`,
    );
  }
  return name;
}

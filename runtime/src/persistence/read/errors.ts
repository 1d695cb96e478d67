// Errors met while reading persister tables: a table that is not there, or a
// row that is not what a persister writes. Each names the table, the app, its
// partition and the step, and says what to do.
import { PersistenceError } from "../errors.js";

/** Where a bad row is: enough to find it with one SELECT. */
export interface RowPlace {
  table: string;
  partitionKey: string | null;
  appId: string;
  sequenceId: number | null;
  column: string;
}

/** A row a persister would not have written (corrupt JSON, wrong types, a delta with no snapshot before it). */
export class PersistedRowError extends PersistenceError {
  readonly table: string;
  readonly column: string;
  /** What is wrong, without the place (the message has both). */
  readonly problem: string;
  constructor(place: RowPlace, problem: string, cause?: unknown) {
    super(
      `Unreadable row in persister table ${place.table}: column "${place.column}" ${problem}; ` +
        `fix or delete that row (a burr-ts or Burr persister does not write it so)`,
      { cause },
      { appId: place.appId, partitionKey: place.partitionKey, ...(place.sequenceId === null ? {} : { sequenceId: place.sequenceId }) },
    );
    this.table = place.table;
    this.column = place.column;
    this.problem = problem;
  }
}

/** The table is missing, or lacks the columns of a persister table. */
export class PersisterTableError extends PersistenceError {
  readonly table: string;
  constructor(table: string, why: string, cause?: unknown) {
    super(`Persister table "${table}" cannot be read: ${why}`, { cause });
    this.table = table;
  }
}

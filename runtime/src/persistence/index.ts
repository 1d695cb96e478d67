export type {
  StatePersister,
  StateLoader,
  StateSaver,
  SaveArgs,
  PersistedStep,
  StepStatus,
  LoadOptions,
  RewindArgs,
  BranchInfo,
  StepSummary,
  RewindableStatePersister,
  HistoryHead,
} from "./types.js";
export { isRewindable } from "./types.js";
export { ConcurrentStepError, PersistenceError } from "./errors.js";
export { InMemoryPersister } from "./memory.js";
export { SQLitePersister, type SQLitePersisterOptions } from "./sqlite.js";
export { PostgreSQLPersister, type PostgreSQLValues, type PostgreSQLOptions } from "./postgres.js";
export { PythonSQLiteLoader, type PythonSQLiteLoaderOptions } from "./pythonSqlite.js";
export type { SnapshotOptions } from "./snapshotPolicy.js";
// For readers of persister tables (the Tracked Runs view, `burr-ts ui`): rows are "full" snapshots or "delta"s.
export { replay as replayPersistedRows, decodeDelta as decodePersistedDelta } from "./codec.js";
export * from "./read/index.js";
export { betterSqliteDriver, pgDriver, openSqliteDriver, type BetterSqliteLike, type PgQueryable } from "./read/node.js";

// Reading persister tables (SQLite, PostgreSQL; burr-ts's and Python Burr's
// layouts) through a QueryDriver. Exported from "burr-ts" together with the
// Node adapters (./node.ts, kept out of this module so the VS Code extension's
// bundle does not take them); docs/reading-stores.md.
export { type QueryDriver, sqlText } from "./driver.js";
export { PersistedRowError, PersisterTableError, type RowPlace } from "./errors.js";
export { openPersisterTable, checkTableName, type PersisterTable, type TableLayout } from "./tables.js";
export { readPersistedHistory, rowTime, type PersistedHistory, type PersistedStepRecord, type ReadHistoryOptions } from "./history.js";
export {
  PersistedRunReader, listPersistedApps, historyToRun, projectOfPartition, partitionOfProject, NO_PARTITION, type PersistedAppRow,
} from "./runs.js";

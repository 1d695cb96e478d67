// Reads (never writes) the table Python Burr's SQLitePersister writes: one
// row per step, (partition_key, app_id, sequence_id, position, status, state
// JSON, created_at), so a Python app's saved conversations can be resumed or
// forked into TypeScript with initializeFrom. Rows are untrusted: a bad one is
// an error naming the app, the step and the column.
import { createRequire } from "node:module";
import type BetterSqlite3 from "better-sqlite3";
import { State } from "../state/state.js";
import { PersistenceError, validateTableName } from "./errors.js";
import type { PersistedStep, StateLoader } from "./types.js";

export interface PythonSQLiteLoaderOptions {
  /** The database file Python Burr wrote (opened read-only; it must exist). */
  dbPath: string;
  /** Python Burr's default is "burr_state". */
  tableName?: string;
}

interface BurrRow {
  position: unknown;
  state: unknown;
  sequence_id: unknown;
  app_id: unknown;
  created_at: unknown;
  status: unknown;
}

const COLUMNS = ["partition_key", "app_id", "sequence_id", "position", "status", "state", "created_at"];
const requireFromHere = createRequire(import.meta.url);

export class PythonSQLiteLoader implements StateLoader {
  readonly dbPath: string;
  readonly tableName: string;
  private db: BetterSqlite3.Database | null = null;

  constructor(options: PythonSQLiteLoaderOptions) {
    if (!options || typeof options.dbPath !== "string" || options.dbPath === "") {
      throw new PersistenceError("PythonSQLiteLoader needs { dbPath }: the SQLite file Python Burr's SQLitePersister wrote.");
    }
    this.dbPath = options.dbPath;
    this.tableName = validateTableName(options.tableName ?? "burr_state", "PythonSQLiteLoader");
  }

  private open(): BetterSqlite3.Database {
    if (this.db) return this.db;
    let Database: typeof BetterSqlite3;
    try {
      Database = requireFromHere("better-sqlite3") as typeof BetterSqlite3;
    } catch (err) {
      throw new PersistenceError('PythonSQLiteLoader needs the better-sqlite3 package: run "npm install better-sqlite3".', { cause: err });
    }
    let db: BetterSqlite3.Database;
    try {
      db = new Database(this.dbPath, { readonly: true, fileMustExist: true });
    } catch (err) {
      throw new PersistenceError(`PythonSQLiteLoader cannot open ${this.dbPath} read-only: ${(err as Error).message}`, { cause: err });
    }
    const present = (db.prepare(`PRAGMA table_info(${this.tableName})`).all() as Array<{ name: string }>).map((c) => c.name);
    const missing = COLUMNS.filter((c) => !present.includes(c));
    const ours = present.includes("kind") && present.includes("branch");
    if (missing.length > 0 || ours) {
      db.close();
      throw new PersistenceError(
        present.length === 0
          ? `PythonSQLiteLoader: ${this.dbPath} has no table "${this.tableName}"; pass the table_name the Python app gave SQLitePersister as { tableName }.`
          : ours
            ? `PythonSQLiteLoader: table "${this.tableName}" in ${this.dbPath} was written by burr-ts, not Python Burr; load it with new SQLitePersister({ dbPath }).`
            : `PythonSQLiteLoader: table "${this.tableName}" in ${this.dbPath} is not Python Burr's SQLitePersister table (no column ${missing.join(", ")}).`,
      );
    }
    this.db = db;
    return db;
  }

  async load(partitionKey: string | null, appId: string, sequenceId?: number): Promise<PersistedStep | null> {
    const db = this.open();
    const pk = partitionKey ?? ""; // Python Burr stores None as ""
    const cols = "position, state, sequence_id, app_id, created_at, status";
    const t = this.tableName;
    const row = (
      sequenceId === undefined
        ? db.prepare(`SELECT ${cols} FROM ${t} WHERE partition_key = ? AND app_id = ? ORDER BY sequence_id DESC, created_at DESC LIMIT 1`).get(pk, appId)
        : db.prepare(`SELECT ${cols} FROM ${t} WHERE partition_key = ? AND app_id = ? AND sequence_id = ? ORDER BY created_at DESC LIMIT 1`).get(pk, appId, sequenceId)
    ) as BurrRow | undefined;
    if (!row) return null;
    return this.toStep(row, partitionKey, appId);
  }

  async listAppIds(partitionKey: string | null): Promise<string[]> {
    const rows = this.open()
      .prepare(`SELECT app_id FROM ${this.tableName} WHERE partition_key = ? GROUP BY app_id ORDER BY max(created_at) DESC, max(rowid) DESC`)
      .pluck()
      .all(partitionKey ?? "");
    return rows.filter((id): id is string => typeof id === "string");
  }

  async close(): Promise<void> {
    this.db?.close();
    this.db = null;
  }

  private toStep(row: BurrRow, partitionKey: string | null, appId: string): PersistedStep {
    const where = `step ${String(row.sequence_id)} of Python app "${appId}" in ${this.dbPath} (table ${this.tableName})`;
    const bad = (column: string, what: string): never => {
      throw new PersistenceError(`PythonSQLiteLoader: ${where}: column "${column}" ${what}; the row cannot be loaded (fork from another step).`);
    };
    if (!Number.isSafeInteger(row.sequence_id) || (row.sequence_id as number) < 0) bad("sequence_id", "is not a whole number");
    if (typeof row.position !== "string" || row.position === "") bad("position", "is not an action name");
    if (row.status !== "completed" && row.status !== "failed") bad("status", `is ${JSON.stringify(row.status)}, not "completed" or "failed"`);
    if (typeof row.state !== "string") bad("state", "is not JSON text");
    let parsed: unknown;
    try {
      parsed = JSON.parse(row.state as string);
    } catch (err) {
      // Python's json.dumps writes NaN/Infinity, which JSON does not have.
      return bad("state", `is not valid JSON (${(err as Error).message})`);
    }
    if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) bad("state", "is not a JSON object");
    const values: Record<string, unknown> = {};
    // Burr's own bookkeeping (__SEQUENCE_ID, __PRIOR_STEP) is not state here: the step says it.
    for (const [key, value] of Object.entries(parsed as Record<string, unknown>)) if (!key.startsWith("__")) values[key] = value;
    let state: State;
    try {
      state = new State(values);
    } catch (err) {
      return bad("state", `holds a value burr-ts cannot take (${(err as Error).message})`);
    }
    return {
      partitionKey,
      appId,
      sequenceId: row.sequence_id as number,
      position: row.position as string,
      state,
      status: row.status as "completed" | "failed",
      createdAt: sqliteTime(row.created_at),
    };
  }
}

/** SQLite's CURRENT_TIMESTAMP is "YYYY-MM-DD HH:MM:SS" in UTC. */
function sqliteTime(value: unknown): Date {
  if (typeof value === "string") {
    const date = new Date(/^\d{4}-\d\d-\d\d \d/.test(value) ? `${value.replace(" ", "T")}Z` : value);
    if (!Number.isNaN(date.getTime())) return date;
  }
  return new Date(0);
}

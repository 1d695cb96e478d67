// The SQL that reads a persister table, written once for SQLite and
// PostgreSQL, next to the DDL it reads (../sqliteSchema.ts, ../postgresSchema.ts).
// Two layouts: burr-ts's (adds `branch` for rewinds and `kind`: full or delta
// rows) and Python Burr's (partition_key, app_id, sequence_id, position,
// status, state, created_at; every row a full state).
import { sqlText, type QueryDriver } from "./driver.js";
import { PersisterTableError } from "./errors.js";

export type TableLayout = "burr-ts" | "burr";

/** A persister table found through a driver: what to read and how it is laid out. */
export interface PersisterTable {
  readonly driver: QueryDriver;
  readonly table: string;
  readonly layout: TableLayout;
  /** Whether `<table>_branches` (rewinds) exists; burr-ts layout only. */
  readonly hasBranches: boolean;
}

/** The newest step of one app (on its newest branch), as stored. */
export interface RawAppRow {
  partition_key: unknown;
  app_id: unknown;
  sequence_id: unknown;
  position: unknown;
  status: unknown;
  created_at: unknown;
}

export interface RawStepRow {
  sequence_id: unknown;
  position: unknown;
  status: unknown;
  state: unknown;
  created_at: unknown;
  /** burr-ts layout only. */
  kind?: unknown;
  branch?: unknown;
}

export interface RawBranchRow {
  branch: unknown;
  parent_branch: unknown;
  fork_sequence_id: unknown;
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Table names go into SQL text, so only plain identifiers are accepted. */
export function checkTableName(table: string): string {
  if (typeof table !== "string" || !IDENTIFIER.test(table)) {
    throw new PersisterTableError(String(table), `${JSON.stringify(table)} is not a plain table name: use letters, digits and _`);
  }
  return table;
}

async function run(driver: QueryDriver, sql: string, params: readonly unknown[] = []): Promise<Record<string, unknown>[]> {
  return driver.query(sqlText(driver.dialect, sql), params);
}

async function columnsOf(driver: QueryDriver, table: string): Promise<string[]> {
  const rows = driver.dialect === "sqlite"
    ? await run(driver, `SELECT name FROM pragma_table_info('${table}')`)
    : await run(driver, `SELECT column_name AS name FROM information_schema.columns WHERE table_name = ?`, [table]);
  return rows.map((r) => String(r.name));
}

const REQUIRED = ["partition_key", "app_id", "sequence_id", "position", "status", "state", "created_at"];

/** Finds `table` and its layout; throws PersisterTableError when it is missing or is not a persister table. */
export async function openPersisterTable(driver: QueryDriver, table = "burr_state"): Promise<PersisterTable> {
  checkTableName(table);
  let columns: string[];
  try {
    columns = await columnsOf(driver, table);
  } catch (err) {
    throw new PersisterTableError(table, `its columns cannot be listed (${(err as Error).message})`, err);
  }
  if (!columns.length) throw new PersisterTableError(table, "there is no such table: check the table name (the persister's tableName, default burr_state)");
  const missing = REQUIRED.filter((c) => !columns.includes(c));
  if (missing.length) throw new PersisterTableError(table, `it has no ${missing.join(", ")} column${missing.length > 1 ? "s" : ""}, so it is not a persister's table`);
  const layout: TableLayout = columns.includes("kind") && columns.includes("branch") ? "burr-ts" : "burr";
  const hasBranches = layout === "burr-ts" && (await columnsOf(driver, `${table}_branches`).catch(() => [])).length > 0;
  return { driver, table, layout, hasBranches };
}

/** The newest step of every app (optionally of one partition; "" and NULL are the same partition). */
export async function latestRows(t: PersisterTable, partitionKey?: string | null): Promise<RawAppRow[]> {
  const where = partitionKey === undefined ? "" : "WHERE COALESCE(partition_key, '') = ?";
  const order = `${t.layout === "burr-ts" ? "branch DESC, " : ""}sequence_id DESC`;
  const rows = await run(
    t.driver,
    `SELECT partition_key, app_id, sequence_id, position, status, created_at FROM (
       SELECT COALESCE(partition_key, '') AS partition_key, app_id, sequence_id, position, status, created_at,
              ROW_NUMBER() OVER (PARTITION BY COALESCE(partition_key, ''), app_id ORDER BY ${order}) AS rn
       FROM ${t.table} ${where}) latest WHERE rn = 1`,
    partitionKey === undefined ? [] : [partitionKey ?? ""],
  );
  return rows as unknown as RawAppRow[];
}

/** Every stored row of one app, oldest step first (all branches, for burr-ts tables). */
export async function stepRows(t: PersisterTable, partitionKey: string | null, appId: string): Promise<RawStepRow[]> {
  const extra = t.layout === "burr-ts" ? ", kind, branch" : "";
  const rows = await run(
    t.driver,
    `SELECT sequence_id, position, status, state, created_at${extra} FROM ${t.table}
     WHERE COALESCE(partition_key, '') = ? AND app_id = ? ORDER BY sequence_id${t.layout === "burr-ts" ? ", branch" : ""}`,
    [partitionKey ?? "", appId],
  );
  return rows as unknown as RawStepRow[];
}

/** The app's branches after rewinds (none when the table has no branches table). */
export async function branchRows(t: PersisterTable, partitionKey: string | null, appId: string): Promise<RawBranchRow[]> {
  if (!t.hasBranches) return [];
  const rows = await run(
    t.driver,
    `SELECT branch, parent_branch, fork_sequence_id FROM ${t.table}_branches WHERE COALESCE(partition_key, '') = ? AND app_id = ?`,
    [partitionKey ?? "", appId],
  );
  return rows as unknown as RawBranchRow[];
}

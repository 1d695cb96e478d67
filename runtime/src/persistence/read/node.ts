// QueryDriver adapters for Node: over a better-sqlite3 Database or a pg Pool /
// Client the caller opened (nothing is imported here for those), and
// openSqliteDriver, which loads better-sqlite3 lazily and opens a file read-only.
import { createRequire } from "node:module";
import type BetterSqlite3 from "better-sqlite3";
import type { QueryDriver } from "./driver.js";
import { PersisterTableError } from "./errors.js";

/** What betterSqliteDriver uses of a better-sqlite3 Database. */
export interface BetterSqliteLike {
  prepare(sql: string): { all(...params: unknown[]): unknown[]; run?(...params: unknown[]): unknown; reader?: boolean };
}

/** What pgDriver uses of a pg Pool or Client. */
export interface PgQueryable {
  query(sql: string, params?: unknown[]): Promise<{ rows: Record<string, unknown>[] }>;
}

export function betterSqliteDriver(db: BetterSqliteLike): QueryDriver {
  return {
    dialect: "sqlite",
    async query(sql, params = []) {
      const stmt = db.prepare(sql);
      // Statements that return no rows (CREATE TABLE for annotations) must be run, not read.
      if (stmt.reader === false && stmt.run) {
        stmt.run(...params);
        return [];
      }
      return stmt.all(...params) as Record<string, unknown>[];
    },
  };
}

export function pgDriver(pool: PgQueryable): QueryDriver {
  return {
    dialect: "postgres",
    async query(sql, params = []) {
      return (await pool.query(sql, [...params])).rows;
    },
  };
}

const requireFromHere = createRequire(import.meta.url);

/** Opens a SQLite file read-only with better-sqlite3 (loaded now, not at import); close() releases it. */
export function openSqliteDriver(path: string): QueryDriver & { close(): void } {
  let Database: typeof BetterSqlite3;
  try {
    Database = requireFromHere("better-sqlite3") as typeof BetterSqlite3;
  } catch (err) {
    throw new PersisterTableError(path, `reading SQLite files needs the better-sqlite3 package: run "npm install better-sqlite3"`, err);
  }
  let db: BetterSqlite3.Database;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true });
  } catch (err) {
    throw new PersisterTableError(path, `the SQLite file cannot be opened (${(err as Error).message})`, err);
  }
  return { ...betterSqliteDriver(db), close: () => db.close() };
}

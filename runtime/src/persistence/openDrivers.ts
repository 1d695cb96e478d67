// QueryDrivers the runs UI opens itself from a path or URL: a pg Pool on a
// postgres:// URL, and a writable better-sqlite3 connection (for the
// annotations table beside a persister's; reading uses read/node.ts's
// read-only openSqliteDriver). Both packages are loaded here, lazily, as the
// persisters load them: optional peers, required only when used.
import { createRequire } from "node:module";
import type BetterSqlite3 from "better-sqlite3";
import type Pg from "pg";
import type { QueryDriver } from "./read/driver.js";
import { betterSqliteDriver, pgDriver } from "./read/node.js";

const requireFromHere = createRequire(import.meta.url);

function load<T>(name: string, what: string): T {
  try {
    return requireFromHere(name) as T;
  } catch {
    throw new Error(`${what} needs the ${name} package: run "npm install ${name}"`);
  }
}

/** A small pg Pool on `url`; close() ends it. */
export function openPgDriver(url: string): QueryDriver & { close(): Promise<void> } {
  const pg = load<typeof Pg>("pg", "reading PostgreSQL");
  const pool = new pg.Pool({ connectionString: url, max: 4 });
  return { ...pgDriver(pool), close: () => pool.end() };
}

/** A writable connection to an existing SQLite file that waits up to 5 s for the app's own writer. */
export function openWritableSqliteDriver(path: string): QueryDriver & { close(): void } {
  const Database = load<typeof BetterSqlite3>("better-sqlite3", "writing to a SQLite file");
  const db = new Database(path, { fileMustExist: true });
  db.pragma("busy_timeout = 5000");
  return { ...betterSqliteDriver(db), close: () => db.close() };
}

// The real PostgreSQL server for the suites (BURR_TEST_PG_URL), with table names unique to this run.
import pg from "pg";
import { skipOrFail } from "../support/skip.js";

export const pgUrl = process.env.BURR_TEST_PG_URL ?? "postgresql://postgres@127.0.0.1:5432/test";
let counter = 0;

export function uniqueTable(prefix = "burr_test"): string {
  return `${prefix}_${process.pid}_${Date.now().toString(36)}_${counter++}`;
}

export async function requirePg(ctx: Mocha.Context): Promise<void> {
  const client = new pg.Client({ connectionString: pgUrl, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query("SELECT 1");
  } catch (err) {
    skipOrFail(ctx, `PostgreSQL at ${pgUrl} is unreachable (${(err as Error).message}); start it or set BURR_TEST_PG_URL`);
  } finally {
    await client.end().catch(() => undefined);
  }
}

export async function dropTables(...tables: string[]): Promise<void> {
  const client = new pg.Client({ connectionString: pgUrl });
  await client.connect();
  try {
    for (const t of tables) await client.query(`DROP TABLE IF EXISTS ${t}, ${t}_branches`);
  } finally {
    await client.end();
  }
}

export async function query<R extends object>(text: string, values: unknown[] = []): Promise<R[]> {
  const client = new pg.Client({ connectionString: pgUrl });
  await client.connect();
  try {
    return (await client.query<R>(text, values)).rows;
  } finally {
    await client.end();
  }
}

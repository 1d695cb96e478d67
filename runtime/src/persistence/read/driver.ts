// The one thing a reader of persister tables needs from a database: run a
// query and get rows back as plain objects. The runtime ships adapters for
// better-sqlite3 and pg (./node.ts); the VS Code extension implements it over
// sql.js. Readers write SQL with `?` placeholders; `sqlText` turns them into
// `$1, $2...` for PostgreSQL so each query is written once.

export interface QueryDriver {
  /** Which SQL the driver speaks: decides placeholders and catalogue queries. */
  readonly dialect: "sqlite" | "postgres";
  /** Runs one read-only statement; rows are keyed by column name (or alias). */
  query(sql: string, params?: readonly unknown[]): Promise<Record<string, unknown>[]>;
}

/** `?` placeholders as the dialect writes them (PostgreSQL numbers them). */
export function sqlText(dialect: QueryDriver["dialect"], sql: string): string {
  if (dialect === "sqlite") return sql;
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

// DDL of the PostgreSQL persister: the same layout as SQLite, state as JSONB.
export function postgresSchema(t: string): string {
  return `
CREATE TABLE IF NOT EXISTS ${t} (
  partition_key TEXT NOT NULL DEFAULT '',
  app_id        TEXT NOT NULL,
  branch        INTEGER NOT NULL DEFAULT 0,
  sequence_id   INTEGER NOT NULL,
  position      TEXT NOT NULL,
  status        TEXT NOT NULL,
  kind          TEXT NOT NULL CHECK (kind IN ('full', 'delta')),
  state         JSONB NOT NULL,
  created_at    TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp(),
  PRIMARY KEY (partition_key, app_id, branch, sequence_id)
);
CREATE INDEX IF NOT EXISTS ${t}_created_at_index ON ${t} (partition_key, created_at);
CREATE TABLE IF NOT EXISTS ${t}_branches (
  partition_key    TEXT NOT NULL DEFAULT '',
  app_id           TEXT NOT NULL,
  branch           INTEGER NOT NULL,
  parent_branch    INTEGER NOT NULL,
  fork_sequence_id INTEGER NOT NULL,
  created_at       TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp(),
  PRIMARY KEY (partition_key, app_id, branch)
);`;
}

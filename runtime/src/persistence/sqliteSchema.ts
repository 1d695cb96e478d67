// DDL of the SQLite persister. Burr's columns plus `branch` (rewind history)
// and `kind` ("full" snapshot or "delta" of what the step changed).
export function sqliteSchema(t: string): string {
  return `
CREATE TABLE IF NOT EXISTS ${t} (
  partition_key TEXT NOT NULL DEFAULT '',
  app_id        TEXT NOT NULL,
  branch        INTEGER NOT NULL DEFAULT 0,
  sequence_id   INTEGER NOT NULL,
  position      TEXT NOT NULL,
  status        TEXT NOT NULL,
  kind          TEXT NOT NULL CHECK (kind IN ('full', 'delta')),
  state         TEXT NOT NULL,
  created_at    TEXT NOT NULL,
  PRIMARY KEY (partition_key, app_id, branch, sequence_id)
);
CREATE TABLE IF NOT EXISTS ${t}_branches (
  partition_key    TEXT NOT NULL DEFAULT '',
  app_id           TEXT NOT NULL,
  branch           INTEGER NOT NULL,
  parent_branch    INTEGER NOT NULL,
  fork_sequence_id INTEGER NOT NULL,
  created_at       TEXT NOT NULL,
  PRIMARY KEY (partition_key, app_id, branch)
);`;
}

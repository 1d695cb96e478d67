// A PostgreSQL persister database (pg is plain JavaScript, so it loads in any
// extension host). A server that is down shows as an error on this source only.
import pg from "pg";
import {
  appSummary, partitionOf, projectsFromApps, runFromBurrTsRows, runFromRows, splitTable, type AppRow, type BranchRow, type BurrTsStepRow, type StepRow,
} from "./persistedRows.js";
import type { AppRun, AppSummary, ProjectSummary, RunSource } from "./types.js";

export class PostgresSource implements RunSource {
  readonly kind = "postgres" as const;
  readonly id: string;
  readonly label: string;
  private readonly url: string;
  private readonly table: string;

  constructor(spec: string) {
    const { target, table } = splitTable(spec);
    this.url = target;
    this.table = table;
    this.id = `pg:${spec}`;
    this.label = `${redact(target)} (PostgreSQL, ${table})`;
  }

  async listProjects(): Promise<ProjectSummary[]> {
    return projectsFromApps(await this.appRows());
  }

  async listApps(project: string): Promise<AppSummary[]> {
    const key = partitionOf(project);
    return (await this.appRows(key)).map(appSummary).sort((a, b) => b.lastWritten - a.lastWritten);
  }

  async readApp(project: string, appId: string): Promise<AppRun> {
    const key = [partitionOf(project), appId];
    const where = `WHERE COALESCE(partition_key, '') = $1 AND app_id = $2`;
    if (!(await this.isBurrTs())) {
      const rows = await this.query<StepRow>(`SELECT sequence_id AS "sequenceId", position, status, state, created_at AS "createdAt" FROM ${this.table} ${where} ORDER BY sequence_id`, key);
      return runFromRows(partitionOf(project), rows);
    }
    const rows = await this.query<BurrTsStepRow>(
      `SELECT sequence_id AS "sequenceId", position, status, state, created_at AS "createdAt", kind, branch FROM ${this.table} ${where} ORDER BY sequence_id`, key);
    const branches = await this.query<BranchRow>(
      `SELECT branch, parent_branch AS "parentBranch", fork_sequence_id AS "forkSequenceId" FROM ${this.table}_branches ${where}`, key).catch(() => []);
    return runFromBurrTsRows(partitionOf(project), rows, branches);
  }

  private burrTs: Promise<boolean> | null = null;
  /** burr-ts tables have branch and kind columns (full or delta rows). */
  private isBurrTs(): Promise<boolean> {
    this.burrTs ??= this.query<{ column_name: string }>(
      `SELECT column_name FROM information_schema.columns WHERE table_name = $1`, [this.table],
    ).then((cols) => cols.some((c) => c.column_name === "kind") && cols.some((c) => c.column_name === "branch"));
    this.burrTs.catch(() => (this.burrTs = null));
    return this.burrTs;
  }

  async deleteApp(): Promise<void> {
    throw new Error(`Runs in ${redact(this.url)} are read-only here: delete them through your app's persister`);
  }

  private async appRows(partitionKey?: string): Promise<AppRow[]> {
    const where = partitionKey === undefined ? "" : "WHERE COALESCE(partition_key, '') = $1";
    const branch = (await this.isBurrTs()) ? "branch DESC, " : "";
    return this.query<AppRow>(
      `SELECT DISTINCT ON (COALESCE(partition_key, ''), app_id) COALESCE(partition_key, '') AS "partitionKey", app_id AS "appId",
              sequence_id AS "lastSequenceId", status AS "lastStatus", created_at AS "lastWritten"
       FROM ${this.table} ${where} ORDER BY COALESCE(partition_key, ''), app_id, ${branch}sequence_id DESC`,
      partitionKey === undefined ? [] : [partitionKey],
    );
  }

  private async query<T>(sql: string, params: unknown[]): Promise<T[]> {
    const client = new pg.Client({ connectionString: this.url, connectionTimeoutMillis: 3000 });
    try {
      await client.connect();
    } catch (err) {
      throw new Error(`PostgreSQL at ${redact(this.url)} cannot be reached (${(err as Error).message}): is the server up? check burr.persisterDatabases`);
    }
    try {
      return (await client.query(sql, params)).rows as T[];
    } catch (err) {
      throw new Error(`PostgreSQL at ${redact(this.url)}: table "${this.table}" cannot be read (${(err as Error).message})`);
    } finally {
      await client.end().catch(() => undefined);
    }
  }
}

function redact(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, "//$1:***@");
}

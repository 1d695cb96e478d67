// A SQLite persister database (Burr's or burr-ts's table) read with sql.js (WebAssembly): it loads in
// desktop VS Code's Electron host and in code-server alike, where a
// better-sqlite3 built for the system Node would not. Read-only except delete.
import { promises as fs } from "node:fs";
import { basename, resolve } from "node:path";
import initSqlJs, { type Database, type SqlJsStatic } from "sql.js";
import {
  appSummary, partitionOf, projectsFromApps, runFromBurrTsRows, runFromRows, splitTable, type AppRow, type BranchRow, type BurrTsStepRow, type StepRow,
} from "./persistedRows.js";
import type { AppRun, AppSummary, ProjectSummary, RunSource } from "./types.js";

let engine: Promise<SqlJsStatic> | null = null;
function sqlJs(wasmPath: string): Promise<SqlJsStatic> {
  engine ??= initSqlJs({ locateFile: () => wasmPath });
  return engine;
}

export class SqliteSource implements RunSource {
  readonly kind = "sqlite" as const;
  readonly id: string;
  readonly label: string;
  private readonly dbPath: string;
  private readonly table: string;
  private loaded: { mtimeMs: number; size: number; db: Database; burrTs: boolean } | null = null;

  constructor(spec: string, private readonly wasmPath: string) {
    const { target, table } = splitTable(spec);
    this.dbPath = resolve(target);
    this.table = table;
    this.id = `sqlite:${this.dbPath}#${table}`;
    this.label = `${basename(this.dbPath)} (SQLite, ${table})`;
  }

  async listProjects(): Promise<ProjectSummary[]> {
    return projectsFromApps(await this.appRows());
  }

  async listApps(project: string): Promise<AppSummary[]> {
    const key = partitionOf(project);
    return (await this.appRows()).filter((a) => a.partitionKey === key).map(appSummary).sort((a, b) => b.lastWritten - a.lastWritten);
  }

  async readApp(project: string, appId: string): Promise<AppRun> {
    const { db, burrTs } = await this.open();
    const key = [partitionOf(project), appId];
    const where = `WHERE COALESCE(partition_key, '') = ? AND app_id = ?`;
    if (!burrTs) {
      const rows = this.query<StepRow>(db, `SELECT sequence_id AS sequenceId, position, status, state, created_at AS createdAt FROM ${this.table} ${where} ORDER BY sequence_id`, key);
      return runFromRows(partitionOf(project), rows);
    }
    const rows = this.query<BurrTsStepRow>(db, `SELECT sequence_id AS sequenceId, position, status, state, created_at AS createdAt, kind, branch FROM ${this.table} ${where} ORDER BY sequence_id`, key);
    let branches: BranchRow[] = [];
    try {
      branches = this.query<BranchRow>(db, `SELECT branch, parent_branch AS parentBranch, fork_sequence_id AS forkSequenceId FROM ${this.table}_branches ${where}`, key);
    } catch {
      // No branches table: one history.
    }
    const run = runFromBurrTsRows(partitionOf(project), rows, branches);
    const wal = await fs.stat(`${this.dbPath}-wal`).catch(() => null);
    // sql.js reads the database file only; steps still in the write-ahead log appear after a checkpoint.
    if (wal && wal.size > 0) run.warnings.push(`${this.dbPath} has an unmerged write-ahead log: steps written since its last checkpoint may be missing`);
    return run;
  }

  async deleteApp(): Promise<void> {
    throw new Error(`Runs in ${this.dbPath} are read-only here: delete them through your app's persister`);
  }

  async close(): Promise<void> {
    this.loaded?.db.close();
    this.loaded = null;
  }

  private async appRows(): Promise<AppRow[]> {
    const { db, burrTs } = await this.open();
    // The latest step of each app (on its newest branch, for burr-ts tables).
    return this.query<AppRow>(
      db,
      `SELECT partitionKey, appId, lastSequenceId, lastStatus, lastWritten FROM (
         SELECT COALESCE(partition_key, '') AS partitionKey, app_id AS appId, sequence_id AS lastSequenceId, status AS lastStatus,
                created_at AS lastWritten, ROW_NUMBER() OVER (PARTITION BY COALESCE(partition_key, ''), app_id
                ORDER BY ${burrTs ? "branch DESC, " : ""}sequence_id DESC) AS rn
         FROM ${this.table}) WHERE rn = 1`,
      [],
    );
  }

  /** The whole file is read into memory (sql.js has no file access); reloaded when it changes. */
  private async open(): Promise<{ db: Database; burrTs: boolean }> {
    let st;
    try {
      st = await fs.stat(this.dbPath);
    } catch (err) {
      throw new Error(`SQLite database ${this.dbPath} cannot be opened (${(err as NodeJS.ErrnoException).code}): check burr.persisterDatabases`);
    }
    if (this.loaded && this.loaded.mtimeMs === st.mtimeMs && this.loaded.size === st.size) return this.loaded;
    const SQL = await sqlJs(this.wasmPath);
    const bytes = await fs.readFile(this.dbPath);
    let db: Database;
    let burrTs: boolean;
    try {
      db = new SQL.Database(bytes);
      db.exec(`SELECT 1 FROM ${this.table} LIMIT 1`);
      const columns = this.query<{ name: string }>(db, `SELECT name FROM pragma_table_info('${this.table}')`, []).map((c) => c.name);
      burrTs = columns.includes("kind") && columns.includes("branch");
    } catch (err) {
      throw new Error(`${this.dbPath} has no readable persister table "${this.table}": ${(err as Error).message}`);
    }
    this.loaded?.db.close();
    this.loaded = { mtimeMs: st.mtimeMs, size: st.size, db, burrTs };
    return this.loaded;
  }

  private query<T>(db: Database, sql: string, params: (string | number)[]): T[] {
    const stmt = db.prepare(sql);
    try {
      stmt.bind(params);
      const out: T[] = [];
      while (stmt.step()) out.push(stmt.getAsObject() as T);
      return out;
    } finally {
      stmt.free();
    }
  }
}

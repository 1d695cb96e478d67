// A SQLite persister database (Burr's or burr-ts's table) read with sql.js (WebAssembly): it loads in
// desktop VS Code's Electron host and in code-server alike, where a
// better-sqlite3 built for the system Node would not. Read-only except delete.
// The `-wal` file (persisters use journal_mode=WAL) is folded in by walMerge.
import type { Stats } from "node:fs";
import { promises as fs } from "node:fs";
import { basename, resolve } from "node:path";
import initSqlJs, { type Database, type SqlJsStatic } from "sql.js";
import { PersistedRunReader, type QueryDriver } from "../../../../runtime/src/persistence/read/index.js";
import { splitTable } from "./databaseSpec.js";
import type { AppRun, AppSummary, ProjectSummary, RunStore } from "./types.js";
import { mergeWal, walGeneration, type WalGeneration } from "./walMerge.js";

let engine: Promise<SqlJsStatic> | null = null;
function sqlJs(wasmPath: string): Promise<SqlJsStatic> {
  engine ??= initSqlJs({ locateFile: () => wasmPath });
  return engine;
}

/** The runtime's QueryDriver over one loaded sql.js image. */
function sqlJsDriver(db: Database): QueryDriver {
  return {
    dialect: "sqlite",
    async query(sql, params = []) {
      const stmt = db.prepare(sql);
      try {
        stmt.bind(params as (string | number | null)[]);
        const out: Record<string, unknown>[] = [];
        while (stmt.step()) out.push(stmt.getAsObject());
        return out;
      } finally {
        stmt.free();
      }
    },
  };
}

export class SqliteStore implements RunStore {
  readonly kind = "sqlite" as const;
  readonly id: string;
  readonly label: string;
  readonly dbPath: string;
  private readonly table: string;
  /** key: the main file's and the log's mtime and size, so a step committed to either reloads. */
  private loaded: { key: string; db: Database; reader: PersistedRunReader; walWarning: string | null } | null = null;

  constructor(spec: string, private readonly wasmPath: string) {
    const { target, table } = splitTable(spec);
    this.dbPath = resolve(target);
    this.table = table;
    this.id = `sqlite:${this.dbPath}#${table}`;
    this.label = `${basename(this.dbPath)} (SQLite, ${table})`;
  }

  async listProjects(): Promise<ProjectSummary[]> {
    return (await this.open()).reader.listProjects();
  }

  async listApps(project: string): Promise<AppSummary[]> {
    return (await this.open()).reader.listApps(project);
  }

  async readApp(project: string, appId: string): Promise<AppRun> {
    const { reader, walWarning } = await this.open();
    const run = await reader.readApp(project, appId);
    if (walWarning) run.warnings.push(walWarning);
    return run;
  }

  async deleteApp(): Promise<void> {
    throw new Error(`Runs in ${this.dbPath} are read-only here: delete them through your app's persister`);
  }

  async close(): Promise<void> {
    this.loaded?.db.close();
    this.loaded = null;
  }

  /** The whole file and its log are read into memory (sql.js has no file access); reloaded when either changes. */
  private async open(): Promise<{ db: Database; reader: PersistedRunReader; walWarning: string | null }> {
    let st: Stats;
    try {
      st = await fs.stat(this.dbPath);
    } catch (err) {
      throw new Error(`SQLite database ${this.dbPath} cannot be opened (${(err as NodeJS.ErrnoException).code}): check burr.persisterDatabases`);
    }
    const walPath = `${this.dbPath}-wal`;
    const walSt = await fs.stat(walPath).catch(() => null);
    const key = `${st.mtimeMs}:${st.size}:${walSt ? `${walSt.mtimeMs}:${walSt.size}` : "-"}`;
    if (this.loaded?.key === key) return this.loaded;
    const SQL = await sqlJs(this.wasmPath);
    const { image, walWarning } = await this.readImage(walPath);
    let db: Database | null = null;
    let reader: PersistedRunReader;
    try {
      db = new SQL.Database(image);
      reader = new PersistedRunReader(sqlJsDriver(db), this.table);
      await reader.persisterTable();
    } catch (err) {
      db?.close();
      throw new Error(`${this.dbPath} has no readable persister table "${this.table}": ${(err as Error).message}${walWarning ? ` (${walWarning})` : ""}`);
    }
    this.loaded?.db.close();
    this.loaded = { key, db, reader, walWarning };
    return this.loaded;
  }

  /**
   * The database as a reader sees it: the main file with its log folded in.
   * The log's header is read before the main file and the whole log after it:
   * if a checkpoint restarted the log in between, the main file may lack pages
   * only the old log held, so the pair is read again.
   */
  private async readImage(walPath: string): Promise<{ image: Uint8Array; walWarning: string | null }> {
    let main = new Uint8Array();
    let wal: Uint8Array | null = null;
    for (let attempt = 0; attempt < 3; attempt++) {
      const before = await readHead(walPath);
      main = await fs.readFile(this.dbPath);
      try {
        wal = await fs.readFile(walPath);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        const walWarning = code === "ENOENT" ? null : this.walWarning(walPath, `it cannot be read (${code ?? (err as Error).message})`);
        return { image: mergeWal(main, new Uint8Array()).image, walWarning };
      }
      if (sameGeneration(before, wal)) break;
    }
    const merged = mergeWal(main, wal ?? new Uint8Array());
    return { image: merged.image, walWarning: merged.problem ? this.walWarning(walPath, merged.problem) : null };
  }

  private walWarning(walPath: string, why: string): string {
    return `Write-ahead log ${walPath} was left out: ${why}. Steps committed since the last checkpoint may be missing; the steps in ${this.dbPath} are shown.`;
  }
}

/** The first 32 bytes (the log header), or null when there is no log. */
async function readHead(path: string): Promise<Uint8Array | null> {
  const handle = await fs.open(path, "r").catch(() => null);
  if (!handle) return null;
  try {
    const buf = new Uint8Array(32);
    const { bytesRead } = await handle.read(buf, 0, 32, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/** True unless the log was restarted (new salts) between the two reads; no log or no header before counts as the same. */
function sameGeneration(before: Uint8Array | null, after: Uint8Array): boolean {
  const a: WalGeneration | null = before ? walGeneration(before) : null;
  const b = walGeneration(after);
  return !a || !b || (a.salt1 === b.salt1 && a.salt2 === b.salt2);
}

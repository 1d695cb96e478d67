// SQLitePersister: one row per step (a delta, or a periodic full snapshot),
// WAL, prepared statements, one transaction per save. better-sqlite3 is loaded
// only when a SQLitePersister is first used.
import { createRequire } from "node:module";
import type BetterSqlite3 from "better-sqlite3";
import type { BranchInfo, HistoryHead, LoadOptions, PersistedStep, RewindArgs, RewindableStatePersister, SaveArgs, StepStatus, StepSummary } from "./types.js";
import { ConcurrentStepError, PersistenceError, validateTableName } from "./errors.js";
import { encodeDelta, plainToState, replay, stateToPlain, type RowKind } from "./codec.js";
import { SnapshotPolicy, type SnapshotOptions } from "./snapshotPolicy.js";
import { type BranchRecord, branchHolding, headOf, lineage, predecessorMismatch, rootBranch } from "./lineage.js";
import { sqliteSchema } from "./sqliteSchema.js";

export interface SQLitePersisterOptions {
  dbPath: string;
  tableName?: string;
  snapshots?: SnapshotOptions;
  /** How long a writer waits for another process's lock, in ms. Default 5000. */
  busyTimeoutMs?: number;
}

type Db = BetterSqlite3.Database;
type Statements = ReturnType<SQLitePersister["prepare"]>;

interface StepRow {
  sequence_id: number;
  position: string;
  status: StepStatus;
  kind: RowKind;
  state: string;
  created_at: string;
  branch: number;
}

const requireFromHere = createRequire(import.meta.url);
// Apps whose head a persister remembers (past this, it forgets the oldest, whose next save reads it again).
const MAX_KNOWN_HEADS = 10_000;

function openDatabase(dbPath: string): Db {
  let Database: typeof BetterSqlite3;
  try {
    Database = requireFromHere("better-sqlite3") as typeof BetterSqlite3;
  } catch (err) {
    throw new PersistenceError(`SQLitePersister needs the better-sqlite3 package: run "npm install better-sqlite3".`, { cause: err });
  }
  try {
    return new Database(dbPath);
  } catch (err) {
    throw new PersistenceError(`SQLitePersister cannot open ${dbPath}: ${(err as Error).message}`, { cause: err });
  }
}

function isUniqueViolation(err: unknown): boolean {
  const code = (err as { code?: string }).code;
  return code === "SQLITE_CONSTRAINT_PRIMARYKEY" || code === "SQLITE_CONSTRAINT_UNIQUE";
}

export class SQLitePersister implements RewindableStatePersister {
  readonly dbPath: string;
  readonly tableName: string;
  private readonly policy: SnapshotPolicy;
  private readonly busyTimeoutMs: number;
  private db: Db | null = null;
  private stmts: ReturnType<SQLitePersister["prepare"]> | null = null;
  // Per app: the head branch and newest step this connection committed, and the
  // connection's data_version then. While data_version is unchanged no other
  // connection has written, so the next save can skip reading them back.
  private readonly heads = new Map<string, { version: number; head: number; top: number }>();

  constructor(options: SQLitePersisterOptions) {
    if (!options || typeof options.dbPath !== "string" || !options.dbPath) {
      throw new PersistenceError(`SQLitePersister needs { dbPath }: the path of the database file (":memory:" for a private in-memory one).`);
    }
    this.dbPath = options.dbPath;
    this.tableName = validateTableName(options.tableName ?? "burr_state", "SQLitePersister");
    this.policy = new SnapshotPolicy(options.snapshots);
    this.busyTimeoutMs = options.busyTimeoutMs ?? 5000;
  }

  /** Opens the database and creates the tables if needed (idempotent; save/load call it too). */
  async initialize(): Promise<void> {
    this.ready();
  }

  private ready(): NonNullable<SQLitePersister["stmts"]> {
    if (this.stmts) return this.stmts;
    const db = openDatabase(this.dbPath);
    db.pragma(`busy_timeout = ${this.busyTimeoutMs}`);
    db.pragma("journal_mode = WAL");
    db.pragma("synchronous = NORMAL");
    db.exec(sqliteSchema(this.tableName));
    const columns = (db.prepare<unknown[]>(`PRAGMA table_info(${this.tableName})`).all() as Array<{ name: string }>).map((c) => c.name);
    if (!columns.includes("kind") || !columns.includes("branch")) {
      db.close();
      throw new PersistenceError(`SQLitePersister: table "${this.tableName}" in ${this.dbPath} has another schema (Python Burr's?); pass another tableName, e.g. { tableName: "burr_ts_state" }, and read a Python Burr table with new PythonSQLiteLoader({ dbPath }).`);
    }
    this.db = db;
    this.stmts = this.prepare(db);
    return this.stmts;
  }

  private prepare(db: Db) {
    const t = this.tableName;
    const b = `${t}_branches`;
    const cols = "sequence_id, position, status, kind, state, created_at, branch";
    return {
      insert: db.prepare<unknown[]>(`INSERT INTO ${t} (partition_key, app_id, branch, sequence_id, position, status, kind, state, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`),
      branches: db.prepare<unknown[]>(`SELECT branch, parent_branch, fork_sequence_id, created_at FROM ${b} WHERE partition_key = ? AND app_id = ?`),
      insertBranch: db.prepare<unknown[]>(`INSERT INTO ${b} (partition_key, app_id, branch, parent_branch, fork_sequence_id, created_at) VALUES (?, ?, ?, ?, ?, ?)`),
      // The app's newest branch and that branch's newest step, in one call (every save needs both).
      headTop: db.prepare<unknown[]>(
        `SELECT h.head AS head, (SELECT max(sequence_id) FROM ${t} WHERE partition_key = ? AND app_id = ? AND branch = h.head) AS top ` +
          `FROM (SELECT coalesce(max(branch), 0) AS head FROM ${b} WHERE partition_key = ? AND app_id = ?) AS h`,
      ),
      // Changes whenever another connection (process) commits to the database; never for this one's own commits.
      dataVersion: db.prepare<unknown[]>("PRAGMA data_version").pluck(),
      fork: db.prepare<unknown[]>(`SELECT fork_sequence_id FROM ${b} WHERE partition_key = ? AND app_id = ? AND branch = ?`).pluck(),
      maxSeq: db.prepare<unknown[]>(`SELECT max(sequence_id) FROM ${t} WHERE partition_key = ? AND app_id = ? AND branch = ? AND sequence_id <= ?`).pluck(),
      firstCreated: db.prepare<unknown[]>(`SELECT min(created_at) FROM ${t} WHERE partition_key = ? AND app_id = ?`).pluck(),
      // The rows needed to rebuild one step: its last full snapshot and the deltas after it.
      chain: db.prepare<[Record<string, unknown>]>(
        `SELECT ${cols} FROM ${t} WHERE partition_key = @pk AND app_id = @app AND branch = @branch AND sequence_id <= @seq AND sequence_id >= ` +
          `coalesce((SELECT max(sequence_id) FROM ${t} WHERE partition_key = @pk AND app_id = @app AND branch = @branch AND sequence_id <= @seq AND kind = 'full'), @seq) ` +
          `ORDER BY sequence_id`,
      ),
      steps: db.prepare<unknown[]>(`SELECT ${cols} FROM ${t} WHERE partition_key = ? AND app_id = ? AND branch = ? AND sequence_id <= ? ORDER BY sequence_id`),
      // rowid grows with every insert: the last written app first, without a second index to maintain per save.
      appIds: db.prepare<unknown[]>(`SELECT app_id FROM ${t} WHERE partition_key = ? GROUP BY app_id ORDER BY max(rowid) DESC`).pluck(),
      saveTx: db.transaction((args: SaveArgs, key: string) => this.writeStep(this.stmts!, args, key)),
    };
  }

  async save(args: SaveArgs): Promise<void> {
    const s = this.ready();
    const key = SnapshotPolicy.key(args.partitionKey, args.appId);
    let written: { branch: number; kind: RowKind; bytes: number; version: number };
    try {
      written = s.saveTx.immediate(args, key);
    } catch (err) {
      this.policy.forget(key);
      this.heads.delete(key);
      if (err instanceof ConcurrentStepError) throw err;
      if (isUniqueViolation(err)) throw new ConcurrentStepError({ partitionKey: args.partitionKey, appId: args.appId, sequenceId: args.sequenceId, cause: err });
      throw new PersistenceError(`SQLitePersister (${this.dbPath}): saving step ${args.sequenceId} (${args.position}) of app "${args.appId}" failed: ${(err as Error).message}`, { cause: err });
    }
    this.policy.committed(key, written.branch, args.sequenceId, written.kind, written.bytes);
    if (this.heads.size >= MAX_KNOWN_HEADS && !this.heads.has(key)) this.heads.delete(this.heads.keys().next().value!);
    this.heads.set(key, { version: written.version, head: written.branch, top: args.sequenceId });
  }

  /** The body of one save, run inside BEGIN IMMEDIATE ... COMMIT. */
  private writeStep(s: Statements, args: SaveArgs, key: string): { branch: number; kind: RowKind; bytes: number; version: number } {
    const pk = args.partitionKey ?? "";
    // Inside the write lock data_version is current: equal to the one at this
    // connection's last save of the app means nobody else has written since.
    const version = s.dataVersion.get() as number;
    const mine = this.heads.get(key);
    const { head, top } = mine && mine.version === version ? mine : (s.headTop.get(pk, args.appId, pk, args.appId) as { head: number; top: number | null });
    const known = this.policy.branchOf(key);
    if (known !== undefined && known !== head) {
      throw new ConcurrentStepError({ partitionKey: args.partitionKey, appId: args.appId, sequenceId: args.sequenceId, reason: `the app was rewound by another writer (its history is now on branch ${head})` });
    }
    // Every save, snapshot or delta, must continue the stored step before it (checked inside the write lock).
    let latest = top;
    if (latest === null && head > 0) latest = (s.fork.get(pk, args.appId, head) as number | null) ?? null;
    const mismatch = predecessorMismatch(args.sequenceId, latest !== null && latest < 0 ? null : latest, head);
    if (mismatch) throw new ConcurrentStepError({ partitionKey: args.partitionKey, appId: args.appId, sequenceId: args.sequenceId, reason: mismatch.reason });
    const d = this.policy.decide(key, head, args.sequenceId, args.changes, args.status === "failed", encodeDelta);
    const text = d.kind === "delta" ? d.text : JSON.stringify(stateToPlain(args.state));
    s.insert.run(pk, args.appId, head, args.sequenceId, args.position, args.status, d.kind, text, new Date().toISOString());
    return { branch: head, kind: d.kind, bytes: text.length, version };
  }

  /** The app's newest branch and the highest step saved on it, in one indexed read. */
  async head(partitionKey: string | null, appId: string): Promise<HistoryHead> {
    const s = this.ready();
    const mine = this.heads.get(SnapshotPolicy.key(partitionKey, appId));
    if (mine && mine.version === s.dataVersion.get()) return { branch: mine.head, lastSequenceId: mine.top };
    const pk = partitionKey ?? "";
    const { head, top } = s.headTop.get(pk, appId, pk, appId) as { head: number; top: number | null };
    return { branch: head, lastSequenceId: top };
  }

  async load(partitionKey: string | null, appId: string, sequenceId?: number, options: LoadOptions = {}): Promise<PersistedStep | null> {
    const s = this.ready();
    const pk = partitionKey ?? "";
    const branches = this.branchMap(pk, appId);
    const from = options.branch ?? headOf(branches);
    if (!branches.has(from)) return null;
    let target: { branch: number; seq: number } | null = null;
    if (sequenceId === undefined) {
      for (const { branch, upTo } of lineage(branches, from)) {
        const seq = s.maxSeq.get(pk, appId, branch, upTo === Infinity ? Number.MAX_SAFE_INTEGER : upTo) as number | null;
        if (seq !== null) {
          target = { branch, seq };
          break;
        }
      }
    } else target = { branch: branchHolding(branches, from, sequenceId), seq: sequenceId };
    if (!target) return null;
    const rows = s.chain.all({ pk, app: appId, branch: target.branch, seq: target.seq }) as StepRow[];
    const last = rows[rows.length - 1];
    if (!last || last.sequence_id !== target.seq) return null;
    if (rows[0].kind !== "full") {
      throw new PersistenceError(`SQLitePersister (${this.dbPath}): app "${appId}" step ${target.seq} has no snapshot to rebuild from; the table ${this.tableName} was edited by hand?`);
    }
    return {
      partitionKey,
      appId,
      sequenceId: last.sequence_id,
      position: last.position,
      state: plainToState(replay(rows)),
      status: last.status,
      createdAt: new Date(last.created_at),
      branch: last.branch,
    };
  }

  async listAppIds(partitionKey: string | null): Promise<string[]> {
    return this.ready().appIds.all(partitionKey ?? "") as string[];
  }

  async rewind(args: RewindArgs): Promise<BranchInfo> {
    const s = this.ready();
    const pk = args.partitionKey ?? "";
    const key = SnapshotPolicy.key(args.partitionKey, args.appId);
    const make = this.db!.transaction((): BranchRecord => {
      const branches = this.branchMap(pk, args.appId);
      const head = headOf(branches);
      const holder = branchHolding(branches, head, args.toSequenceId);
      const exists = args.toSequenceId === -1 || s.maxSeq.get(pk, args.appId, holder, args.toSequenceId) === args.toSequenceId;
      if (!exists) {
        throw new PersistenceError(`SQLitePersister: cannot rewind app "${args.appId}" to step ${args.toSequenceId}: no such step on its current history. Use listSteps() to see the steps there are.`);
      }
      const rec: BranchRecord = { branch: head + 1, parentBranch: head, forkSequenceId: args.toSequenceId, createdAt: new Date() };
      s.insertBranch.run(pk, args.appId, rec.branch, rec.parentBranch, rec.forkSequenceId, rec.createdAt.toISOString());
      return rec;
    });
    let rec: BranchRecord;
    try {
      rec = make.immediate();
    } catch (err) {
      if (isUniqueViolation(err)) throw new ConcurrentStepError({ partitionKey: args.partitionKey, appId: args.appId, sequenceId: args.toSequenceId, reason: "another writer rewound the app at the same time", cause: err });
      throw err;
    }
    this.policy.moveTo(key, rec.branch);
    this.heads.delete(key);
    return { ...rec, lastSequenceId: null, current: true };
  }

  async listBranches(partitionKey: string | null, appId: string): Promise<BranchInfo[]> {
    const s = this.ready();
    const pk = partitionKey ?? "";
    const branches = this.branchMap(pk, appId);
    const head = headOf(branches);
    return [...branches.values()]
      .sort((a, b) => a.branch - b.branch)
      .map((b) => ({ ...b, lastSequenceId: (s.maxSeq.get(pk, appId, b.branch, Number.MAX_SAFE_INTEGER) as number | null) ?? null, current: b.branch === head }));
  }

  async listSteps(partitionKey: string | null, appId: string, options: LoadOptions = {}): Promise<StepSummary[]> {
    const s = this.ready();
    const pk = partitionKey ?? "";
    const branches = this.branchMap(pk, appId);
    const from = options.branch ?? headOf(branches);
    const out: StepSummary[] = [];
    for (const { branch, upTo } of lineage(branches, from).reverse()) {
      const rows = s.steps.all(pk, appId, branch, upTo === Infinity ? Number.MAX_SAFE_INTEGER : upTo) as StepRow[];
      for (const r of rows) out.push({ sequenceId: r.sequence_id, position: r.position, status: r.status, createdAt: new Date(r.created_at), branch });
    }
    return out.sort((a, b) => a.sequenceId - b.sequenceId);
  }

  async close(): Promise<void> {
    this.db?.close();
    this.db = null;
    this.stmts = null;
    this.policy.clear();
    this.heads.clear();
  }

  private branchMap(pk: string, appId: string): Map<number, BranchRecord> {
    const s = this.ready();
    const created = s.firstCreated.get(pk, appId) as string | null;
    const map = new Map<number, BranchRecord>([[0, rootBranch(created ? new Date(created) : new Date(0))]]);
    for (const r of s.branches.all(pk, appId) as Array<{ branch: number; parent_branch: number; fork_sequence_id: number; created_at: string }>) {
      map.set(r.branch, { branch: r.branch, parentBranch: r.parent_branch, forkSequenceId: r.fork_sequence_id, createdAt: new Date(r.created_at) });
    }
    return map;
  }
}

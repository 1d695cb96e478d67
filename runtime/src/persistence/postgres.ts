// PostgreSQLPersister: the SQLite design on a shared server (many app servers,
// one database). pg is loaded only when a PostgreSQLPersister is first used.
import { createRequire } from "node:module";
import type * as Pg from "pg";
import type { BranchInfo, HistoryHead, LoadOptions, PersistedStep, RewindArgs, RewindableStatePersister, SaveArgs, StepStatus, StepSummary } from "./types.js";
import { ConcurrentStepError, PersistenceError, validateTableName } from "./errors.js";
import { encodeDelta, plainToState, replay, stateToPlain, type RowKind } from "./codec.js";
import { SnapshotPolicy, type SnapshotOptions } from "./snapshotPolicy.js";
import { type BranchRecord, branchHolding, headOf, lineage, predecessorMismatch, rootBranch } from "./lineage.js";
import { postgresSchema } from "./postgresSchema.js";

export interface PostgreSQLValues {
  database: string;
  user: string;
  password?: string;
  host?: string;
  port?: number;
  tableName?: string;
}

export interface PostgreSQLOptions {
  tableName?: string;
  snapshots?: SnapshotOptions;
  /** Connections in the pool. Default 4. */
  poolSize?: number;
}

interface StepRow {
  sequence_id: number;
  position: string;
  status: StepStatus;
  kind: RowKind;
  state: object;
  created_at: Date;
  branch: number;
}

const requireFromHere = createRequire(import.meta.url);
const MAX_SEQ = 2147483647;

function loadPg(): typeof Pg {
  try {
    return requireFromHere("pg") as typeof Pg;
  } catch (err) {
    throw new PersistenceError(`PostgreSQLPersister needs the pg package: run "npm install pg".`, { cause: err });
  }
}

export class PostgreSQLPersister implements RewindableStatePersister {
  readonly tableName: string;
  private readonly policy: SnapshotPolicy;
  private readonly config: Pg.PoolConfig;
  private pool: Pg.Pool | null = null;
  private schemaReady: Promise<void> | null = null;

  private constructor(config: Pg.PoolConfig, options: PostgreSQLOptions) {
    this.config = config;
    this.tableName = validateTableName(options.tableName ?? "burr_state", "PostgreSQLPersister");
    this.policy = new SnapshotPolicy(options.snapshots);
  }

  static fromValues(values: PostgreSQLValues, options: Omit<PostgreSQLOptions, "tableName"> = {}): PostgreSQLPersister {
    const { database, user, password, host = "localhost", port = 5432, tableName } = values;
    return new PostgreSQLPersister({ database, user, password, host, port, max: options.poolSize ?? 4 }, { ...options, tableName });
  }

  static fromUrl(url: string, options: PostgreSQLOptions = {}): PostgreSQLPersister {
    return new PostgreSQLPersister({ connectionString: url, max: options.poolSize ?? 4 }, options);
  }

  private where(): string {
    const c = this.config;
    if (c.connectionString) return c.connectionString.replace(/\/\/([^:@/]+):[^@/]*@/, "//$1:***@");
    return `postgresql://${c.user}@${c.host}:${c.port}/${c.database}`;
  }

  /** `name`: run it as a named prepared statement (parsed and planned once per connection), for the per-step queries. */
  private async query<R extends object>(text: string, values: unknown[], name?: string): Promise<Pg.QueryResult<R>> {
    if (!this.pool) {
      const pg = loadPg();
      this.pool = new pg.Pool(this.config);
      // An idle client losing its connection must not crash the process.
      this.pool.on("error", () => undefined);
    }
    return name ? this.pool.query<R>({ name, text, values }) : this.pool.query<R>(text, values);
  }

  /** Creates the tables if needed (idempotent; save/load call it too). */
  async initialize(): Promise<void> {
    this.schemaReady ??= (async () => {
      const t = this.tableName;
      try {
        // Serialize concurrent CREATE IF NOT EXISTS from many processes (it races on the catalog).
        await this.query(`SELECT pg_advisory_lock(hashtext($1))`, [t]).then(async () => {
          try {
            await this.query(postgresSchema(t), []);
          } finally {
            await this.query(`SELECT pg_advisory_unlock(hashtext($1))`, [t]);
          }
        });
        const cols = await this.query<{ column_name: string }>(`SELECT column_name FROM information_schema.columns WHERE table_name = $1 AND table_schema = current_schema()`, [t]);
        const names = cols.rows.map((r) => r.column_name);
        if (!names.includes("kind") || !names.includes("branch")) {
          throw new PersistenceError(`PostgreSQLPersister: table "${t}" at ${this.where()} has another schema (Python Burr's?); pass another tableName.`);
        }
      } catch (err) {
        this.schemaReady = null;
        if (err instanceof PersistenceError) throw err;
        throw new PersistenceError(`PostgreSQLPersister cannot prepare table "${t}" at ${this.where()}: ${(err as Error).message}`, { cause: err });
      }
    })();
    return this.schemaReady;
  }

  async save(args: SaveArgs): Promise<void> {
    await this.initialize();
    const t = this.tableName;
    const pk = args.partitionKey ?? "";
    const key = SnapshotPolicy.key(args.partitionKey, args.appId);
    let branch = this.policy.branchOf(key);
    if (branch === undefined) branch = headOf(await this.branchMap(pk, args.appId));
    const d = this.policy.decide(key, branch, args.sequenceId, args.changes, args.status === "failed", encodeDelta);
    const text = d.kind === "delta" ? d.text : JSON.stringify(stateToPlain(args.state));
    let inserted: number;
    try {
      // One round trip, one statement: insert only while `branch` is still the app's newest branch
      // and the step continues the branch's stored head (or its fork point; a new app starts anywhere).
      const res = await this.query(
        `INSERT INTO ${t} (partition_key, app_id, branch, sequence_id, position, status, kind, state) ` +
          `SELECT $1, $2, $3, $4, $5, $6, $7, $8::jsonb WHERE NOT EXISTS (SELECT 1 FROM ${t}_branches WHERE partition_key = $1 AND app_id = $2 AND branch > $3) ` +
          `AND coalesce((SELECT max(sequence_id) FROM ${t} WHERE partition_key = $1 AND app_id = $2 AND branch = $3), ` +
          `(SELECT CASE WHEN fork_sequence_id < 0 THEN -1 ELSE fork_sequence_id END FROM ${t}_branches WHERE partition_key = $1 AND app_id = $2 AND branch = $3), $4 - 1) = $4 - 1`,
        [pk, args.appId, branch, args.sequenceId, args.position, args.status, d.kind, text],
        `burr_save_${t}`,
      );
      inserted = res.rowCount ?? 0;
    } catch (err) {
      this.policy.forget(key);
      if ((err as { code?: string }).code === "23505") throw new ConcurrentStepError({ partitionKey: args.partitionKey, appId: args.appId, sequenceId: args.sequenceId, cause: err });
      throw new PersistenceError(`PostgreSQLPersister (${this.where()}): saving step ${args.sequenceId} (${args.position}) of app "${args.appId}" failed: ${(err as Error).message}`, { cause: err });
    }
    if (inserted === 0) {
      this.policy.forget(key);
      throw new ConcurrentStepError({ partitionKey: args.partitionKey, appId: args.appId, sequenceId: args.sequenceId, reason: await this.whyRefused(pk, args, branch) });
    }
    this.policy.committed(key, branch, args.sequenceId, d.kind, text.length);
  }

  async load(partitionKey: string | null, appId: string, sequenceId?: number, options: LoadOptions = {}): Promise<PersistedStep | null> {
    await this.initialize();
    const t = this.tableName;
    const pk = partitionKey ?? "";
    const branches = await this.branchMap(pk, appId);
    const from = options.branch ?? headOf(branches);
    if (!branches.has(from)) return null;
    let target: { branch: number; seq: number } | null = null;
    if (sequenceId === undefined) {
      for (const { branch, upTo } of lineage(branches, from)) {
        const r = await this.query<{ m: number | null }>(`SELECT max(sequence_id) AS m FROM ${t} WHERE partition_key = $1 AND app_id = $2 AND branch = $3 AND sequence_id <= $4`, [pk, appId, branch, Math.min(upTo, MAX_SEQ)]);
        if (r.rows[0].m !== null) {
          target = { branch, seq: r.rows[0].m };
          break;
        }
      }
    } else target = { branch: branchHolding(branches, from, sequenceId), seq: sequenceId };
    if (!target) return null;
    const { rows } = await this.query<StepRow>(
      `SELECT sequence_id, position, status, kind, state, created_at, branch FROM ${t} WHERE partition_key = $1 AND app_id = $2 AND branch = $3 AND sequence_id <= $4 AND sequence_id >= ` +
        `coalesce((SELECT max(sequence_id) FROM ${t} WHERE partition_key = $1 AND app_id = $2 AND branch = $3 AND sequence_id <= $4 AND kind = 'full'), $4) ORDER BY sequence_id`,
      [pk, appId, target.branch, target.seq],
    );
    const last = rows[rows.length - 1];
    if (!last || last.sequence_id !== target.seq) return null;
    if (rows[0].kind !== "full") throw new PersistenceError(`PostgreSQLPersister: app "${appId}" step ${target.seq} has no snapshot to rebuild from in table ${t}.`);
    return { partitionKey, appId, sequenceId: last.sequence_id, position: last.position, state: plainToState(replay(rows)), status: last.status, createdAt: last.created_at, branch: last.branch };
  }

  async listAppIds(partitionKey: string | null): Promise<string[]> {
    await this.initialize();
    const r = await this.query<{ app_id: string }>(`SELECT app_id FROM ${this.tableName} WHERE partition_key = $1 GROUP BY app_id ORDER BY max(created_at) DESC`, [partitionKey ?? ""]);
    return r.rows.map((x) => x.app_id);
  }

  async rewind(args: RewindArgs): Promise<BranchInfo> {
    await this.initialize();
    const pk = args.partitionKey ?? "";
    const branches = await this.branchMap(pk, args.appId);
    const head = headOf(branches);
    const holder = branchHolding(branches, head, args.toSequenceId);
    const found = await this.query(`SELECT 1 FROM ${this.tableName} WHERE partition_key = $1 AND app_id = $2 AND branch = $3 AND sequence_id = $4`, [pk, args.appId, holder, args.toSequenceId]);
    if (!found.rowCount && args.toSequenceId !== -1) throw new PersistenceError(`PostgreSQLPersister: cannot rewind app "${args.appId}" to step ${args.toSequenceId}: no such step on its current history.`);
    const rec: BranchRecord = { branch: head + 1, parentBranch: head, forkSequenceId: args.toSequenceId, createdAt: new Date() };
    try {
      await this.query(`INSERT INTO ${this.tableName}_branches (partition_key, app_id, branch, parent_branch, fork_sequence_id, created_at) VALUES ($1, $2, $3, $4, $5, $6)`, [pk, args.appId, rec.branch, rec.parentBranch, rec.forkSequenceId, rec.createdAt]);
    } catch (err) {
      if ((err as { code?: string }).code === "23505") throw new ConcurrentStepError({ partitionKey: args.partitionKey, appId: args.appId, sequenceId: args.toSequenceId, reason: "another writer rewound the app at the same time", cause: err });
      throw err;
    }
    this.policy.moveTo(SnapshotPolicy.key(args.partitionKey, args.appId), rec.branch);
    return { ...rec, lastSequenceId: null, current: true };
  }

  /** The app's newest branch and the highest step saved on it, in one round trip. */
  async head(partitionKey: string | null, appId: string): Promise<HistoryHead> {
    await this.initialize();
    const t = this.tableName;
    const r = await this.query<{ head: number; top: number | null }>(
      `SELECT h.head AS head, (SELECT max(sequence_id) FROM ${t} WHERE partition_key = $1 AND app_id = $2 AND branch = h.head) AS top ` +
        `FROM (SELECT coalesce(max(branch), 0) AS head FROM ${t}_branches WHERE partition_key = $1 AND app_id = $2) AS h`,
      [partitionKey ?? "", appId],
      `burr_head_${t}`,
    );
    return { branch: r.rows[0].head, lastSequenceId: r.rows[0].top };
  }

  async listBranches(partitionKey: string | null, appId: string): Promise<BranchInfo[]> {
    await this.initialize();
    const pk = partitionKey ?? "";
    const branches = await this.branchMap(pk, appId);
    const head = headOf(branches);
    const r = await this.query<{ branch: number; m: number }>(`SELECT branch, max(sequence_id) AS m FROM ${this.tableName} WHERE partition_key = $1 AND app_id = $2 GROUP BY branch`, [pk, appId]);
    const last = new Map(r.rows.map((x) => [x.branch, x.m]));
    return [...branches.values()].sort((a, b) => a.branch - b.branch).map((b) => ({ ...b, lastSequenceId: last.get(b.branch) ?? null, current: b.branch === head }));
  }

  async listSteps(partitionKey: string | null, appId: string, options: LoadOptions = {}): Promise<StepSummary[]> {
    await this.initialize();
    const pk = partitionKey ?? "";
    const branches = await this.branchMap(pk, appId);
    const out: StepSummary[] = [];
    for (const { branch, upTo } of lineage(branches, options.branch ?? headOf(branches))) {
      const r = await this.query<StepRow>(`SELECT sequence_id, position, status, created_at FROM ${this.tableName} WHERE partition_key = $1 AND app_id = $2 AND branch = $3 AND sequence_id <= $4`, [pk, appId, branch, Math.min(upTo, MAX_SEQ)]);
      for (const s of r.rows) out.push({ sequenceId: s.sequence_id, position: s.position, status: s.status, createdAt: s.created_at, branch });
    }
    return out.sort((a, b) => a.sequenceId - b.sequenceId);
  }

  async close(): Promise<void> {
    const pool = this.pool;
    this.pool = null;
    this.schemaReady = null;
    this.policy.clear();
    await pool?.end();
  }

  /** Explains a refused insert (the error path only). */
  private async whyRefused(pk: string, args: SaveArgs, branch: number): Promise<string | undefined> {
    const branches = await this.branchMap(pk, args.appId);
    const head = headOf(branches);
    if (head > branch) return `the app was rewound by another writer (its history is now on branch ${head})`;
    const r = await this.query<{ m: number | null }>(`SELECT max(sequence_id) AS m FROM ${this.tableName} WHERE partition_key = $1 AND app_id = $2 AND branch = $3`, [pk, args.appId, head]);
    const fork = branches.get(head)?.forkSequenceId ?? null;
    const latest = r.rows[0].m ?? (fork === null || fork < 0 ? null : fork);
    return predecessorMismatch(args.sequenceId, latest, head)?.reason ?? `the stored history changed while saving`;
  }

  private async branchMap(pk: string, appId: string): Promise<Map<number, BranchRecord>> {
    const r = await this.query<{ branch: number; parent_branch: number; fork_sequence_id: number; created_at: Date }>(
      `SELECT branch, parent_branch, fork_sequence_id, created_at FROM ${this.tableName}_branches WHERE partition_key = $1 AND app_id = $2`,
      [pk, appId],
    );
    const map = new Map<number, BranchRecord>([[0, rootBranch()]]);
    for (const x of r.rows) map.set(x.branch, { branch: x.branch, parentBranch: x.parent_branch, forkSequenceId: x.fork_sequence_id, createdAt: x.created_at });
    return map;
  }
}

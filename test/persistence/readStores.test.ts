// The runtime's reading API for persister tables (runtime/src/persistence/read):
// real SQLite files written by SQLitePersister and read through better-sqlite3,
// the real PostgreSQL server through pg, Python Burr's layout, and hostile rows
// that must become PersistedRowErrors naming the table, app, partition and step.
import { strict as assert } from "node:assert";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import pg from "pg";
import {
  PersistedRowError, PersistedRunReader, PersisterTableError, PostgreSQLPersister, SQLitePersister, State,
  betterSqliteDriver, listPersistedApps, openPersisterTable, openSqliteDriver, pgDriver, readPersistedHistory, stateAt,
  type QueryDriver, type RewindableStatePersister,
} from "burr-ts";
import { dropTables, pgUrl, requirePg, uniqueTable } from "./pgSupport.js";

/** Eight steps with deltas between snapshots, a Date, and a rewind to step 4 followed by two new steps. */
async function writeHistory(p: RewindableStatePersister, partitionKey: string | null, appId: string): Promise<State> {
  let state: State = new State({ count: 0, items: [] as number[], when: new Date("2024-05-01T10:00:00Z") });
  for (let i = 0; i < 8; i++) {
    const next = state.update({ count: i + 1 }).append({ items: i });
    await p.save({
      partitionKey, appId, sequenceId: i, position: i % 2 ? "odd" : "even", state: next, status: i === 5 ? "failed" : "completed",
      changes: { set: { count: i + 1 }, appended: { items: [i] }, deleted: [] },
    });
    state = next;
  }
  await p.rewind({ partitionKey, appId, toSequenceId: 4 });
  state = (await p.load(partitionKey, appId))!.state;
  for (let i = 5; i < 7; i++) {
    const next = state.update({ count: 100 + i });
    await p.save({ partitionKey, appId, sequenceId: i, position: "after_rewind", state: next, status: "completed", changes: { set: { count: 100 + i }, appended: {}, deleted: [] } });
    state = next;
  }
  return state;
}

const reader = (driver: QueryDriver, table: string) => new PersistedRunReader(driver, table);

/** What every driver must read the same way: listing, the head branch's states, the stored Date. */
async function checkReading(driver: QueryDriver, table: string, persister: RewindableStatePersister, partitionKey: string): Promise<void> {
  const t = await openPersisterTable(driver, table);
  assert.equal(t.layout, "burr-ts");
  assert.equal(t.hasBranches, true);

  const apps = await listPersistedApps(t);
  assert.deepEqual(apps.map((a) => [a.partitionKey, a.appId, a.lastSequenceId, a.lastPosition]).sort(), [
    ["", "plain", 6, "after_rewind"], [partitionKey, "rewound", 6, "after_rewind"],
  ]);
  assert.ok(apps.every((a) => a.lastWritten > Date.parse("2020-01-01")), "times are epoch ms");
  assert.deepEqual((await listPersistedApps(t, partitionKey)).map((a) => a.appId), ["rewound"]);

  const h = await readPersistedHistory(t, partitionKey, "rewound");
  assert.equal(h.headBranch, 1);
  assert.deepEqual(h.steps.map((s) => [s.sequenceId, s.position, s.status]), [
    [0, "even", "completed"], [1, "odd", "completed"], [2, "even", "completed"], [3, "odd", "completed"], [4, "even", "completed"],
    [5, "after_rewind", "completed"], [6, "after_rewind", "completed"],
  ]);
  for (const s of h.steps) {
    const loaded = await persister.load(partitionKey, "rewound", s.sequenceId);
    assert.deepEqual(s.state, loaded!.state.serialize(), `step ${s.sequenceId} decodes as the persister loads it`);
  }
  // Left as deltas, the steps rebuild to the same states when looked at (stateAt, as the run views do).
  const lazy = await reader(driver, table).readApp(partitionKey, "rewound", { states: "delta" });
  assert.ok(lazy.steps.some((s) => s.stateDelta && s.state === null), "delta rows stay deltas");
  assert.deepEqual(lazy.steps.map((_, i) => stateAt(lazy.steps, i)), h.steps.map((s) => s.state));
  const last = State.deserialize(h.steps[6]!.state!);
  assert.ok(last.get("when") instanceof Date, "the stored Date comes back through State.deserialize");
  assert.deepEqual(last.get("items"), [0, 1, 2, 3, 4]);

  const runs = reader(driver, table);
  const projects = await runs.listProjects();
  assert.deepEqual(projects.map((p) => [p.name, p.appCount]).sort(), [["(no partition key)", 1], [partitionKey, 1]]);
  const run = await runs.readApp(partitionKey, "rewound");
  assert.equal(run.steps.length, 7);
  assert.match(run.warnings.join("\n"), /Showing branch 1/);
  const [summary] = await runs.listApps("(no partition key)");
  assert.deepEqual([summary!.appId, summary!.steps, summary!.partitionKey], ["plain", 7, null]);
}

describe("reading persister tables: SQLite through better-sqlite3", function () {
  this.timeout(60000);
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), "burr-read-"))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("lists apps and decodes each step's state on the head branch, as the persister loads it", async () => {
    const dbPath = join(dir, "app.db");
    const p = new SQLitePersister({ dbPath, tableName: "runs", snapshots: { minSnapshotBytes: 0, deltaToSnapshotRatio: 1000, maxDeltaChain: 3 } });
    await writeHistory(p, "alice", "rewound");
    await writeHistory(p, null, "plain");
    const db = new Database(dbPath, { readonly: true });
    try {
      const kinds = db.prepare(`SELECT kind, COUNT(*) AS n FROM runs GROUP BY kind ORDER BY kind`).all() as { kind: string; n: number }[];
      assert.ok(kinds.some((k) => k.kind === "delta") && kinds.some((k) => k.kind === "full"), "both row kinds are read");
      await checkReading(betterSqliteDriver(db), "runs", p, "alice");
    } finally {
      db.close();
      await p.close();
    }
    const opened = openSqliteDriver(dbPath);
    try {
      assert.equal((await readPersistedHistory(await openPersisterTable(opened, "runs"), null, "plain")).steps.length, 7);
    } finally {
      opened.close();
    }
  });

  it("reads Python Burr's layout: every row a full state, SQLite's zone-less timestamps as UTC", async () => {
    const db = new Database(join(dir, "burr.db"));
    try {
      db.exec(`CREATE TABLE burr_state (partition_key TEXT DEFAULT '', app_id TEXT NOT NULL, sequence_id INTEGER NOT NULL, position TEXT NOT NULL,
        status TEXT NOT NULL, state TEXT NOT NULL, created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP, PRIMARY KEY (partition_key, app_id, sequence_id))`);
      const insert = db.prepare(`INSERT INTO burr_state VALUES (?, ?, ?, ?, ?, ?, ?)`);
      insert.run("", "py", 0, "start", "completed", JSON.stringify({ n: 1 }), "2024-05-01 10:00:00");
      insert.run("", "py", 1, "next", "completed", JSON.stringify({ n: 2 }), "2024-05-01 10:00:01");
      const t = await openPersisterTable(betterSqliteDriver(db));
      assert.equal(t.layout, "burr");
      const h = await readPersistedHistory(t, null, "py");
      assert.deepEqual(h.steps.map((s) => [s.sequenceId, s.state, s.createdAt]), [
        [0, { n: 1 }, Date.parse("2024-05-01T10:00:00Z")], [1, { n: 2 }, Date.parse("2024-05-01T10:00:01Z")],
      ]);
    } finally {
      db.close();
    }
  });

  it("hostile rows: corrupt JSON, wrong types, a delta before any snapshot, a bad kind; each error names table, app, partition and step", async () => {
    const dbPath = join(dir, "hostile.db");
    const p = new SQLitePersister({ dbPath, tableName: "bad" });
    await writeHistory(p, "tenant", "victim");
    await p.close();
    const db = new Database(dbPath);
    try {
      const driver = betterSqliteDriver(db);
      const t = await openPersisterTable(driver, "bad");
      const cases: Array<{ sql: string; seq: number; column: string; problem: RegExp }> = [
        { sql: `UPDATE bad SET state = '{"count": ' WHERE app_id = 'victim' AND sequence_id = 2`, seq: 2, column: "state", problem: /is not valid JSON/ },
        { sql: `UPDATE bad SET state = '[1, 2]', kind = 'full' WHERE app_id = 'victim' AND sequence_id = 0`, seq: 0, column: "state", problem: /holds an array, not a JSON object/ },
        { sql: `UPDATE bad SET state = '{"d": 5}', kind = 'delta' WHERE app_id = 'victim' AND sequence_id = 3`, seq: 3, column: "state", problem: /"d" \(keys deleted\) is not an array/ },
        { sql: `UPDATE bad SET state = '{"a": {"items": 7}}', kind = 'delta' WHERE app_id = 'victim' AND sequence_id = 3`, seq: 3, column: "state", problem: /"a" \(items appended\) is not an object of arrays/ },
        { sql: `UPDATE bad SET kind = 'delta' WHERE app_id = 'victim' AND sequence_id = 0`, seq: 0, column: "state", problem: /delta with no full row before it/ },
        { sql: `UPDATE bad SET state = x'7b7d', kind = 'full' WHERE app_id = 'victim' AND sequence_id = 0`, seq: 0, column: "state", problem: /holds a blob, not a JSON object/ },
        { sql: `UPDATE bad SET position = x'2a' WHERE app_id = 'victim' AND sequence_id = 1`, seq: 1, column: "position", problem: /is a blob, not the name of an action/ },
      ];
      for (const c of cases) {
        db.exec("SAVEPOINT hostile");
        // SQLite enforces the CHECK on kind; the cases above keep it valid, the bad-kind case below drops it.
        db.exec(c.sql);
        await assert.rejects(readPersistedHistory(t, "tenant", "victim"), (err: unknown) => {
          assert.ok(err instanceof PersistedRowError, String(err));
          assert.equal(err.table, "bad");
          assert.equal(err.appId, "victim");
          assert.equal(err.partitionKey, "tenant");
          assert.equal(err.sequenceId, c.seq);
          assert.equal(err.column, c.column);
          assert.match(err.problem, c.problem);
          assert.match(err.message, new RegExp(`persister table bad: column "${c.column}".*app "victim", partition "tenant", sequence id ${c.seq}`));
          return true;
        }, c.sql);
        const reported = await readPersistedHistory(t, "tenant", "victim", { badRows: "report" });
        assert.equal(reported.problems.length >= 1, true);
        assert.match(reported.problems[0]!.problem, c.problem);
        const good = reported.steps.filter((s) => s.state !== null).map((s) => s.sequenceId);
        assert.ok(reported.steps.some((s) => s.sequenceId === c.seq ? s.state === null : true), "the bad step has no state");
        if (c.seq === 2) assert.deepEqual(good, [0, 1, 5, 6], "steps before the bad row decode, and those after the rewind's full row");
        db.exec("ROLLBACK TO hostile; RELEASE hostile");
      }
      // A text sequence id and an unknown kind need a table without the persister's CHECK constraints.
      db.exec(`CREATE TABLE loose AS SELECT * FROM bad; CREATE TABLE loose_branches AS SELECT * FROM bad_branches`);
      db.exec(`UPDATE loose SET kind = 'snapshot' WHERE app_id = 'victim' AND sequence_id = 4 AND branch = 0`);
      const loose = await openPersisterTable(driver, "loose");
      await assert.rejects(readPersistedHistory(loose, "tenant", "victim"), /column "kind" is "snapshot", not "full" or "delta".*sequence id 4/);
      db.exec(`UPDATE loose SET kind = 'full', sequence_id = 'three' WHERE app_id = 'victim' AND sequence_id = 3`);
      await assert.rejects(readPersistedHistory(loose, "tenant", "victim"), (err: unknown) =>
        err instanceof PersistedRowError && err.column === "sequence_id" && err.sequenceId === undefined && /"three", not a step number/.test(err.message));
    } finally {
      db.close();
    }
  });

  it("a missing table, a table that is not a persister's, and an unsafe name are PersisterTableErrors that say what to check", async () => {
    const db = new Database(join(dir, "other.db"));
    try {
      db.exec(`CREATE TABLE notes (id INTEGER, body TEXT)`);
      const driver = betterSqliteDriver(db);
      await assert.rejects(openPersisterTable(driver, "burr_state"), (e: unknown) => e instanceof PersisterTableError && /no such table: check the table name/.test(e.message));
      await assert.rejects(openPersisterTable(driver, "notes"), /has no partition_key, app_id, sequence_id, position, status, state, created_at columns/);
      await assert.rejects(openPersisterTable(driver, "x; DROP TABLE notes"), /not a plain table name/);
    } finally {
      db.close();
    }
    assert.throws(() => openSqliteDriver(join(dir, "absent.db")), (e: unknown) => e instanceof PersisterTableError && /cannot be opened/.test(e.message));
  });
});

describe("reading persister tables: PostgreSQL through pg", function () {
  this.timeout(120000);
  const tables: string[] = [];
  let pool: pg.Pool;
  before(async function () {
    await requirePg(this);
    pool = new pg.Pool({ connectionString: pgUrl, max: 2 });
  });
  after(async () => {
    if (tables.length) await dropTables(...tables);
    await pool?.end();
  });

  it("lists apps and decodes JSONB full and delta rows on the head branch, as the persister loads them", async () => {
    const table = uniqueTable("burr_read");
    tables.push(table);
    const p = PostgreSQLPersister.fromUrl(pgUrl, { tableName: table, snapshots: { minSnapshotBytes: 0, deltaToSnapshotRatio: 1000, maxDeltaChain: 3 } });
    try {
      await writeHistory(p, "alice", "rewound");
      await writeHistory(p, null, "plain");
      await checkReading(pgDriver(pool), table, p, "alice");
    } finally {
      await p.close();
    }
  });

  it("hostile JSONB rows (a string state, a delta of the wrong shape) and Burr's layout with a non-object state", async () => {
    const table = uniqueTable("burr_read");
    tables.push(table);
    const p = PostgreSQLPersister.fromUrl(pgUrl, { tableName: table });
    try {
      await writeHistory(p, null, "victim");
    } finally {
      await p.close();
    }
    const driver = pgDriver(pool);
    const t = await openPersisterTable(driver, table);
    await pool.query(`UPDATE ${table} SET state = '"just text"'::jsonb WHERE app_id = 'victim' AND sequence_id = 0`);
    await assert.rejects(readPersistedHistory(t, null, "victim"), (e: unknown) =>
      e instanceof PersistedRowError && e.sequenceId === 0 && e.appId === "victim" && /holds string, not a JSON object/.test(e.message));
    await pool.query(`UPDATE ${table} SET state = '{"count": 1}'::jsonb WHERE app_id = 'victim' AND sequence_id = 0`);
    await pool.query(`UPDATE ${table} SET state = '{"s": [1]}'::jsonb, kind = 'delta' WHERE app_id = 'victim' AND sequence_id = 2`);
    await assert.rejects(readPersistedHistory(t, null, "victim"), /"s" \(keys set\) is not an object.*sequence id 2/);
    const reported = await readPersistedHistory(t, null, "victim", { badRows: "report" });
    assert.deepEqual(reported.steps.map((s) => s.state === null), [false, false, true, true, true, false, false],
      "the bad delta and the deltas after it have no state until the next full row");

    const burr = uniqueTable("burr_py");
    tables.push(burr);
    await pool.query(`CREATE TABLE ${burr} (partition_key TEXT DEFAULT '', app_id TEXT NOT NULL, sequence_id INTEGER NOT NULL, position TEXT NOT NULL,
      status TEXT NOT NULL, state JSONB NOT NULL, created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP)`);
    await pool.query(`INSERT INTO ${burr} (partition_key, app_id, sequence_id, position, status, state) VALUES ('p', 'py', 0, 'a', 'completed', '{"x": 1}'), ('p', 'py', 1, 'b', 'completed', '7')`);
    const bt = await openPersisterTable(driver, burr);
    assert.equal(bt.layout, "burr");
    await assert.rejects(readPersistedHistory(bt, "p", "py"), /holds number, not a JSON object.*app "py", partition "p", sequence id 1/);
    const run = await new PersistedRunReader(driver, burr).readApp("p", "py");
    assert.deepEqual(run.steps.map((s) => s.state), [{ x: 1 }, null]);
    assert.match(run.warnings.join("\n"), /sequence id 1/);
  });
});

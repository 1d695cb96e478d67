// Annotations beside a persister's table (runs with no tracking directory):
// the same records and operations as annotations.jsonl, in SQLite through
// better-sqlite3 and in a real PostgreSQL, with racing writers.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import pg from "pg";
import { betterSqliteDriver, pgDriver, sqlAnnotationStore, annotationsTable, type AnnotationObservation, type AnnotationStore, type QueryDriver } from "burr-ts";
import { skipOrFail } from "../support/skip.js";

const obs: AnnotationObservation = { data_fields: { note: "n", ground_truth: { answer: 4 } }, thumbs_up_thumbs_down: true, data_pointers: [{ type: "state_field", field_name: "answer", span_id: null }] };

async function exercise(driver: QueryDriver, table: string): Promise<void> {
  const store: AnnotationStore = sqlAnnotationStore(driver, { table, project: "user-1" });
  const other = sqlAnnotationStore(driver, { table, project: "user-2" });
  assert.deepEqual(await store.list(), [], "no table yet: nothing, and no error");
  const a = await store.create({ appId: "app-1", partitionKey: "user-1", stepSequenceId: 2, stepName: "respond", tags: ["gold"], observations: [obs] });
  const b = await other.create({ appId: "app-9", partitionKey: null, stepSequenceId: 0, spanId: "0:1", stepName: "q", tags: [], observations: [] });
  assert.equal(a.id, 0);
  assert.equal(b.id, 1, "ids are max + 1 over the table");
  assert.deepEqual(a.observations, [obs]);
  assert.equal(a.project_id, "user-1");
  assert.deepEqual((await store.list()).map((x) => x.id), [0], "each project sees its own");
  assert.deepEqual((await other.list({ partitionKey: null })).map((x) => x.span_id), ["0:1"]);
  const u = await store.update(0, { tags: ["gold", "checked"] });
  assert.deepEqual(u.tags, ["gold", "checked"]);
  assert.deepEqual(u.observations, [obs]);
  await assert.rejects(store.update(1, { tags: [] }), /Annotation 1 not found in project "user-1" \(table .*_annotations\)/);
  const many = await Promise.all(Array.from({ length: 12 }, (_, i) => store.create({ appId: "app-1", partitionKey: "user-1", stepSequenceId: i, stepName: "s", tags: [], observations: [] })));
  assert.equal(new Set(many.map((m) => m.id)).size, 12);
  await store.delete(0);
  assert.equal((await store.list({ appId: "app-1" })).length, 12);
  await assert.rejects(store.delete(0), /Annotation 0 not found/);
}

describe("annotations beside persister tables", function () {
  this.timeout(60_000);

  it("SQLite (better-sqlite3): create, list, update, delete, racing creates", async () => {
    const dir = mkdtempSync(join(tmpdir(), "burr-annot-sql-"));
    const db = new Database(join(dir, "app.db"));
    try {
      await exercise(betterSqliteDriver(db), "burr_state");
      assert.equal(annotationsTable("burr_state"), "burr_state_annotations");
      // A hand-edited row is skipped with a warning.
      db.prepare("UPDATE burr_state_annotations SET tags = 'not json' WHERE id = 5").run();
      const warnings: string[] = [];
      const rows = await sqlAnnotationStore(betterSqliteDriver(db), { project: "user-1" }).list({ onWarning: (w) => warnings.push(w) });
      assert.equal(rows.length, 11);
      assert.match(warnings[0]!, /burr_state_annotations row id 5: .*annotation skipped/);
    } finally {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    }
    assert.throws(() => annotationsTable("bad name"), /the table name must be/);
  });

  it("PostgreSQL: the same, on a real server", async function () {
    const url = process.env.BURR_TEST_PG_URL ?? "postgresql://postgres@127.0.0.1:5432/test";
    const pool = new pg.Pool({ connectionString: url, max: 4, connectionTimeoutMillis: 5000 });
    try {
      await pool.query("SELECT 1");
    } catch (err) {
      await pool.end();
      skipOrFail(this, `PostgreSQL at ${url} is not reachable: ${(err as Error).message}`);
    }
    const table = `burr_annot_${process.pid}_${Date.now() % 100000}`;
    try {
      await exercise(pgDriver(pool), table);
    } finally {
      await pool.query(`DROP TABLE IF EXISTS ${table}_annotations`);
      await pool.end();
    }
  });
});

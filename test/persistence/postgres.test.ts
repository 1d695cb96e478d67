// PostgreSQLPersister against the real server: the contract, concurrent
// connections, and 4 worker processes stepping 50 apps each.
import { strict as assert } from "node:assert";
import { PostgreSQLPersister, PersistenceError } from "burr-ts";
import { persisterContract } from "./contract.js";
import { dropTables, pgUrl, query, requirePg, uniqueTable } from "./pgSupport.js";
import { startWorker } from "./processes.js";

persisterContract(
  "PostgreSQLPersister",
  () => {
    const table = uniqueTable();
    const open: PostgreSQLPersister[] = [];
    const make = async () => {
      const p = PostgreSQLPersister.fromUrl(pgUrl, { tableName: table });
      open.push(p);
      return p;
    };
    return {
      make,
      second: make,
      cleanup: async () => {
        for (const p of open) await p.close();
        await dropTables(table);
      },
    };
  },
  requirePg,
);

describe("PostgreSQLPersister on the real server", function () {
  this.timeout(120000);
  before(async function () {
    await requirePg(this);
  });

  it("fromValues connects like fromUrl, and validates the table name", async () => {
    const u = new URL(pgUrl);
    const table = uniqueTable();
    const p = PostgreSQLPersister.fromValues({ database: u.pathname.slice(1), user: decodeURIComponent(u.username), password: decodeURIComponent(u.password), host: u.hostname, port: Number(u.port || 5432), tableName: table });
    try {
      await p.initialize();
      assert.deepEqual(await p.listAppIds("nobody"), []);
      const cols = await query<{ column_name: string; data_type: string }>(`SELECT column_name, data_type FROM information_schema.columns WHERE table_name = $1 ORDER BY ordinal_position`, [table]);
      assert.deepEqual(cols.map((c) => c.column_name), ["partition_key", "app_id", "branch", "sequence_id", "position", "status", "kind", "state", "created_at"]);
      assert.equal(cols.find((c) => c.column_name === "state")!.data_type, "jsonb");
    } finally {
      await p.close();
      await dropTables(table);
    }
    assert.throws(() => PostgreSQLPersister.fromUrl(pgUrl, { tableName: "x; DROP TABLE y" }), (e: unknown) => e instanceof PersistenceError && /letters, digits/.test((e as Error).message));
  });

  it("4 worker processes stepping 50 apps each, concurrently: no step lost or duplicated", async () => {
    const table = uniqueTable("burr_workers");
    const setup = PostgreSQLPersister.fromUrl(pgUrl, { tableName: table });
    await setup.initialize();
    await setup.close();
    const turns = 3;
    try {
      const workers = [0, 1, 2, 3].map((i) => startWorker(["pg", pgUrl, table, String(i), "50", String(turns)]));
      const done = await Promise.all(workers.map((w) => w.waitFor(/^done /)));
      const exits = await Promise.all(workers.map((w) => w.exited));
      for (const e of exits) assert.equal(e.code, 0, e.stderr);
      assert.deepEqual(done, Array(4).fill(`done ${50 * turns * 3}`));
      const perApp = await query<{ partition_key: string; app_id: string; n: string; distinct_seq: string; min: number; max: number }>(
        `SELECT partition_key, app_id, count(*) AS n, count(DISTINCT sequence_id) AS distinct_seq, min(sequence_id) AS min, max(sequence_id) AS max FROM ${table} GROUP BY 1, 2`,
      );
      assert.equal(perApp.length, 200);
      for (const a of perApp) {
        assert.deepEqual([Number(a.n), Number(a.distinct_seq), a.min, a.max], [turns * 3, turns * 3, 0, turns * 3 - 1], `${a.partition_key}/${a.app_id}`);
      }
      const check = PostgreSQLPersister.fromUrl(pgUrl, { tableName: table });
      const last = await check.load("worker-2", "w2-app17");
      assert.equal(last!.sequenceId, 8);
      assert.deepEqual((last!.state.get("chatHistory") as Array<{ content: string }>).map((m) => m.content).filter((c) => c.startsWith("w2")), [
        "w2 app 17 turn 0",
        "w2 app 17 turn 1",
        "w2 app 17 turn 2",
      ]);
      await check.close();
    } finally {
      await dropTables(table);
    }
  });
});

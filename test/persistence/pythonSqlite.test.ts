// A Python Burr app's saved conversations, forked into TypeScript: the table is
// created and filled by python3's sqlite3 exactly as Burr's SQLitePersister
// does (burr/core/persistence.py: CREATE TABLE, INSERT, json.dumps of
// State.serialize(), including Burr's __SEQUENCE_ID/__PRIOR_STEP keys).
import { strict as assert } from "node:assert";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { ApplicationBuilder, PersistenceError, PythonSQLiteLoader, SQLitePersister, when } from "burr-ts";
import { aiResponse, buildChat, humanInput, safetyCheck, turn, unsafeResponse } from "./chatApp.js";

// What SQLitePersister.create_table_if_not_exists and .save run, verbatim.
const PYTHON = String.raw`
import json, sqlite3, sys
db, table = sys.argv[1], sys.argv[2]
conn = sqlite3.connect(db)
cur = conn.cursor()
cur.execute(f"""
            CREATE TABLE IF NOT EXISTS {table} (
                partition_key TEXT DEFAULT '',
                app_id TEXT NOT NULL,
                sequence_id INTEGER NOT NULL,
                position TEXT NOT NULL,
                status TEXT NOT NULL,
                state TEXT NOT NULL,
                created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
                PRIMARY KEY (partition_key, app_id, sequence_id, position)
            )""")
cur.execute(f"CREATE INDEX IF NOT EXISTS {table}_created_at_index ON {table} (created_at);")
history = []
steps = [("humanInput", {"prompt": "who was Aaron Burr?"}, "user"), ("safetyCheck", {"safe": True}, None), ("aiResponse", {"response": "A Vice President."}, "assistant")]
seq = 0
state = {}
for turn in range(2):
    for position, update, role in steps:
        state.update(update)
        if role:
            history.append({"role": role, "content": update.get("prompt", update.get("response"))})
        state["chatHistory"] = list(history)
        saved = dict(state, __SEQUENCE_ID=seq, __PRIOR_STEP=position)
        cur.execute(f"INSERT INTO {table} (partition_key, app_id, sequence_id, position, state, status) VALUES (?, ?, ?, ?, ?, ?)",
                    ("user-1", "py-app", seq, position, json.dumps(saved), "completed"))
        seq += 1
cur.execute(f"INSERT INTO {table} (partition_key, app_id, sequence_id, position, state, status) VALUES (?, ?, ?, ?, ?, ?)",
            ("", "no-partition", 0, "humanInput", json.dumps({"prompt": "hi", "chatHistory": [], "__SEQUENCE_ID": 0}), "completed"))
conn.commit()
`;

function pythonBurrTable(dbPath: string, table = "burr_state"): void {
  const script = join(dbPath, "..", "make.py");
  writeFileSync(script, PYTHON);
  execFileSync("python3", [script, dbPath, table]);
}

describe("PythonSQLiteLoader: Python Burr's SQLitePersister table, read-only", () => {
  let dir: string;
  let dbPath: string;
  before(function () {
    try {
      execFileSync("python3", ["-c", "import sqlite3"]);
    } catch {
      if (process.env.BURR_REQUIRE_ALL === "1") throw new Error("python3 with sqlite3 is required (BURR_REQUIRE_ALL=1)");
      console.warn("SKIPPED: python3 with sqlite3 is not available");
      this.skip();
    }
    dir = mkdtempSync(join(tmpdir(), "burr-pysqlite-"));
    dbPath = join(dir, "burr.db");
    pythonBurrTable(dbPath);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("loads the latest step or a given one, without Burr's internal keys", async () => {
    const loader = new PythonSQLiteLoader({ dbPath });
    const latest = await loader.load("user-1", "py-app");
    assert.ok(latest);
    assert.equal(latest.sequenceId, 5);
    assert.equal(latest.position, "aiResponse");
    assert.equal(latest.status, "completed");
    assert.equal(latest.partitionKey, "user-1");
    assert.ok(latest.createdAt.getTime() > Date.UTC(2020, 0, 1), "CURRENT_TIMESTAMP read as UTC");
    assert.deepEqual(latest.state.keys().sort(), ["chatHistory", "prompt", "response", "safe"]);
    assert.equal((latest.state.get("chatHistory") as unknown[]).length, 4);
    const first = await loader.load("user-1", "py-app", 0);
    assert.deepEqual(first?.state.getAll(), { prompt: "who was Aaron Burr?", chatHistory: [{ role: "user", content: "who was Aaron Burr?" }] });
    assert.equal(await loader.load("user-1", "py-app", 99), null);
    assert.equal(await loader.load("user-2", "py-app"), null);
    assert.equal((await loader.load(null, "no-partition"))?.position, "humanInput", "None is stored as ''");
    assert.deepEqual(await loader.listAppIds("user-1"), ["py-app"]);
    assert.deepEqual(await loader.listAppIds(null), ["no-partition"]);
    await loader.close();
  });

  it("a Python conversation is forked into a TypeScript app and continues there", async () => {
    const loader = new PythonSQLiteLoader({ dbPath });
    const { dir: tsDir } = { dir: mkdtempSync(join(tmpdir(), "burr-ts-fork-")) };
    const persister = new SQLitePersister({ dbPath: join(tsDir, "ts.db") });
    try {
      // buildChat's initializeFrom loads through the persister; here the fork comes from Python's table.
      const app = await new ApplicationBuilder()
        .withActions({ humanInput, safetyCheck, aiResponse, unsafeResponse })
        .withTransitions(
          ["humanInput", "safetyCheck"],
          ["safetyCheck", "unsafeResponse", when({ safe: false })],
          ["safetyCheck", "aiResponse", when({ safe: true })],
          [["unsafeResponse", "aiResponse"], "humanInput"],
        )
        .withIdentifiers({ appId: "ts-fork", partitionKey: "user-1" })
        .withStatePersister(persister)
        .initializeFrom(loader, {
          resumeAtNextAction: true,
          defaultState: { chatHistory: [] },
          defaultEntrypoint: "humanInput",
          forkFromAppId: "py-app",
          forkFromPartitionKey: "user-1",
          forkFromSequenceId: 5,
        })
        .build();
      assert.deepEqual(app.parent, { appId: "py-app", partitionKey: "user-1", sequenceId: 5 });
      assert.equal(app.nextAction(), "humanInput", "after aiResponse the graph goes back to humanInput");
      await turn(app, "and after that?");
      const history = app.state.get("chatHistory") as Array<{ content: string }>;
      assert.equal(history.length, 6, "the Python turns plus one TypeScript turn");
      assert.equal(history[4].content, "and after that?");
      assert.equal(app.sequenceId, 8, "numbering continues after the Python steps");
      assert.equal((await persister.load("user-1", "ts-fork"))?.sequenceId, 8, "saved in the TypeScript persister");
    } finally {
      await persister.close();
      await loader.close();
      rmSync(tsDir, { recursive: true, force: true });
    }
    // The file is not changed: read-only.
    const check = new Database(dbPath, { readonly: true });
    assert.equal(check.prepare("SELECT count(*) FROM burr_state").pluck().get(), 7);
    check.close();
  });

  it("refuses what it cannot read, naming the file, table, app, step and column", async () => {
    await assert.rejects(new PythonSQLiteLoader({ dbPath: join(dir, "absent.db") }).load(null, "x"), (e: unknown) => e instanceof PersistenceError && /cannot open .*absent\.db read-only/.test(e.message));
    await assert.rejects(new PythonSQLiteLoader({ dbPath, tableName: "other" }).load(null, "x"), /has no table "other"; pass the table_name/);
    const ours = join(dir, "ours.db");
    const p = new SQLitePersister({ dbPath: ours });
    await buildChat({ appId: "a", persister: p });
    await p.close();
    await assert.rejects(new PythonSQLiteLoader({ dbPath: ours }).load(null, "a"), /written by burr-ts, not Python Burr; load it with new SQLitePersister/);
    assert.throws(() => new PythonSQLiteLoader({ dbPath, tableName: "x; DROP TABLE burr_state" }), /invalid table name/);

    // Hostile rows: garbage JSON, a non-object state, a bad status, Python's NaN.
    const hostile = join(dir, "hostile.db");
    pythonBurrTable(hostile);
    const db = new Database(hostile);
    const insert = db.prepare("INSERT INTO burr_state (partition_key, app_id, sequence_id, position, state, status) VALUES ('', ?, 0, 'humanInput', ?, ?)");
    insert.run("garbage", "{not json", "completed");
    insert.run("array", "[1, 2]", "completed");
    insert.run("status", "{}", "exploded");
    insert.run("nan", '{"x": NaN}', "completed");
    insert.run("proto", '{"__proto__": {"polluted": true}, "ok": 1}', "completed");
    db.close();
    const loader = new PythonSQLiteLoader({ dbPath: hostile });
    await assert.rejects(loader.load(null, "garbage"), /step 0 of Python app "garbage" in .*hostile\.db \(table burr_state\): column "state" is not valid JSON/);
    await assert.rejects(loader.load(null, "array"), /column "state" is not a JSON object/);
    await assert.rejects(loader.load(null, "status"), /column "status" is "exploded", not "completed" or "failed"/);
    await assert.rejects(loader.load(null, "nan"), /column "state" is not valid JSON/);
    const proto = await loader.load(null, "proto");
    assert.deepEqual(proto?.state.getAll(), { ok: 1 }, "a __-key is Burr bookkeeping, never state (nor a prototype)");
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    await loader.close();
  });
});

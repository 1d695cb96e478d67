import { strict as assert } from "node:assert";
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import pg from "pg";
import { PostgreSQLPersister, SQLitePersister, type StatePersister } from "burr-ts";
import { chat, chatbotBuilder } from "../../examples/chatbot/app.js";
import type { AppRun } from "../../extension/src/runs/stores/types.js";
import { PostgresStore } from "../../extension/src/runs/stores/postgresStore.js";
import { SqliteStore } from "../../extension/src/runs/stores/sqliteStore.js";
import { RunsTreeModel } from "../../extension/src/runs/views/treeModel.js";
import { TrackingDirStore } from "../../extension/src/runs/stores/trackingDirStore.js";
import { skipOrFail } from "../support/skip.js";
import { pythonRuns, tempDir } from "./helpers.js";

const wasm = require.resolve("sql.js/dist/sql-wasm.wasm");
const ddl = `CREATE TABLE burr_state (partition_key TEXT DEFAULT '', app_id TEXT NOT NULL, sequence_id INTEGER NOT NULL,
  position TEXT NOT NULL, status TEXT NOT NULL, state TEXT NOT NULL, created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
  PRIMARY KEY (partition_key, app_id, sequence_id, position))`;

function writeSqlite(path: string): void {
  const db = new Database(path);
  db.exec(ddl);
  const ins = db.prepare("INSERT INTO burr_state (partition_key, app_id, sequence_id, position, state, status) VALUES (?,?,?,?,?,?)");
  ins.run("user-1", "app-1", 0, "human_input", JSON.stringify({ prompt: "hi", chat_history: [{ role: "user", content: "hi" }] }), "completed");
  ins.run("user-1", "app-1", 1, "ai_response", JSON.stringify({ prompt: "hi", chat_history: [{ role: "user", content: "hi" }, { role: "assistant", content: "yo" }] }), "completed");
  ins.run("", "app-3", 0, "boom", JSON.stringify({ prompt: "x" }), "failed");
  db.close();
}

describe("runs: SQLite persister databases through sql.js", () => {
  let t: { dir: string; dispose: () => void };
  before(() => {
    t = tempDir("sqlite");
    writeSqlite(join(t.dir, "app.db"));
  });
  after(() => t.dispose());

  it("shows partition keys as projects, apps with steps and status, and each step's state", async () => {
    const store = new SqliteStore(join(t.dir, "app.db"), wasm);
    const projects = await store.listProjects();
    assert.deepEqual(projects.map((p) => p.name).sort(), ["(no partition key)", "user-1"]);
    const [app] = await store.listApps("user-1");
    assert.deepEqual([app.appId, app.steps, app.status, app.partitionKey], ["app-1", 2, "completed", "user-1"]);
    const [failed] = await store.listApps("(no partition key)");
    assert.equal(failed.status, "failed");
    const run = await store.readApp("user-1", "app-1");
    assert.equal(run.steps[1].action, "ai_response");
    assert.equal((run.steps[1].state!.chat_history as unknown[]).length, 2);
    await store.close();
  });

  it("a missing file or table is an error on that store only", async () => {
    const model = new RunsTreeModel([new TrackingDirStore(pythonRuns), new SqliteStore(join(t.dir, "missing.db"), wasm), new SqliteStore(join(t.dir, "app.db#other"), wasm)]);
    const roots = await model.children();
    assert.equal(roots.length, 3);
    const [dirKids, missingKids, otherKids] = await Promise.all(roots.map((r) => model.children(r)));
    assert.equal(dirKids.length, 5);
    assert.equal(missingKids[0].kind, "message");
    assert.match(model.view(missingKids[0]).label, /missing\.db cannot be opened \(ENOENT\)/);
    assert.match(model.view(otherKids[0]).label, /no readable persister table "other"/);
  });

  it("reads SQLite where better-sqlite3 cannot load (the desktop VS Code path), bundled as the extension is", async () => {
    // Bundle the source like scripts/build.mjs bundles the extension, then run it in a
    // fresh node whose module loader refuses better-sqlite3, as Electron's ABI would.
    const esbuild = await import("esbuild");
    const entry = join(t.dir, "entry.ts");
    writeFileSync(entry, `import { SqliteStore } from ${JSON.stringify(join(process.cwd(), "extension/src/runs/stores/sqliteStore.ts"))};
      const s = new SqliteStore(process.argv[2], process.argv[3]);
      s.listApps("user-1").then((apps) => { console.log(JSON.stringify(apps.map((a) => [a.appId, a.steps]))); });`);
    const out = join(t.dir, "bundle.cjs");
    await esbuild.build({ entryPoints: [entry], outfile: out, bundle: true, platform: "node", format: "cjs", external: ["better-sqlite3"], logLevel: "silent" });
    const blocker = join(t.dir, "block.cjs");
    writeFileSync(blocker, `const M = require("module"); const load = M._load;
      M._load = function (req, ...rest) { if (req === "better-sqlite3") throw new Error("native module built for another ABI"); return load.call(this, req, ...rest); };`);
    const stdout = execFileSync(process.execPath, ["--require", blocker, out, join(t.dir, "app.db"), wasm], { encoding: "utf8" });
    assert.deepEqual(JSON.parse(stdout.trim()), [["app-1", 2]]);
  });
});

describe("runs: burr-ts persister tables (full and delta rows, branches)", function () {
  this.timeout(30_000);

  async function runChatbot(persister: StatePersister, appId: string): Promise<void> {
    const app = chatbotBuilder({ appId, partitionKey: "user-9", configure: (b) => b.withStatePersister(persister) }).build();
    for (const prompt of ["Who was Aaron Burr?", "Why the duel?", "unsafe please"]) await chat(app, prompt);
  }
  const expectLastState = (run: AppRun) => {
    assert.equal(run.steps.length, 9);
    const last = run.steps[8];
    assert.equal(last.action, "unsafeResponse");
    const history = last.state!.chatHistory as { role: string; content: string }[];
    assert.equal(history.length, 6, "six messages rebuilt from a full row and deltas");
    assert.equal(history[2].content, "Why the duel?");
    assert.equal(run.steps[3].state!.prompt, "Why the duel?");
  };

  it("reads a SQLite database written by SQLitePersister", async () => {
    const t = tempDir("ours");
    try {
      const persister = new SQLitePersister({ dbPath: join(t.dir, "chat.db") });
      await runChatbot(persister, "conv-1");
      await persister.close();
      const store = new SqliteStore(join(t.dir, "chat.db"), wasm);
      const [app] = await store.listApps("user-9");
      assert.deepEqual([app.appId, app.steps, app.status], ["conv-1", 9, "completed"]);
      expectLastState(await store.readApp("user-9", "conv-1"));
      await store.close();
    } finally {
      t.dispose();
    }
  });

  it("reads a PostgreSQL table written by PostgreSQLPersister", async function () {
    const url = process.env.BURR_TEST_PG_URL ?? "postgresql://postgres@127.0.0.1:5432/test";
    const tableName = `burr_runs_ours_${process.pid}`;
    const persister = PostgreSQLPersister.fromUrl(url, { tableName });
    try {
      await persister.initialize();
    } catch (err) {
      skipOrFail(this, `PostgreSQL at ${url} is not reachable: ${(err as Error).message}`);
    }
    try {
      await runChatbot(persister, "conv-pg");
      const store = new PostgresStore(`${url}#${tableName}`);
      const [app] = await store.listApps("user-9");
      assert.deepEqual([app.appId, app.steps], ["conv-pg", 9]);
      expectLastState(await store.readApp("user-9", "conv-pg"));
    } finally {
      await persister.close();
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      await c.query(`DROP TABLE IF EXISTS ${tableName}; DROP TABLE IF EXISTS ${tableName}_branches`);
      await c.end();
    }
  });
});

describe("runs: PostgreSQL persister databases", () => {
  const url = process.env.BURR_TEST_PG_URL ?? "postgresql://postgres@127.0.0.1:5432/test";
  const table = `burr_runs_test_${process.pid}`;

  it("lists apps and reads steps from a real server", async function () {
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
    try {
      await client.connect();
    } catch (err) {
      skipOrFail(this, `PostgreSQL at ${url} is not reachable: ${(err as Error).message}`);
    }
    try {
      await client.query(ddl.replace("burr_state", table).replace("state TEXT NOT NULL", "state JSONB NOT NULL"));
      await client.query(`INSERT INTO ${table} (partition_key, app_id, sequence_id, position, state, status) VALUES ('pk','a',0,'x','{"n":1}','completed'),('pk','a',1,'y','{"n":2}','failed')`);
      const store = new PostgresStore(`${url}#${table}`);
      const [app] = await store.listApps("pk");
      assert.deepEqual([app.appId, app.steps, app.status], ["a", 2, "failed"]);
      const run = await store.readApp("pk", "a");
      assert.deepEqual(run.steps.map((s) => s.state), [{ n: 1 }, { n: 2 }]);
    } finally {
      await client.query(`DROP TABLE IF EXISTS ${table}`);
      await client.end();
    }
  });

  it("a server that is down is an error on its node", async () => {
    const model = new RunsTreeModel([new PostgresStore("postgresql://postgres@127.0.0.1:1/none")]);
    const [root] = await model.children();
    const [msg] = await model.children(root);
    assert.equal(msg.kind, "message");
    assert.match(model.view(msg).label, /cannot be reached .*is the server up/);
  });
});

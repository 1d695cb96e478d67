// The sidebar reads SQLite through sql.js, which sees one file's bytes: these
// check that steps a live writer has only in its `-wal` file are folded in, and
// that a torn, corrupt or stale log is treated as SQLite itself treats it
// (cross-checked by opening the same files with real SQLite).
import { strict as assert } from "node:assert";
import { copyFileSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import initSqlJs from "sql.js";
import { SQLitePersister } from "burr-ts";
import { chat, chatbotBuilder } from "../../examples/chatbot/app.js";
import { SqliteStore } from "../../extension/src/runs/stores/sqliteStore.js";
import { mergeWal, walGeneration } from "../../extension/src/runs/stores/walMerge.js";
import { TrackingWatcher } from "../../extension/src/runs/stores/watcher.js";
import { tempDir } from "./helpers.js";

const wasm = require.resolve("sql.js/dist/sql-wasm.wasm");
const ddl = `CREATE TABLE burr_state (partition_key TEXT DEFAULT '', app_id TEXT NOT NULL, sequence_id INTEGER NOT NULL,
  position TEXT NOT NULL, status TEXT NOT NULL, state TEXT NOT NULL, created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
  PRIMARY KEY (partition_key, app_id, sequence_id, position))`;

/** A writer that never checkpoints: every step stays in the log while it is open. */
class Writer {
  readonly db: Database.Database;
  /** The log's size after each step's commit. */
  readonly walSizes: number[] = [];
  private next = 0;

  constructor(readonly path: string) {
    this.db = new Database(path);
    this.db.pragma("journal_mode = WAL");
    this.db.pragma("wal_autocheckpoint = 0");
    this.db.exec(ddl);
  }

  steps(n: number): void {
    const ins = this.db.prepare("INSERT INTO burr_state (partition_key, app_id, sequence_id, position, state, status) VALUES (?,?,?,?,?,?)");
    for (let i = 0; i < n; i++, this.next++) {
      // Some states overflow a page, so a step spans several frames.
      const history = Array.from({ length: this.next + 1 }, (_, k) => ({ role: k % 2 ? "assistant" : "user", content: `message ${k} `.repeat(40) }));
      ins.run("user-1", "app-1", this.next, `action${this.next}`, JSON.stringify({ turn: this.next, history }), "completed");
      this.walSizes.push(statSync(`${this.path}-wal`).size);
    }
  }

  /** Copies of the database and the log as they are now (the log optionally edited), in another directory. */
  snapshot(dir: string, editWal: (wal: Buffer) => Buffer = (w) => w): string {
    const db = join(dir, "copy.db");
    copyFileSync(this.path, db);
    writeFileSync(`${db}-wal`, editWal(readFileSync(`${this.path}-wal`)));
    return db;
  }
}

/** Warnings about the log (runs from a persister also carry a note that it stores state only). */
const logWarnings = (warnings: string[]) => warnings.filter((w) => /write-ahead|-wal/i.test(w));

/** Sequence ids the sidebar's SQLite source shows for app-1, and its warnings about the log. */
async function sidebarSees(dbPath: string): Promise<{ seqs: number[]; warnings: string[] }> {
  const store = new SqliteStore(dbPath, wasm);
  try {
    const run = await store.readApp("user-1", "app-1");
    return { seqs: run.steps.map((s) => s.sequenceId), warnings: logWarnings(run.warnings) };
  } finally {
    await store.close();
  }
}

/** Sequence ids real SQLite (better-sqlite3 recovering from the same files) shows. */
function sqliteSees(dbPath: string): number[] {
  const db = new Database(dbPath);
  try {
    return (db.prepare("SELECT sequence_id FROM burr_state ORDER BY sequence_id").pluck().all() as number[]);
  } finally {
    db.close();
  }
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

describe("runs: SQLite write-ahead log folded in for sql.js", function () {
  this.timeout(30_000);
  let t: { dir: string; dispose: () => void };
  const writers: Writer[] = [];
  beforeEach(() => (t = tempDir("wal")));
  afterEach(() => {
    for (const w of writers.splice(0)) if (w.db.open) w.db.close();
    t.dispose();
  });
  const writer = (name = "app.db") => {
    const w = new Writer(join(t.dir, name));
    writers.push(w);
    return w;
  };

  it("shows every step of a running SQLitePersister, also those only in its log, and new ones as they commit", async () => {
    const dbPath = join(t.dir, "chat.db");
    const persister = new SQLitePersister({ dbPath });
    try {
      const app = chatbotBuilder({ appId: "conv-1", partitionKey: "user-9", configure: (b) => b.withStatePersister(persister) }).build();
      for (const prompt of ["Who was Aaron Burr?", "Why the duel?"]) await chat(app, prompt);
      // The writer is open and has not checkpointed: the main file alone lacks the steps.
      assert.ok(statSync(`${dbPath}-wal`).size > 0);
      const SQL = await initSqlJs({ locateFile: () => wasm });
      const alone = new SQL.Database(readFileSync(dbPath));
      const rowsInMain = alone.exec("SELECT name FROM sqlite_master WHERE name = 'burr_state'").length ? (alone.exec("SELECT count(*) FROM burr_state")[0].values[0][0] as number) : 0;
      alone.close();
      assert.ok(rowsInMain < 6, `the main file alone holds ${rowsInMain} of 6 steps`);

      const store = new SqliteStore(dbPath, wasm);
      const [summary] = await store.listApps("user-9");
      assert.deepEqual([summary.appId, summary.steps, summary.status], ["conv-1", 6, "completed"]);
      let run = await store.readApp("user-9", "conv-1");
      assert.deepEqual(logWarnings(run.warnings), []);
      assert.deepEqual(run.steps.map((s) => s.action), ["humanInput", "safetyCheck", "aiResponse", "humanInput", "safetyCheck", "aiResponse"]);
      assert.equal((run.steps[5].state!.chatHistory as unknown[]).length, 4);
      assert.equal(run.steps[3].state!.prompt, "Why the duel?");

      await chat(app, "unsafe please");
      assert.equal((await store.listApps("user-9"))[0].steps, 9, "a step committed to the log alone reloads the source");
      run = await store.readApp("user-9", "conv-1");
      assert.equal(run.steps[8].action, "unsafeResponse");
      assert.equal((run.steps[8].state!.chatHistory as unknown[]).length, 6);
      await store.close();
    } finally {
      await persister.close();
    }
  });

  it("folds the log in byte for byte as a checkpoint would", () => {
    const w = writer();
    w.steps(30);
    // VACUUM shrinks the database: earlier frames hold pages past the last commit's size.
    const pages = () => w.db.pragma("page_count", { simple: true }) as number;
    const before = pages();
    w.db.exec("DELETE FROM burr_state WHERE sequence_id % 3 = 0; VACUUM");
    assert.ok(pages() < before);
    const merged = mergeWal(readFileSync(w.path), readFileSync(`${w.path}-wal`));
    assert.equal(merged.problem, null);
    assert.equal(merged.image.length, pages() * (w.db.pragma("page_size", { simple: true }) as number));
    w.db.pragma("wal_checkpoint(TRUNCATE)");
    const checkpointed = readFileSync(w.path);
    assert.equal(checkpointed[18], 2, "the persister's file is in WAL mode");
    checkpointed[18] = checkpointed[19] = 1;
    assert.ok(Buffer.from(merged.image).equals(checkpointed), "merged image differs from the checkpointed file");
  });

  it("ignores a torn last frame and keeps the steps committed before it", async () => {
    const w = writer();
    w.steps(6);
    const db = w.snapshot(t.dir, (wal) => wal.subarray(0, w.walSizes[5] - 100));
    const seen = await sidebarSees(db);
    assert.deepEqual(seen, { seqs: range(5), warnings: [] });
    assert.deepEqual(sqliteSees(db), range(5));
  });

  it("stops at a frame whose checksum does not match, even though later frames are intact", async () => {
    const w = writer();
    w.steps(6);
    const inPage = w.snapshot(t.dir, (wal) => {
      wal[w.walSizes[2] + 24 + 40] ^= 0xff; // a byte of the first page of step 3
      return wal;
    });
    assert.deepEqual(await sidebarSees(inPage), { seqs: range(3), warnings: [] });
    assert.deepEqual(sqliteSees(inPage), range(3));

    const inHeader = w.snapshot(t.dir, (wal) => {
      wal[w.walSizes[4] + 20] ^= 0x01; // checksum-2 of the first frame of step 5
      return wal;
    });
    assert.deepEqual(await sidebarSees(inHeader), { seqs: range(5), warnings: [] });
    assert.deepEqual(sqliteSees(inHeader), range(5));
  });

  it("ignores frames whose salts are from before the log was restarted", async () => {
    const w = writer();
    w.steps(3);
    const oldLog = readFileSync(`${w.path}-wal`);
    w.db.pragma("wal_checkpoint(RESTART)"); // steps 0-2 move to the main file; the next write restarts the log
    w.steps(1);
    const live = readFileSync(`${w.path}-wal`);
    const [before, after] = [walGeneration(oldLog)!, walGeneration(live)!];
    assert.notDeepEqual([before.salt1, before.salt2], [after.salt1, after.salt2]);
    assert.equal(live.length, oldLog.length, "the new generation is written over the old one's start; its tail is stale frames");

    // The live files: the new generation's frames, then stale ones.
    assert.deepEqual(await sidebarSees(w.path), { seqs: range(4), warnings: [] });
    // Read between the new header's write and its first frame: every frame is stale.
    const stale = w.snapshot(t.dir, () => Buffer.concat([live.subarray(0, 32), oldLog.subarray(32)]));
    assert.deepEqual(await sidebarSees(stale), { seqs: range(3), warnings: [] });
    assert.deepEqual(sqliteSees(stale), range(3));

    // Salts are outside the frame checksum: a frame with other salts but intact checksums still ends the log.
    const w2 = writer("other.db");
    w2.steps(4);
    const resalted = w2.snapshot(t.dir, (wal) => {
      wal.writeUInt32BE((wal.readUInt32BE(w2.walSizes[1] + 8) ^ 1) >>> 0, w2.walSizes[1] + 8); // salt-1 of step 2's first frame
      return wal;
    });
    assert.deepEqual(await sidebarSees(resalted), { seqs: range(2), warnings: [] });
    assert.deepEqual(sqliteSees(resalted), range(2));
  });

  it("reads a big-endian log (magic 0x377f0683), which SQLite accepts too", async () => {
    const w = writer();
    w.steps(4);
    const db = w.snapshot(t.dir, (wal) => toBigEndianLog(wal, w.db.pragma("page_size", { simple: true }) as number));
    assert.deepEqual(await sidebarSees(db), { seqs: range(4), warnings: [] });
    assert.deepEqual(sqliteSees(db), range(4), "SQLite itself rejects the re-checksummed log");
  });

  it("a log with an invalid header is left out with a warning naming it; the main file's steps show", async () => {
    const w = writer();
    w.steps(3);
    w.db.pragma("wal_checkpoint(PASSIVE)");
    w.steps(2);
    const db = w.snapshot(t.dir, (wal) => {
      wal[17] ^= 0xff; // salt-1: the header checksum no longer matches
      return wal;
    });
    const seen = await sidebarSees(db);
    assert.deepEqual(seen.seqs, range(3));
    assert.equal(seen.warnings.length, 1);
    assert.ok(seen.warnings[0].includes(`${db}-wal`), seen.warnings[0]);
    assert.match(seen.warnings[0], /header checksum does not match/);

    writeFileSync(`${db}-wal`, Buffer.from("not a log"));
    const short = await sidebarSees(db);
    assert.deepEqual(short.seqs, range(3));
    assert.match(short.warnings[0], /Write-ahead log .*copy\.db-wal was left out: its header is cut short \(9 bytes\)/);
  });

  it("the watcher reports a database when only its log changed", async () => {
    const w = writer();
    w.steps(1);
    const mainBefore = statSync(w.path).mtimeMs;
    let resolve: (dbs: string[]) => void = () => undefined;
    const change = new Promise<string[]>((r) => (resolve = r));
    const watcher = new TrackingWatcher(join(t.dir, "no-tracking-dir"), (projects, dbs) => dbs.length && resolve(dbs), 50);
    try {
      watcher.follow([], [], [w.path]);
      w.steps(1);
      assert.deepEqual(await change, [w.path]);
      assert.equal(statSync(w.path).mtimeMs, mainBefore, "the main file was not written");
    } finally {
      watcher.dispose();
    }
  });
});

/** The same log with magic 0x377f0683: checksums recomputed over big-endian words. */
function toBigEndianLog(wal: Buffer, pageSize: number): Buffer {
  const out = Buffer.from(wal);
  const sum = (off: number, len: number, s: [number, number]): [number, number] => {
    let [a, b] = s;
    for (let p = off; p < off + len; p += 8) {
      a = (a + out.readUInt32BE(p) + b) >>> 0;
      b = (b + out.readUInt32BE(p + 4) + a) >>> 0;
    }
    return [a, b];
  };
  out.writeUInt32BE(0x377f0683, 0);
  let s = sum(0, 24, [0, 0]);
  out.writeUInt32BE(s[0], 24);
  out.writeUInt32BE(s[1], 28);
  for (let off = 32; off + 24 + pageSize <= out.length; off += 24 + pageSize) {
    s = sum(off + 24, pageSize, sum(off, 8, s));
    out.writeUInt32BE(s[0], off + 16);
    out.writeUInt32BE(s[1], off + 20);
  }
  return out;
}

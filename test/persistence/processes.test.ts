// Two real processes on one SQLite file, and a process killed mid-run.
import { strict as assert } from "node:assert";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { SQLitePersister } from "burr-ts";
import { buildChat, turn } from "./chatApp.js";
import { startWorker, type Worker } from "./processes.js";

describe("SQLitePersister across processes", function () {
  this.timeout(60000);
  let dir: string;
  let dbPath: string;
  const workers: Worker[] = [];
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "burr-procs-"));
    dbPath = join(dir, "shared.db");
  });
  afterEach(() => {
    for (const w of workers.splice(0)) if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
  });

  it("two processes stepping the same app: one wins the sequence id, the other gets ConcurrentStepError", async () => {
    const p = new SQLitePersister({ dbPath });
    await turn(await buildChat({ appId: "shared", persister: p }), "start");
    await p.close();
    const a = startWorker(["race", dbPath, "shared"]);
    const b = startWorker(["race", dbPath, "shared"]);
    workers.push(a, b);
    assert.equal(await a.waitFor(/^ready/), "ready 2");
    assert.equal(await b.waitFor(/^ready/), "ready 2");
    a.child.stdin.write("go\n");
    b.child.stdin.write("go\n");
    const results = await Promise.all([a, b].map(async (w) => JSON.parse(await w.waitFor(/^\{/)) as { ok: boolean; conflict?: boolean; message?: string; sequenceId?: number }));
    for (const w of [a, b]) w.child.stdin.end();
    await Promise.all([a.exited, b.exited]);
    const winners = results.filter((r) => r.ok);
    const losers = results.filter((r) => !r.ok);
    assert.equal(winners.length, 1, JSON.stringify(results));
    assert.equal(losers.length, 1);
    assert.equal(losers[0].conflict, true, losers[0].message);
    assert.match(losers[0].message!, /app "shared"/);
    assert.match(losers[0].message!, /sequence id 3/);
    const check = new SQLitePersister({ dbPath });
    const latest = await check.load(null, "shared");
    assert.equal(latest!.sequenceId, 3);
    assert.match(String(latest!.state.get("prompt")), /^from pid \d+ attempt 0$/);
    assert.equal((await check.listSteps(null, "shared")).length, 4);
    await check.close();
  });

  it("SIGKILL in the middle of a run leaves the last completed step loadable and the database intact", async () => {
    const w = startWorker(["crash", dbPath, "victim"]);
    workers.push(w);
    await w.waitFor(/^saved 60$/);
    w.child.kill("SIGKILL");
    const exit = await w.exited;
    assert.equal(exit.signal, "SIGKILL");
    const lastPrinted = Math.max(...w.lines.filter((l) => l.startsWith("saved ")).map((l) => Number(l.slice(6))));

    const db = new Database(dbPath);
    assert.equal(db.pragma("integrity_check", { simple: true }), "ok");
    db.close();
    const p = new SQLitePersister({ dbPath });
    const latest = await p.load(null, "victim");
    assert.ok(latest && latest.sequenceId >= lastPrinted, `latest ${latest?.sequenceId} >= printed ${lastPrinted}`);
    // Every step that exists is whole: the history matches its sequence id.
    const history = latest.state.get("chatHistory") as unknown[];
    const turnsDone = Math.floor(latest.sequenceId / 3);
    const extra = latest.sequenceId % 3 === 2 ? 2 : 1;
    assert.equal(history.length, turnsDone * 2 + extra);
    const resumed = await buildChat({ appId: "victim", persister: p });
    assert.equal(resumed.sequenceId, latest.sequenceId);
    await resumed.run({ haltAfter: ["aiResponse"], inputs: { prompt: "after the crash" } });
    assert.ok((await p.load(null, "victim"))!.sequenceId > latest.sequenceId);
    await p.close();
  });
});

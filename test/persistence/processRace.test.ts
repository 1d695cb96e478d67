// Two real processes race for the same step on SQLite and on PostgreSQL; the
// loser keeps trying and must stay where it was, never forking the history.
import { strict as assert } from "node:assert";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PostgreSQLPersister, SQLitePersister, type RewindableStatePersister } from "burr-ts";
import { buildChat, turn } from "./chatApp.js";
import { startWorker, type Worker } from "./processes.js";
import { dropTables, pgUrl, requirePg, uniqueTable } from "./pgSupport.js";

interface Report {
  ok: boolean;
  conflict?: boolean;
  message?: string;
  sequenceId?: number | null;
  prompt?: string;
}

async function nextReport(w: Worker, seen: number): Promise<Report> {
  const re = /^\{/;
  for (;;) {
    const reports = w.lines.filter((l) => re.test(l));
    if (reports.length > seen) return JSON.parse(reports[seen]) as Report;
    await new Promise<void>((resolve, reject) => {
      const done = () => resolve();
      w.child.stdout.once("data", done);
      w.exited.then(() => reject(new Error(`worker exited: ${w.lines.join("\n")}`)), reject);
    });
  }
}

function raceSuite(name: string, setup: (ctx: Mocha.Context) => Promise<{ args: string[]; open(): RewindableStatePersister; cleanup(): Promise<void> }>): void {
  describe(`${name}: two processes, the loser retries`, function () {
    this.timeout(60000);
    const workers: Worker[] = [];
    let env: Awaited<ReturnType<typeof setup>>;
    beforeEach(async function () {
      env = await setup(this);
    });
    afterEach(async () => {
      for (const w of workers.splice(0)) if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill("SIGKILL");
      await env?.cleanup();
    });

    it("one wins; the loser's every retry is refused with ConcurrentStepError and its app does not advance", async () => {
      const p = env.open();
      await turn(await buildChat({ appId: "shared", persister: p }), "start"); // 0..2
      await p.close();
      const a = startWorker(["race", env.args[0], "shared", ...env.args.slice(1)]);
      const b = startWorker(["race", env.args[0], "shared", ...env.args.slice(1)]);
      workers.push(a, b);
      assert.equal(await a.waitFor(/^ready/), "ready 2");
      assert.equal(await b.waitFor(/^ready/), "ready 2");
      a.child.stdin.write("go\n");
      b.child.stdin.write("go\n");
      const first = await Promise.all([nextReport(a, 0), nextReport(b, 0)]);
      const winnerIdx = first.findIndex((r) => r.ok);
      assert.ok(winnerIdx >= 0 && first.filter((r) => r.ok).length === 1, JSON.stringify(first));
      const [winner, loser] = winnerIdx === 0 ? [a, b] : [b, a];
      const lost = first[1 - winnerIdx];
      assert.equal(lost.conflict, true, lost.message);
      assert.equal(lost.sequenceId, 2);
      assert.equal(lost.prompt, "start");

      winner.child.stdin.write("again\n"); // step 4: safetyCheck
      assert.equal((await nextReport(winner, 1)).sequenceId, 4);
      for (let i = 1; i <= 3; i++) {
        loser.child.stdin.write("again\n");
        const r = await nextReport(loser, i);
        assert.equal(r.ok, false, JSON.stringify(r));
        assert.equal(r.conflict, true, r.message);
        assert.equal(r.sequenceId, 2);
        assert.match(r.message!, /app "shared"/);
      }
      for (const w of [a, b]) w.child.stdin.end();
      await Promise.all([a.exited, b.exited]);

      const check = env.open();
      const steps = await check.listSteps(null, "shared");
      assert.deepEqual(steps.map((s) => s.sequenceId), [0, 1, 2, 3, 4]);
      assert.deepEqual(steps.map((s) => s.branch), [0, 0, 0, 0, 0]);
      const pid = winner.child.pid;
      assert.equal((await check.load(null, "shared", 3))!.state.get("prompt"), `from pid ${pid} attempt 0`);
      assert.equal((await check.load(null, "shared"))!.position, "safetyCheck");
      await check.close();
    });
  });
}

raceSuite("SQLitePersister", async () => {
  const dir = mkdtempSync(join(tmpdir(), "burr-race-"));
  const dbPath = join(dir, "shared.db");
  return { args: [dbPath], open: () => new SQLitePersister({ dbPath }), cleanup: async () => rmSync(dir, { recursive: true, force: true }) };
});

raceSuite("PostgreSQLPersister", async (ctx) => {
  await requirePg(ctx);
  const table = uniqueTable("burr_race");
  return { args: [pgUrl, table], open: () => PostgreSQLPersister.fromUrl(pgUrl, { tableName: table }), cleanup: () => dropTables(table) };
});

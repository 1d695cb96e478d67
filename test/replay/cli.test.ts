// `burr-ts replay` as CI runs it: the built bin on a TypeScript program (the
// CLI registers tsx itself), exit 0 on a match, 1 at a divergence, 2 on usage,
// program or record errors.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { persistChatbot, recordChatbot, trackingDir } from "./support.js";
import { dropTables, pgUrl, requirePg, uniqueTable } from "../persistence/pgSupport.js";

const repo = join(__dirname, "../..");
const bin = join(repo, "runtime/dist/cli/main.js");
const edits = "test/replay/fixtures/edits.ts";

function cli(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, ...args], { cwd: repo, env: { ...process.env, OPENAI_API_KEY: "" } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

describe("replay: the burr-ts CLI", function () {
  this.timeout(60000);
  let dir: string;
  let runDir: string;
  before(async () => {
    dir = trackingDir();
    runDir = await recordChatbot(dir, "cli-run");
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("exits 0 when the example's current code matches its tracked run (default export, by directory)", async () => {
    const r = await cli("replay", "--program", "examples/chatbot/app.ts", "--run", runDir);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /9 of 9 step\(s\) match the record/);
  });

  it("exits 1 at the first divergence with the report, by project/appId, as text and as JSON", async () => {
    const r = await cli("replay", "--program", edits, "--export", "stricter", "--run", "replay-test/cli-run", "--tracking-dir", dir);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stdout, /DIVERGED at step 7 \(safetyCheck\), after 7 matching step\(s\)\n {2}result: the result differs at result\.safe\n {2}key: {6}result\.safe\n {2}recorded: true\n {2}current: {2}false/);
    const j = await cli("replay", "--program", edits, "--export", "flipped", "--run", runDir, "--json");
    assert.equal(j.code, 1, j.stderr);
    const report = JSON.parse(j.stdout) as { divergence: { sequenceId: number; kind: string; transition: unknown } };
    assert.deepEqual([report.divergence.sequenceId, report.divergence.kind], [2, "action"]);
    assert.deepEqual(report.divergence.transition, { from: "safetyCheck", to: "unsafeResponse", condition: "safe=true" });
  });

  it("--until stops before the divergence", async () => {
    const r = await cli("replay", "--program", edits, "--export", "stricter", "--run", runDir, "--until", "6");
    assert.equal(r.code, 0, r.stdout + r.stderr);
  });

  it("replays a SQLite persister's history state-only: the path is checked", async () => {
    const db = join(dir, "chat.db");
    await persistChatbot(db, "persisted");
    const same = await cli("replay", "--program", "examples/chatbot/app.ts", "--db", db, "--run", "persisted");
    assert.equal(same.code, 0, same.stdout + same.stderr);
    assert.match(same.stdout, /state-only replay of SQLite .*: 9 of 9 step\(s\) match/);
    const flipped = await cli("replay", "--program", edits, "--export", "flipped", "--db", db, "--run", "persisted");
    assert.equal(flipped.code, 1, flipped.stdout + flipped.stderr);
    assert.match(flipped.stdout, /DIVERGED at step 2 \(aiResponse\)[\s\S]*transition taken instead: safetyCheck -> unsafeResponse \[safe=true\]/);
  });

  it("replays a PostgreSQL persister's history state-only", async function () {
    await requirePg(this);
    const table = uniqueTable("burr_replay");
    try {
      await persistChatbot(pgUrl, "pg-persisted", table);
      const same = await cli("replay", "--program", "examples/chatbot/app.ts", "--db", pgUrl, "--table", table, "--run", "pg-persisted");
      assert.equal(same.code, 0, same.stdout + same.stderr);
      const flipped = await cli("replay", "--program", edits, "--export", "flipped", "--db", pgUrl, "--table", table, "--run", "pg-persisted", "--json");
      assert.equal(flipped.code, 1, flipped.stdout + flipped.stderr);
      assert.equal((JSON.parse(flipped.stdout) as { divergence: { sequenceId: number } }).divergence.sequenceId, 2);
      const missing = await cli("replay", "--program", edits, "--export", "flipped", "--db", pgUrl, "--table", table, "--run", "nobody");
      assert.equal(missing.code, 2);
      assert.match(missing.stderr, /has no saved steps of app "nobody"/);
    } finally {
      await dropTables(table);
    }
  });

  it("replays a Python Burr run state-only against a burr-ts app with the same graph", async () => {
    const python = join(__dirname, "../tracking/fixtures/burr-python-runs/seed-chatbot/chatbot-safe");
    const fixture = join(repo, "test/replay/fixtures/pythonChatbot.ts");
    const same = await cli("replay", "--program", fixture, "--run", python, "--state-only");
    assert.equal(same.code, 0, same.stdout + same.stderr);
    assert.match(same.stdout, /state-only replay of .*: 9 of 9 step\(s\) match/);
    const flipped = await cli("replay", "--program", fixture, "--export", "flipped", "--run", python, "--state-only");
    assert.equal(flipped.code, 1, flipped.stdout + flipped.stderr);
    assert.match(flipped.stdout, /DIVERGED at step 2 \(ai_response\)/);
  });

  it("exits 2 with a clear message on usage, program and record errors", async () => {
    const cases: [string[], RegExp][] = [
      [["replay", "--run", runDir], /--program and --run are both needed/],
      [["replay", "--program", edits, "--run", runDir, "--until", "soon"], /--until takes a step number, got "soon"/],
      [["replay", "--program", edits, "--run", runDir, "--color"], /unknown option --color/],
      [["replay", "--program", "nope.ts", "--run", runDir], /--program nope\.ts: no such file/],
      [["replay", "--program", edits, "--run", runDir], /has no export "default".*exports: built, flipped, stricter/],
      [["replay", "--program", edits, "--export", "built", "--run", runDir], /is a built Application; export its ApplicationBuilder instead/],
      [["replay", "--program", edits, "--export", "stricter", "--run", join(dir, "missing")], /no tracked run at/],
      [["replay", "--program", edits, "--export", "stricter", "--db", join(dir, "none.db"), "--run", "x"], /no such SQLite file/],
      [["frobnicate"], /unknown command "frobnicate"/],
    ];
    for (const [args, message] of cases) {
      const r = await cli(...args);
      assert.equal(r.code, 2, `${args.join(" ")}: ${r.stdout}${r.stderr}`);
      assert.match(r.stderr, message, args.join(" "));
    }
  });
});

// `burr-ts ui` as users start it: the built CLI (runtime/dist/cli/main.js) in
// a child process, with a tracking directory and a SQLite persister database;
// a PostgreSQL table through the same database source; the change stream
// firing when a persister saves a step; usage errors exit 2 with a message.
import { strict as assert } from "node:assert";
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { request } from "node:http";
import { join } from "node:path";
import pg from "pg";
import { PostgreSQLPersister, SQLitePersister, type StatePersister } from "burr-ts";
import { chat, chatbotBuilder } from "../../examples/chatbot/app.js";
import { databaseSource } from "../../runtime/src/cli/ui/databaseSource.js";
import { startUiServer } from "../../runtime/src/cli/ui/server.js";
import { skipOrFail } from "../support/skip.js";
import { tempDir } from "../runs/helpers.js";
import { chatbotSteps, writeRun } from "../runs/writeRun.js";

const cli = join(__dirname, "../../runtime/dist/cli/main.js");

/** A chatbot saving to `persister`; each call of the result runs one more turn. */
function chatter(persister: StatePersister, appId: string): (prompt: string) => Promise<unknown> {
  const app = chatbotBuilder({ appId, partitionKey: "user-9", configure: (b) => b.withStatePersister(persister) }).build();
  return (prompt) => chat(app, prompt);
}

function start(args: string[]): { child: ChildProcess; url: Promise<string>; output: () => string } {
  const child = spawn(process.execPath, [cli, "ui", ...args], { stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  const url = new Promise<string>((resolve, reject) => {
    const seen = (c: Buffer) => {
      out += c.toString();
      const m = /Burr runs UI: (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]);
    };
    child.stdout!.on("data", seen);
    child.stderr!.on("data", (c: Buffer) => (out += c.toString()));
    child.on("exit", (code) => reject(new Error(`burr-ts ui exited ${code}: ${out}`)));
  });
  return { child, url, output: () => out };
}

function exitOf(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => (child.exitCode !== null ? resolve(child.exitCode) : child.on("exit", (code) => resolve(code))));
}

/** Resolves with the first change event of `source` on the server's stream. */
function nextChange(base: string, source: string): { ready: Promise<void>; event: Promise<unknown>; stop(): void } {
  let stop = () => undefined as void;
  let ready!: () => void;
  const readyP = new Promise<void>((r) => (ready = r));
  const event = new Promise<unknown>((resolve, reject) => {
    const req = request(new URL("/api/events", base), (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => {
        text += c;
        if (text.includes(": connected")) ready();
        for (const m of text.matchAll(/^data: (.*)$/gm)) {
          const e = JSON.parse(m[1]) as { source: string };
          if (e.source === source) {
            req.destroy();
            resolve(e);
          }
        }
      });
    });
    req.on("error", (err) => ((err as NodeJS.ErrnoException).code === "ECONNRESET" ? undefined : reject(err)));
    req.end();
    stop = () => req.destroy();
  });
  return { ready: readyP, event, stop };
}

const getJson = async <T>(base: string, path: string): Promise<T> => {
  const res = await fetch(new URL(path, base));
  assert.equal(res.status, 200, `${path}: ${await res.clone().text()}`);
  return (await res.json()) as T;
};

describe("burr-ts ui: the command and its database sources", function () {
  this.timeout(120_000);

  before(function () {
    if (!existsSync(cli)) skipOrFail(this, `${cli} is missing: run node scripts/build.mjs --runtime-only`);
  });

  it("serves a tracking directory and a SQLite persister file, follows new steps, stops on SIGTERM", async () => {
    const t = tempDir("ui-cli");
    writeRun(t.dir, "chatbot", "app-1", chatbotSteps(1));
    const dbPath = join(t.dir, "chat.db");
    const persister = new SQLitePersister({ dbPath });
    const turn = chatter(persister, "conv-1");
    await turn("Who was Aaron Burr?");
    const s = start(["--port", "0", "--tracking-dir", t.dir, "--db", dbPath]);
    try {
      const base = await s.url;
      assert.match(s.output(), /source sqlite: .*chat\.db/);
      const sources = await getJson<{ id: string; kind: string }[]>(base, "/api/sources");
      assert.deepEqual(sources.map((x) => x.kind), ["trackingDir", "sqlite"]);
      const db = sources[1].id;
      assert.deepEqual((await getJson<{ name: string }[]>(base, `/api/projects?source=${db}`)).map((p) => p.name), ["user-9"]);
      const [app] = await getJson<{ appId: string; steps: number }[]>(base, `/api/apps?source=${db}&project=user-9`);
      assert.deepEqual([app.appId, app.steps], ["conv-1", 3]);
      const change = nextChange(base, db);
      await change.ready;
      await turn("Why the duel?");
      await change.event;
      const run = await getJson<{ steps: { action: string }[] }>(base, `/api/run?source=${db}&project=user-9&app=conv-1`);
      assert.equal(run.steps.length, 6);
      // Annotations of a persister's runs go in a table beside it.
      const post = await fetch(new URL(`/api/annotations?source=${db}&project=user-9`, base), {
        method: "POST", headers: { "content-type": "application/json" },
        body: JSON.stringify({ appId: "conv-1", partitionKey: "user-9", stepSequenceId: 2, stepName: "aiResponse", tags: ["golden"], observations: [] }),
      });
      assert.equal(post.status, 201, await post.clone().text());
      const listed = await getJson<{ app_id: string; tags: string[] }[]>(base, `/api/annotations?source=${db}&project=user-9`);
      assert.deepEqual(listed.map((a) => [a.app_id, a.tags]), [["conv-1", ["golden"]]]);
      s.child.kill("SIGTERM");
      assert.equal(await exitOf(s.child), 0);
    } finally {
      s.child.kill();
      await persister.close();
      t.dispose();
    }
  });

  it("reads a PostgreSQL persister table and notices new steps by polling", async function () {
    const url = process.env.BURR_TEST_PG_URL ?? "postgresql://postgres@127.0.0.1:5432/test";
    const table = `burr_ui_${process.pid}`;
    const persister = PostgreSQLPersister.fromUrl(url, { tableName: table });
    try {
      await persister.initialize();
    } catch (err) {
      skipOrFail(this, `PostgreSQL at ${url} is not reachable: ${(err as Error).message}`);
    }
    const server = await startUiServer({ sources: [await databaseSource("db1", url, table)], port: 0, log: () => undefined });
    try {
      const turn = chatter(persister, "conv-pg");
      await turn("Who was Aaron Burr?");
      const [app] = await getJson<{ appId: string; steps: number }[]>(server.url, "/api/apps?source=db1&project=user-9");
      assert.deepEqual([app.appId, app.steps], ["conv-pg", 3]);
      const change = nextChange(server.url, "db1");
      await change.ready;
      await turn("Why the duel?");
      await change.event;
      const sources = await getJson<{ label: string }[]>(server.url, "/api/sources");
      assert.doesNotMatch(sources[0].label, /password/);
    } finally {
      await server.close();
      await persister.close();
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      await c.query(`DROP TABLE IF EXISTS ${table}; DROP TABLE IF EXISTS ${table}_branches`);
      await c.end();
    }
  });

  it("exits 2 with a message on bad options", async () => {
    const cases: [string[], RegExp][] = [
      [["--port", "http"], /--port must be a number/],
      [["--frobnicate"], /unknown option --frobnicate/],
      [["--db", "/nonexistent/dir/x.db", "--port", "0"], /--db \/nonexistent\/dir\/x\.db: .*cannot be opened/],
      [["--table", "x;drop", "--db", "/tmp/x.db", "--port", "0"], /not a plain table name/],
    ];
    for (const [args, message] of cases) {
      const child = spawn(process.execPath, [cli, "ui", ...args], { stdio: ["ignore", "pipe", "pipe"] });
      let err = "";
      child.stderr.on("data", (c: Buffer) => (err += c.toString()));
      assert.equal(await exitOf(child), 2, args.join(" "));
      assert.match(err, message);
    }
  });
});

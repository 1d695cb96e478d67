// Many servers, one database: any process serves any app id; two turns on one
// app at once get one 409, never a doubled or interleaved history; a client
// that leaves mid-stream leaves the app at its last committed step.
import assert from "node:assert/strict";
import { SQLitePersister, PostgreSQLPersister, type StatePersister } from "burr-ts";
import { serve } from "burr-ts/http";
import { join } from "node:path";
import { chatServer, GatedModel, get, post, sseEvents, type ChatServer } from "./support.js";
import { dropTables, pgUrl, requirePg, uniqueTable } from "../persistence/pgSupport.js";

type Json = Record<string, any>;

async function history(s: ChatServer, appId: string): Promise<Json> {
  return (await (await s.handler(get(`/apps/${appId}`))).json()) as Json;
}

function sharedDatabaseSuite(name: string, open: () => Promise<{ a: StatePersister; b: StatePersister; done: () => Promise<void> }>) {
  describe(`http: two servers sharing ${name}`, function () {
    let a: ChatServer;
    let b: ChatServer;
    let modelA: GatedModel;
    let modelB: GatedModel;
    let done: () => Promise<void>;

    beforeEach(async function () {
      const dbs = await open.call(this);
      done = dbs.done;
      modelA = new GatedModel();
      modelB = new GatedModel();
      a = chatServer({ persister: dbs.a, model: modelA });
      b = chatServer({ persister: dbs.b, model: modelB });
    });
    afterEach(async () => {
      await a.dispose();
      await b.dispose();
      await done();
    });

    it("a conversation continues on whichever server gets the next turn", async () => {
      modelA.release(100);
      modelB.release(100);
      assert.equal((await a.handler(post("/apps/any/run", { inputs: { prompt: "first" } }))).status, 200);
      const second = (await (await b.handler(post("/apps/any/run", { inputs: { prompt: "second" } }))).json()) as Json;
      assert.equal(second.sequenceId, 5);
      assert.deepEqual(
        second.state.chatHistory.map((m: Json) => m.content),
        ["first", "one two three", "second", "one two three"],
      );
      assert.deepEqual(((await (await a.handler(get("/apps"))).json()) as Json).appIds, ["any"]);
      // Server a kept the app built after the first turn; it must notice b's turn rather than answer from stale state.
      const third = (await (await a.handler(post("/apps/any/run", { inputs: { prompt: "third" } }))).json()) as Json;
      assert.equal(third.sequenceId, 8);
      assert.equal(third.state.chatHistory.length, 6);
      // A fork made through b leaves the app a serves as it was.
      assert.equal((await b.handler(post("/apps/any/fork", { sequenceId: 2, appId: "any-fork" }))).status, 201);
      assert.equal((await a.handler(post("/apps/any/run", { inputs: { prompt: "fourth" } }))).status, 200);
    });

    it("two turns at once on one app: one is answered 409 and the history has each step once", async () => {
      modelA.release(100);
      await a.handler(post("/apps/race/run", { inputs: { prompt: "warm up" } }));
      const gate = new GatedModel();
      const c = chatServer({ persister: a.persister, model: gate });
      const d = chatServer({ persister: b.persister, model: gate });
      const first = c.handler(post("/apps/race/run", { inputs: { prompt: "from c" } }));
      const second = d.handler(post("/apps/race/run", { inputs: { prompt: "from d" } }));
      // Hold both until each is streaming the answer or has been refused.
      let settled = 0;
      for (const p of [first, second]) void p.then(() => settled++);
      while (gate.started + settled < 2) await new Promise((r) => setTimeout(r, 1));
      gate.release(100);
      const statuses = (await Promise.all([first, second])).map((r) => r.status).sort();
      assert.deepEqual(statuses, [200, 409]);
      const after = await history(a, "race");
      const contents = after.state.chatHistory.map((m: Json) => m.content);
      assert.equal(contents.length, 4, `one whole turn was added: ${JSON.stringify(contents)}`);
      assert.equal(after.sequenceId, 5);
    });
  });
}

sharedDatabaseSuite("one SQLite file", async () => {
  const dir = chatServer().dir;
  const path = join(dir, "shared.db");
  const a = new SQLitePersister({ dbPath: path });
  const b = new SQLitePersister({ dbPath: path });
  return { a, b, done: async () => undefined };
});

sharedDatabaseSuite("one PostgreSQL database", async function (this: Mocha.Context) {
  await requirePg(this);
  const tableName = uniqueTable("burr_http");
  const a = PostgreSQLPersister.fromUrl(pgUrl, { tableName });
  const b = PostgreSQLPersister.fromUrl(pgUrl, { tableName });
  return { a, b, done: () => dropTables(tableName) };
});

describe("http: one server", () => {
  let s: ChatServer;
  let model: GatedModel;
  beforeEach(() => {
    model = new GatedModel();
    s = chatServer({ model });
  });
  afterEach(() => s.dispose());

  it("a second turn on a running app is answered 409 at once, and the first finishes", async () => {
    const first = s.handler(post("/apps/busy/run", { inputs: { prompt: "hi" } }));
    while (model.started < 1) await new Promise((r) => setImmediate(r));
    const second = await s.handler(post("/apps/busy/run", { inputs: { prompt: "again" } }));
    assert.equal(second.status, 409);
    assert.equal(((await second.json()) as Json).error.type, "ConcurrentStepError");
    model.release(3);
    assert.equal((await first).status, 200);
    assert.equal((await s.handler(post("/apps/busy/run", { inputs: { prompt: "now" } }))).status, 200);
  });

  it("a client that disconnects mid-stream leaves the app at its last committed step, and the next request works", async () => {
    // Tells the test when the server has cancelled the response stream (it saw the socket close).
    let cancelled!: () => void;
    const serverCancelled = new Promise<void>((resolve) => (cancelled = resolve));
    const server = await serve(async (request) => {
      const response = await s.handler(request);
      if (!response.body || !response.headers.get("content-type")?.includes("event-stream")) return response;
      const reader = response.body.getReader();
      const body = new ReadableStream<Uint8Array>({
        async pull(c) {
          const n = await reader.read();
          if (n.done) c.close();
          else c.enqueue(n.value);
        },
        cancel(reason) {
          cancelled();
          return reader.cancel(reason);
        },
      });
      return new Response(body, { status: response.status, headers: response.headers });
    });
    try {
      const abort = new AbortController();
      const response = await fetch(`${server.url}/apps/gone/run`, {
        method: "POST",
        headers: { accept: "text/event-stream", "content-type": "application/json" },
        body: JSON.stringify({ inputs: { prompt: "hello" } }),
        signal: abort.signal,
      });
      model.release(1);
      const seen: string[] = [];
      for await (const e of sseEvents(response.body!)) {
        seen.push(e.event);
        if (e.event === "chunk") break;
      }
      assert.deepEqual(seen, ["step", "step", "chunk"]);
      abort.abort();
      await serverCancelled;
      model.release(100);
      // The server notices the closed socket and ends the turn; until then a new turn is refused 409.
      let next: Response;
      for (;;) {
        next = await fetch(`${server.url}/apps/gone/run`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ inputs: { prompt: "hello" } }) });
        if (next.status !== 409) break;
        await next.arrayBuffer();
        await new Promise((r) => setTimeout(r, 10));
      }
      const body = (await next.json()) as Json;
      assert.equal(next.status, 200);
      // The app was at safetyCheck (step 1): the next turn resumes at aiResponse and takes step 2, the abandoned step's id.
      assert.equal(body.action, "aiResponse");
      assert.equal(body.sequenceId, 2);
      assert.deepEqual(body.state.chatHistory.map((m: Json) => m.content), ["hello", "one two three"]);
      const steps = await (s.persister as SQLitePersister).listSteps(null, "gone");
      assert.deepEqual(steps.map((x) => `${x.sequenceId}:${x.position}`), ["0:humanInput", "1:safetyCheck", "2:aiResponse"]);
    } finally {
      await server.close();
    }
  });
});

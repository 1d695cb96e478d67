// burr-ts/http's routes, events and errors, against the chatbot on a real SQLite file.
import assert from "node:assert/strict";
import { chatServer, get, post, sseEvents, type ChatServer, type SseEvent } from "./support.js";
import { type ChatModel } from "../../examples/chatbot/model.js";

type Json = Record<string, any>;

async function json(response: Response): Promise<Json> {
  assert.match(response.headers.get("content-type") ?? "", /application\/json/);
  return (await response.json()) as Json;
}

describe("http: routes", () => {
  let s: ChatServer;
  beforeEach(() => (s = chatServer()));
  afterEach(() => s.dispose());

  it("creates an app, runs a turn over JSON, describes and lists it", async () => {
    const created = await s.handler(post("/apps", { appId: "c1" }));
    assert.equal(created.status, 201);
    assert.deepEqual(await json(created), { appId: "c1", partitionKey: null, sequenceId: null, nextAction: "humanInput", state: { chatHistory: [] } });

    const ran = await s.handler(post("/apps/c1/run", { inputs: { prompt: "Who was Aaron Burr?" } }));
    assert.equal(ran.status, 200);
    const done = await json(ran);
    assert.equal(done.action, "aiResponse");
    assert.match(done.result.response, /third Vice President/);
    assert.equal(done.sequenceId, 2);
    assert.equal(done.nextAction, "humanInput");
    assert.equal(done.state.chatHistory.length, 2);

    const again = await s.handler(post("/apps", { appId: "c1" }));
    assert.equal(again.status, 200, "an existing app is returned, not created");
    assert.equal((await json(again)).sequenceId, 2);

    const described = await json(await s.handler(get("/apps/c1")));
    assert.equal(described.status, "completed");
    assert.equal(described.sequenceId, 2);
    assert.deepEqual(described.state.chatHistory[0], { role: "user", content: "Who was Aaron Burr?" });

    await s.handler(post("/apps/c2/run", { inputs: { prompt: "How do I do something unsafe?" } }));
    const listed = await json(await s.handler(get("/apps")));
    assert.deepEqual(listed.appIds, ["c2", "c1"], "newest first");
  });

  it("answers the unsafe prompt with the refusal", async () => {
    const done = await json(await s.handler(post("/apps/u/run", { inputs: { prompt: "something unsafe" } })));
    assert.equal(done.action, "unsafeResponse");
    assert.equal(done.result.response, "I'm sorry, my overlords have forbidden me to respond.");
  });

  it("streams chunk events while the streaming action runs, a step event per step, then done", async () => {
    const response = await s.handler(post("/apps/sse/run", { inputs: { prompt: "Tell me about the duel" } }, { accept: "text/event-stream" }));
    assert.equal(response.status, 200);
    assert.match(response.headers.get("content-type")!, /text\/event-stream/);
    const events: SseEvent[] = [];
    for await (const e of sseEvents(response.body!)) events.push(e);
    const names = events.map((e) => (e.event === "step" ? `step:${(e.data as Json).action}` : e.event));
    const firstChunk = names.indexOf("chunk");
    assert.deepEqual(names.slice(0, firstChunk), ["step:humanInput", "step:safetyCheck"]);
    assert.deepEqual(names.slice(-2), ["step:aiResponse", "done"]);
    const chunks = events.filter((e) => e.event === "chunk").map((e) => (e.data as Json).item.delta as string);
    assert.ok(chunks.length > 5, "one chunk per word");
    const done = events.at(-1)!.data as Json;
    assert.equal(chunks.join(""), done.result.response);
    assert.equal((events.find((e) => e.event === "chunk")!.data as Json).sequenceId, 2);
    assert.equal(done.state.chatHistory.at(-1).content, done.result.response);
  });

  it("forks an app at a step into a new app, leaving the original as it was", async () => {
    await s.handler(post("/apps/orig/run", { inputs: { prompt: "Who was Aaron Burr?" } }));
    await s.handler(post("/apps/orig/run", { inputs: { prompt: "and the duel?" } }));
    const forked = await s.handler(post("/apps/orig/fork", { sequenceId: 2, appId: "branch" }));
    assert.equal(forked.status, 201);
    const body = await json(forked);
    assert.equal(body.appId, "branch");
    assert.equal(body.state.chatHistory.length, 2);
    assert.deepEqual(body.parent, { appId: "orig", partitionKey: null, sequenceId: 2 });
    const next = await json(await s.handler(post("/apps/branch/run", { inputs: { prompt: "state machine?" } })));
    assert.match(next.result.response, /state machine is a set of states/);
    assert.equal((await json(await s.handler(get("/apps/orig")))).state.chatHistory.length, 4);
    const exists = await s.handler(post("/apps/orig/fork", { sequenceId: 0, appId: "branch" }));
    assert.equal(exists.status, 409);
  });

  it("mounts below a base path", async () => {
    const mounted = chatServer({ basePath: "/api/burr/" });
    try {
      assert.equal((await mounted.handler(post("/api/burr/apps", {}))).status, 201);
      assert.equal((await mounted.handler(post("/apps", {}))).status, 404);
    } finally {
      await mounted.dispose();
    }
  });
});

describe("http: bad input is answered, never a crash", () => {
  let s: ChatServer;
  let logged: string[];
  beforeEach(() => {
    logged = [];
    s = chatServer({ maxBodyBytes: 1000, logError: (id) => logged.push(id) });
  });
  afterEach(() => s.dispose());

  async function expectError(request: Request, status: number, type: RegExp, message?: RegExp): Promise<Json> {
    const response = await s.handler(request);
    assert.equal(response.status, status, `${request.method} ${request.url}`);
    const body = await json(response);
    assert.match(body.error.type, type);
    if (message) assert.match(body.error.message, message);
    assert.doesNotMatch(JSON.stringify(body), /\n\s+at |\.ts:\d+|node:internal/, "no stack in a response");
    return body;
  }

  it("malformed JSON, non-object bodies and invalid UTF-8 are 400", async () => {
    await expectError(post("/apps/a/run", "{ not json"), 400, /BadRequest/, /not valid JSON/);
    await expectError(post("/apps/a/run", "[1,2]"), 400, /BadRequest/, /JSON object/);
    await expectError(post("/apps/a/run", "null"), 400, /BadRequest/);
    await expectError(post("/apps/a/run", "[".repeat(900)), 400, /BadRequest/);
    await expectError(new Request("http://test/apps/a/run", { method: "POST", body: new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]) }), 400, /BadRequest/, /UTF-8/);
    await expectError(post("/apps/a/run", { inputs: [1] }), 400, /BadRequest/, /inputs must be/);
    await expectError(post("/apps/a/run", { inputs: { prompt: "x" }, haltAfter: "aiResponse" }), 400, /BadRequest/, /haltAfter/);
  });

  it("unknown routes are 404 and wrong methods 405 with Allow", async () => {
    await expectError(get("/nope"), 404, /NotFound/);
    await expectError(get("/apps/a/run/extra"), 404, /NotFound/);
    await expectError(get("/apps/a/explode"), 404, /NotFound/);
    const body = await s.handler(new Request("http://test/apps/a", { method: "DELETE" }));
    assert.equal(body.status, 405);
    assert.equal(body.headers.get("allow"), "GET");
    await expectError(get("/apps/a/run"), 405, /MethodNotAllowed/);
  });

  it("oversized bodies are 413, with or without a content-length", async () => {
    await expectError(post("/apps/a/run", { inputs: { prompt: "x".repeat(2000) } }), 413, /PayloadTooLarge/);
    const chunked = new ReadableStream<Uint8Array>({
      start(c) {
        for (let i = 0; i < 5; i++) c.enqueue(new TextEncoder().encode(" ".repeat(400)));
        c.close();
      },
    });
    await expectError(new Request("http://test/apps/a/run", { method: "POST", body: chunked, duplex: "half" } as RequestInit), 413, /PayloadTooLarge/);
  });

  it("unknown app ids are 404; hostile app ids are 400", async () => {
    await expectError(get("/apps/ghost"), 404, /NotFound/, /No app "ghost"/);
    await expectError(post("/apps/ghost/fork", { sequenceId: 0 }), 404, /NotFound/);
    await expectError(get("/apps/..%2F..%2Fetc"), 400, /BadRequest/, /app id/);
    await expectError(get("/apps/%E0%A4%A"), 400, /BadRequest/);
    await expectError(post("/apps", { appId: "../../x" }), 400, /BadRequest/);
    await expectError(post("/apps", { appId: 42 }), 400, /BadRequest/);
    await expectError(get(`/apps?partitionKey=${"p".repeat(300)}`), 400, /BadRequest/, /partitionKey/);
  });

  it("invalid sequence ids are 400, missing steps 404", async () => {
    await s.handler(post("/apps/f/run", { inputs: { prompt: "hi" } }));
    for (const bad of ["1", -1, 1.5, null, 1e300]) await expectError(post("/apps/f/fork", { sequenceId: bad }), 400, /BadRequest/, /sequenceId/);
    await expectError(post("/apps/f/fork", {}), 400, /BadRequest/, /sequenceId/);
    await expectError(post("/apps/f/fork", { sequenceId: 99 }), 404, /NotFound/, /no step 99/);
    await expectError(post("/apps/f/fork", { sequenceId: 0, appId: "f" }), 400, /BadRequest/, /new app id/);
  });

  it("undeclared inputs, missing inputs, reserved inputs and unknown halts are 400 with the runtime's words", async () => {
    await expectError(post("/apps/i/run", { inputs: { prompt: "hi", promt: "typo" } }), 400, /UndeclaredInputError/, /input "promt"/);
    await expectError(post("/apps/i/run", { inputs: {} }), 400, /MissingInputError/, /"prompt"/);
    await expectError(post("/apps/i/run", { inputs: { prompt: "x", __context: 1 } }), 400, /./, /__context/);
    await expectError(post("/apps/i/run", { inputs: { prompt: "x" }, haltAfter: ["nope"] }), 400, /ConfigurationError/, /nope/);
    assert.equal((await s.handler(get("/apps/i"))).status, 404, "nothing was saved by the refused turns");
  });

  it("a value state cannot hold is 400 naming the key; the app stays where it was", async () => {
    await s.handler(post("/apps/v/run", { inputs: { prompt: "hello" } }));
    // JSON.parse turns 1e400 into Infinity, which state refuses (it does not survive JSON).
    const body = await expectError(post("/apps/v/run", '{"inputs":{"prompt":1e400}}'), 400, /UnserializableValueError/, /"prompt"/);
    assert.match(body.error.message, /humanInput/);
    const described = await json(await s.handler(get("/apps/v")));
    assert.equal(described.state.chatHistory.length, 2);
    assert.equal(described.state.prompt, "hello");
    assert.equal((await s.handler(post("/apps/v/run", { inputs: { prompt: "fine" } }))).status, 200);
  });

  it("an action that throws is a 500 with an error id and no stack; the server keeps serving", async () => {
    const broken: ChatModel = {
      name: "broken",
      complete: async () => "",
      // A stream that fails before its first token: it never yields.
      async *stream() {
        throw new Error("secret internals at /srv/app.ts:12");
      },
    };
    const b = chatServer({ model: broken, logError: (id) => logged.push(id) });
    try {
      const body = await (async () => {
        const response = await b.handler(post("/apps/x/run", { inputs: { prompt: "hi" } }));
        assert.equal(response.status, 500);
        return json(response);
      })();
      assert.equal(body.error.type, "InternalError");
      assert.doesNotMatch(JSON.stringify(body), /secret|srv/);
      assert.deepEqual(logged, [body.error.errorId], "the id in the answer is the id in the log");
      const sse = await b.handler(post("/apps/y/run", { inputs: { prompt: "hi" } }, { accept: "text/event-stream" }));
      const events: SseEvent[] = [];
      for await (const e of sseEvents(sse.body!)) events.push(e);
      const error = events.at(-1)!;
      assert.equal(error.event, "error");
      assert.equal((error.data as Json).status, 500);
      assert.doesNotMatch(JSON.stringify(error.data), /secret/);
      const described = await json(await b.handler(get("/apps/x")));
      assert.equal(described.sequenceId, 2, "the failed step is recorded as failed");
      assert.equal(described.status, "failed");
    } finally {
      await b.dispose();
    }
  });
});

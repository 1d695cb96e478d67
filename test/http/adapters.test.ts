// The handler is one function of Request: mounted in Node's http, Hono,
// a Next.js route handler and Express exactly as the README's recipes show.
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import { Readable } from "node:stream";
import type { AddressInfo } from "node:net";
import express from "express";
import { Hono } from "hono";
import { serve as honoServe } from "@hono/node-server";
import { serve, toNodeListener } from "burr-ts/http";
import { chatServer, sseEvents, type ChatServer } from "./support.js";

type Json = Record<string, any>;

/** One chat turn over real HTTP at `base`, as JSON, then as SSE: the answer and the streamed words. */
async function turnOver(base: string): Promise<void> {
  const created = await fetch(`${base}/apps`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ appId: "adapter" }) });
  assert.equal(created.status, 201);
  const json = (await (await fetch(`${base}/apps/adapter/run`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ inputs: { prompt: "Who was Aaron Burr?" } }) })).json()) as Json;
  assert.match(json.result.response, /third Vice President/);
  const sse = await fetch(`${base}/apps/adapter/run`, { method: "POST", headers: { accept: "text/event-stream", "content-type": "application/json" }, body: JSON.stringify({ inputs: { prompt: "the duel?" } }) });
  const events: string[] = [];
  for await (const e of sseEvents(sse.body!)) events.push(e.event);
  assert.ok(events.filter((e) => e === "chunk").length > 3);
  assert.equal(events.at(-1), "done");
  const bad = await fetch(`${base}/apps/adapter/run`, { method: "POST", body: "{oops" });
  assert.equal(bad.status, 400);
  assert.equal(((await bad.json()) as Json).error.type, "BadRequest");
}

function listen(server: Server): Promise<string> {
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)));
}

function close(server: { close(cb: () => void): unknown; closeAllConnections?: () => void }): Promise<void> {
  server.closeAllConnections?.();
  return new Promise((resolve) => server.close(() => resolve()));
}

describe("http: adapters", () => {
  let s: ChatServer;
  afterEach(() => s.dispose());

  it("serve(): Node's http on loopback", async () => {
    s = chatServer();
    const server = await serve(s.handler);
    try {
      assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+$/);
      await turnOver(server.url);
    } finally {
      await server.close();
    }
  });

  it("Node's http: createServer(toNodeListener(handler))", async () => {
    s = chatServer();
    const server = createServer(toNodeListener(s.handler));
    try {
      await turnOver(await listen(server));
    } finally {
      await close(server);
    }
  });

  it("Node's http enters the handler without a web Request, and refuses and authorizes exactly as the web path does", async () => {
    const seen: string[] = [];
    s = chatServer({
      maxBodyBytes: 1000,
      authorize: (request) => {
        seen.push(`${request.method} ${new URL(request.url).pathname} ${request.headers.get("x-tenant")}`);
        return request.headers.get("x-tenant") !== "evil";
      },
    });
    const direct = await serve(s.handler);
    const wrapped = await serve((request) => s.handler(request)); // a wrapper hides the Node entry: the web path
    try {
      for (const base of [direct.url, wrapped.url]) {
        const big = JSON.stringify({ inputs: { prompt: "x".repeat(3000) } });
        const declared = await fetch(`${base}/apps/a/run`, { method: "POST", headers: { "content-type": "application/json", "x-tenant": "t" }, body: big });
        assert.equal(declared.status, 413);
        const chunked = await fetch(`${base}/apps/a/run`, {
          method: "POST",
          headers: { "x-tenant": "t" },
          body: Readable.toWeb(Readable.from([Buffer.from(big.slice(0, 900)), Buffer.from(big.slice(900))])) as ReadableStream,
          duplex: "half",
        } as RequestInit);
        assert.equal(chunked.status, 413);
        assert.equal(((await chunked.json()) as Json).error.type, "PayloadTooLarge");
        assert.equal((await fetch(`${base}/apps`, { headers: { "x-tenant": "evil" } })).status, 403);
        const ok = await fetch(`${base}/apps/a/run`, { method: "POST", headers: { "x-tenant": "t", "content-type": "application/json" }, body: JSON.stringify({ inputs: { prompt: "Who was Aaron Burr?" } }) });
        assert.equal(ok.status, 200);
        assert.match(((await ok.json()) as Json).result.response, /third Vice President/);
      }
      // Bodies are read (and refused) before authorize runs; it sees method, path and headers either way.
      assert.deepEqual(seen, ["GET /apps evil", "POST /apps/a/run t", "GET /apps evil", "POST /apps/a/run t"]);
    } finally {
      await direct.close();
      await wrapped.close();
    }
  });

  it("Hono: app.mount('/burr', handler), in process and on @hono/node-server", async () => {
    s = chatServer();
    const app = new Hono();
    app.get("/health", (c) => c.text("ok"));
    app.mount("/burr", s.handler);
    const inProcess = await app.request("/burr/apps", { method: "POST", body: JSON.stringify({ appId: "h" }) });
    assert.equal(inProcess.status, 201);
    const server = honoServe({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" });
    await new Promise<void>((resolve) => server.once("listening", () => resolve()));
    try {
      await turnOver(`http://127.0.0.1:${(server.address() as AddressInfo).port}/burr`);
    } finally {
      await close(server as unknown as Server);
    }
  });

  it("Next.js route handler (app/api/burr/[...path]/route.ts): GET and POST are the handler", async () => {
    s = chatServer({ basePath: "/api/burr" });
    // What the route file exports; Next.js calls them with the request.
    const route = { GET: s.handler, POST: s.handler };
    const created = await route.POST(new Request("http://localhost:3000/api/burr/apps", { method: "POST", body: JSON.stringify({ appId: "next" }) }));
    assert.equal(created.status, 201);
    const ran = await route.POST(
      new Request("http://localhost:3000/api/burr/apps/next/run", { method: "POST", headers: { accept: "text/event-stream" }, body: JSON.stringify({ inputs: { prompt: "Who was Aaron Burr?" } }) }),
    );
    const events: string[] = [];
    for await (const e of sseEvents(ran.body!)) events.push(e.event);
    assert.equal(events.at(-1), "done");
    const described = (await (await route.GET(new Request("http://localhost:3000/api/burr/apps/next"))).json()) as Json;
    assert.equal(described.sequenceId, 2);
  });

  it("Express: app.use('/burr', toNodeListener(handler)) with no body parser in front", async () => {
    s = chatServer();
    const app = express();
    app.get("/health", (_req, res) => void res.send("ok"));
    app.use("/burr", toNodeListener(s.handler));
    const server = createServer(app);
    try {
      const base = await listen(server);
      await turnOver(`${base}/burr`);
      assert.equal(await (await fetch(`${base}/health`)).text(), "ok");
    } finally {
      await close(server);
    }
  });
});

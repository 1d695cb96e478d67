// The partition key is the tenant boundary: authorize decides which partition a
// caller may use, and nothing of another partition can be read, run or forked.
import assert from "node:assert/strict";
import type { Authorize } from "burr-ts/http";
import { chatServer, get, post, type ChatServer } from "./support.js";

type Json = Record<string, any>;

const TOKENS: Record<string, string> = { "token-alice": "alice", "token-bob": "bob" };

// A bearer token names the tenant; its partition is the only one it may use.
const authorize: Authorize = (request, { partitionKey }) => {
  const token = /^Bearer (.+)$/.exec(request.headers.get("authorization") ?? "")?.[1];
  const tenant = token ? TOKENS[token] : undefined;
  if (!tenant) return new Response(JSON.stringify({ error: { type: "Unauthorized", message: "Send a bearer token" } }), { status: 401, headers: { "www-authenticate": "Bearer" } });
  return partitionKey === tenant;
};

const as = (tenant: "alice" | "bob") => ({ authorization: `Bearer token-${tenant}` });

describe("http: tenancy", () => {
  let s: ChatServer;
  beforeEach(async () => {
    s = chatServer({ authorize });
    const r = await s.handler(post("/apps/secret/run?partitionKey=bob", { inputs: { prompt: "bob's secret plan" } }, as("bob")));
    assert.equal(r.status, 200);
  });
  afterEach(() => s.dispose());

  it("refuses a request without credentials with the hook's 401", async () => {
    const r = await s.handler(get("/apps/secret?partitionKey=bob"));
    assert.equal(r.status, 401);
    assert.equal(r.headers.get("www-authenticate"), "Bearer");
  });

  it("one tenant can never read, list, run or fork another's app", async () => {
    // Naming the other tenant's partition is refused outright.
    for (const request of [
      get("/apps/secret?partitionKey=bob", as("alice")),
      get("/apps?partitionKey=bob", as("alice")),
      post("/apps/secret/run?partitionKey=bob", { inputs: { prompt: "leak" } }, as("alice")),
      post("/apps/secret/fork?partitionKey=bob", { sequenceId: 0 }, as("alice")),
      post("/apps", { appId: "secret", partitionKey: "bob" }, as("alice")),
      get("/apps/secret", as("alice")),
    ]) {
      const r = await s.handler(request);
      assert.equal(r.status, 403, `${request.method} ${request.url}`);
      assert.doesNotMatch(await r.text(), /secret plan/);
    }
    // In its own partition, the other tenant's app id does not exist.
    assert.equal((await s.handler(get("/apps/secret?partitionKey=alice", as("alice")))).status, 404);
    assert.equal((await s.handler(post("/apps/secret/fork?partitionKey=alice", { sequenceId: 0 }, as("alice")))).status, 404);
    assert.deepEqual(((await (await s.handler(get("/apps?partitionKey=alice", as("alice")))).json()) as Json).appIds, []);
    // Running that id in its own partition starts alice's own app, which never sees bob's state.
    const own = (await (await s.handler(post("/apps/secret/run?partitionKey=alice", { inputs: { prompt: "hello" } }, as("alice")))).json()) as Json;
    assert.deepEqual(own.state.chatHistory.map((m: Json) => m.content).slice(0, 1), ["hello"]);
    assert.doesNotMatch(JSON.stringify(own), /secret plan/);
    // And bob's app is untouched.
    const bob = (await (await s.handler(get("/apps/secret?partitionKey=bob", as("bob")))).json()) as Json;
    assert.equal(bob.state.chatHistory.length, 2);
    assert.equal(bob.state.chatHistory[0].content, "bob's secret plan");
  });

  it("a fork stays in the caller's partition", async () => {
    const r = await s.handler(post("/apps/secret/fork?partitionKey=bob", { sequenceId: 1, appId: "plan-b" }, as("bob")));
    assert.equal(r.status, 201);
    assert.equal(((await r.json()) as Json).partitionKey, "bob");
    assert.equal((await s.handler(get("/apps/plan-b?partitionKey=alice", as("alice")))).status, 404);
  });
});

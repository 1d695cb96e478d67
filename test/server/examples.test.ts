// The shipped examples are what users copy first: the server must find their
// apps and say nothing false about them.
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { GraphRequestResult } from "../../server/src/protocol.js";
import { ensureServerBuilt, LspClient, repoRoot } from "./support/client.js";

const chatbotDir = join(repoRoot, "examples/chatbot");

describe("language server on examples/chatbot (over LSP)", function () {
  this.timeout(60_000);
  let client: LspClient;

  before(async () => {
    assert.ok(existsSync(join(chatbotDir, "app.ts")), "examples/chatbot/app.ts exists");
    await ensureServerBuilt();
    client = await LspClient.start(chatbotDir);
  });
  after(async () => client?.stop());

  it("reports no problems in any example file", async () => {
    for (const file of readdirSync(chatbotDir).filter((f) => f.endsWith(".ts"))) {
      const uri = pathToFileURL(join(chatbotDir, file)).href;
      const diagnostics = await client.open(uri, readFileSync(join(chatbotDir, file), "utf8"));
      assert.deepEqual(diagnostics.map((d) => `${file}:${d.range.start.line + 1}: ${String(d.message)}`), []);
    }
  });

  it("finds the chatbot's graph, built in a helper with a typed action factory", async () => {
    const { apps } = await client.request<GraphRequestResult>("burr/graph", { uri: pathToFileURL(join(chatbotDir, "app.ts")).href });
    assert.equal(apps.length, 1);
    const { graph } = apps[0]!;
    assert.equal(graph.entrypoint, "humanInput");
    assert.deepEqual(graph.actions.map((a) => a.name).sort(), ["aiResponse", "humanInput", "safetyCheck", "unsafeResponse"]);
    assert.deepEqual(graph.actions.find((a) => a.name === "safetyCheck")!.reads, ["prompt"]);
    assert.ok(graph.transitions.some((t) => t.from === "safetyCheck" && t.to === "unsafeResponse" && t.condition === "safe=false"));
  });
});

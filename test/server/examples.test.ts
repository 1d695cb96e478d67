// The shipped examples are what users copy first: the server must find their
// apps and say nothing false about them.
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { GraphRequestResult } from "../../server/src/protocol.js";
import { ensureServerBuilt, LspClient, repoRoot } from "./support/client.js";

const examplesDir = join(repoRoot, "examples");
const chatbotDir = join(examplesDir, "chatbot");
const exampleFiles = readdirSync(examplesDir, { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(".ts"));

describe("language server on examples/ (over LSP)", function () {
  this.timeout(60_000);
  let client: LspClient;

  before(async () => {
    assert.ok(existsSync(join(chatbotDir, "app.ts")), "examples/chatbot/app.ts exists");
    await ensureServerBuilt();
    client = await LspClient.start(examplesDir);
  });
  after(async () => client?.stop());

  it("reports no problems in any example file", async () => {
    assert.ok(exampleFiles.length >= 5, `example files: ${exampleFiles.join(", ")}`);
    for (const file of exampleFiles) {
      const uri = pathToFileURL(join(examplesDir, file)).href;
      const diagnostics = await client.open(uri, readFileSync(join(examplesDir, file), "utf8"));
      assert.deepEqual(diagnostics.map((d) => `${file}:${d.range.start.line + 1}: ${String(d.message)}`), []);
    }
  });

  it("says when the first scan is done (burr/analysed), with the apps per file, and logs what it analysed", async () => {
    const done = await client.analysed;
    assert.ok(done.analysed >= 5 && done.files >= done.analysed, JSON.stringify(done));
    assert.equal(done.apps[pathToFileURL(join(chatbotDir, "app.ts")).href], 1);
    assert.match(client.stderr, /burr: analysed \d+ of \d+ source files \(those using burr-ts\) in \d+ ms; \d+ apps: .*buildChatbot \(/);
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

  it("finds the approval flow's graph, built in an async helper with initializeFrom", async () => {
    const { apps } = await client.request<GraphRequestResult>("burr/graph", { uri: pathToFileURL(join(examplesDir, "approval/app.ts")).href });
    assert.equal(apps.length, 1);
    const { graph } = apps[0]!;
    assert.equal(graph.entrypoint, "draft");
    assert.deepEqual(graph.transitions.map((t) => `${t.from}->${t.to}:${t.condition}`), ["draft->review:default", "review->send:approved=true", "review->draft:default"]);
  });

  it("flags a transition typo in the chatbot, whose builder escapes to opts.configure, as a warning the graph shares", async () => {
    const uri = pathToFileURL(join(chatbotDir, "app.ts")).href;
    const original = readFileSync(join(chatbotDir, "app.ts"), "utf8");
    const typo = original.replace('["safetyCheck", "aiResponse", when({ safe: true })]', '["safetyCheck", "aiRespons", when({ safe: true })]');
    assert.notEqual(typo, original, "the chatbot still has the transition this test edits");
    try {
      const diagnostics = await client.change(uri, typo, 2);
      // The typo also leaves aiResponse unreachable, as far as can be seen: a warning too.
      assert.deepEqual(diagnostics.map((x) => `${String(x.code)}:${x.severity}`).sort(), ["unknown-action:2", "unreachable-action:2"], diagnostics.map((x) => String(x.message)).join("\n"));
      const d = diagnostics.find((x) => x.code === "unknown-action")!;
      const message = String(d.message);
      assert.equal(d.code, "unknown-action");
      assert.equal(d.severity, 2, "a warning: the escape could add the action");
      assert.match(message, /"aiRespons", which no withActions in sight declares\. Did you mean "aiResponse"\?/);
      assert.match(message, /the builder is passed to opts\.configure\(…\) on line \d+, which could declare it where the analysis cannot see/);
      const line = typo.split("\n").findIndex((l) => l.includes('"aiRespons"'));
      assert.equal(d.range.start.line, line);
      const { apps } = await client.request<GraphRequestResult>("burr/graph", { uri });
      const problem = apps[0]!.problems.find((p) => p.code === "unknown-action");
      assert.deepEqual({ severity: problem?.severity, message: problem?.message }, { severity: "warning", message });
    } finally {
      await client.change(uri, original, 3);
    }
  });

  it("finds the decorated chatbot's graph: a class's @action methods handed over with actionsOf", async () => {
    const uri = pathToFileURL(join(examplesDir, "decorated-chatbot/app.ts")).href;
    const text = readFileSync(join(examplesDir, "decorated-chatbot/app.ts"), "utf8");
    const { apps } = await client.request<GraphRequestResult>("burr/graph", { uri });
    assert.equal(apps.length, 1);
    const { graph } = apps[0]!;
    assert.deepEqual(graph.actions.map((a) => [a.name, a.streaming]), [["humanInput", false], ["safetyCheck", false], ["unsafeResponse", false], ["aiResponse", true]]);
    const line = text.split("\n").findIndex((l) => l.includes("async *aiResponse("));
    assert.equal(graph.actions.find((a) => a.name === "aiResponse")!.source!.start.line, line);
  });
});

// Typed class actions (`extends Action.withState<S>()({...})` and kin) in the
// real server over LSP: the graph takes their keys from the spec, and quick
// fixes edit the spec in the extends clause.
import assert from "node:assert/strict";
import { pathToFileURL } from "node:url";
import type { CodeAction, Diagnostic, Hover } from "vscode-languageserver-protocol";
import type { GraphRequestResult } from "../../server/src/protocol.js";
import { ensureServerBuilt, LspClient } from "./support/client.js";
import { fixturePath, fixturesDir, fixtureText } from "./support/fixtures.js";
import { applyEdits, lineOf, positionOf } from "./support/text.js";

describe("language server: typed class actions", function () {
  this.timeout(60_000);
  let client: LspClient;
  const uri = pathToFileURL(fixturePath("typed-class.ts")).href;
  const text = fixtureText("typed-class.ts");
  let diagnostics: Diagnostic[];

  before(async () => {
    await ensureServerBuilt();
    client = await LspClient.start(fixturesDir);
    diagnostics = await client.open(uri, text);
  });
  after(async () => client?.stop());

  it("the graph has each class's reads and writes from its spec, streaming classes flagged", async () => {
    const { apps } = await client.request<GraphRequestResult>("burr/graph", { uri });
    const app = apps.find((a) => a.name === "app")!;
    assert.deepEqual(app.graph.actions.map((a) => [a.name, a.reads, a.writes, a.streaming]), [
      ["respond", ["prompt"], ["response", "mood"], false],
      ["count", ["count"], ["count"], false],
      ["draft", ["response"], ["draft"], false],
      ["tokens", ["draft", "summary"], ["response"], true],
    ]);
    assert.equal(app.graph.actions[0]!.source!.start.line, lineOf(text, "export class Respond"));
  });

  it("hover on a typed streaming class shows the spec's keys and the app using it", async () => {
    const hover = await client.request<Hover>("textDocument/hover", { textDocument: { uri }, position: positionOf(text, "class Tokens", 7) });
    const value = typeof hover.contents === "object" && "value" in hover.contents ? hover.contents.value : JSON.stringify(hover.contents);
    assert.match(value, /\*\*streaming action\*\* `Tokens`/);
    assert.match(value, /- reads: `draft`, `summary`\n- writes: `response`/);
    assert.match(value, /app `app` .* as `tokens`/);
  });

  it("quick fix adds an undeclared read to the spec's reads, and the fixed file checks clean of it", async () => {
    const read = diagnostics.find((d) => d.code === "undeclared-read" && d.range.start.line === lineOf(text, `state.get("count")}`))!;
    const actions = await client.request<CodeAction[]>("textDocument/codeAction", { textDocument: { uri }, range: read.range, context: { diagnostics: [read] } });
    assert.equal(actions[0]!.title, `Add "count" to reads`);
    const fixed = applyEdits(text, actions[0]!.edit!.changes![uri]!);
    assert.match(fixed, /reads: \["prompt", "count"\],/);
    const after = await client.change(uri, fixed, 2);
    assert.equal(after.filter((d) => d.code === "undeclared-read").length, 1, "only the streaming class's undeclared read is left");
  });
});

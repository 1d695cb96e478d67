// The server survives what editors throw at it: files that do not parse,
// files deleted while open, and very large files.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { Hover } from "vscode-languageserver-protocol";
import type { GraphRequestResult } from "../../server/src/protocol.js";
import { ensureServerBuilt, LspClient } from "./support/client.js";
import { fixtureText } from "./support/fixtures.js";
import { largeAppSource } from "./support/workload.js";

const FILE_DELETED = 3;

describe("language server robustness (over LSP)", function () {
  this.timeout(120_000);
  let dir: string;
  let client: LspClient;
  const actionsSource = fixtureText("modules/qa-actions.ts");
  const appSource = [
    `import { ApplicationBuilder } from "burr-ts";`,
    `import { askUser, answer } from "./actions";`,
    `const app = new ApplicationBuilder()`,
    `  .withActions({ askUser, answer })`,
    `  .withTransitions(["askUser", "answer"], ["answer", "askUser"])`,
    `  .withEntrypoint("askUser")`,
    `  .build();`,
    `await app.run({ haltAfter: ["answer"] });`,
  ].join("\n");

  before(async () => {
    await ensureServerBuilt();
    dir = mkdtempSync(join(tmpdir(), "burr-lsp-robust-"));
    writeFileSync(join(dir, "actions.ts"), actionsSource);
    writeFileSync(join(dir, "app.ts"), appSource);
    client = await LspClient.start(dir);
  });
  after(async () => {
    await client?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("keeps the last good model while a file does not parse, and answers requests", async () => {
    const uri = pathToFileURL(join(dir, "editing.ts")).href;
    const good = fixtureText("undeclared-read.ts");
    const before = await client.open(uri, good);
    assert.deepEqual(before.map((d) => d.code), ["undeclared-read", "undeclared-read"]);
    const broken = good.slice(0, good.indexOf("return state.update")) + "const x = [(((\n" + good.slice(good.indexOf(".withActions"));
    const during = await client.change(uri, broken, 2);
    assert.deepEqual(during.map((d) => d.code), ["undeclared-read", "undeclared-read"], "the last good model is kept");
    const graph = await client.request<GraphRequestResult>("burr/graph", { uri });
    assert.equal(graph.apps.length, 1);
    await client.request<Hover | null>("textDocument/hover", { textDocument: { uri }, position: { line: 3, character: 5 } });
    const fixed = good.replace(`reads: ["text"]`, `reads: ["text", "maxWords", "style"]`);
    assert.deepEqual(await client.change(uri, fixed, 3), []);
  });

  it("says nothing about text that never parsed, and stays up", async () => {
    const uri = pathToFileURL(join(dir, "garbage.ts")).href;
    const diagnostics = await client.open(uri, "import { action } from 'burr-ts';\n}}}} const = action(( { reads: [ \"a\" ], writes: [");
    assert.deepEqual(diagnostics, []);
    assert.deepEqual(await client.request<GraphRequestResult>("burr/graph", { uri }), { apps: [] });
  });

  it("re-checks importers when a module is deleted, and forgets an open file deleted then closed", async () => {
    const appUri = pathToFileURL(join(dir, "app.ts")).href;
    const actionsUri = pathToFileURL(join(dir, "actions.ts")).href;
    const first = await client.open(appUri, appSource);
    assert.deepEqual(first.map((d) => d.code), ["missing-input"], "askUser's input is known through the import");
    const actions = await client.open(actionsUri, actionsSource);
    assert.deepEqual(actions.map((d) => d.code), ["undeclared-write"]);

    unlinkSync(join(dir, "actions.ts"));
    await client.connection.sendNotification("workspace/didChangeWatchedFiles", { changes: [{ uri: actionsUri, type: FILE_DELETED }] });
    // Still open in the editor: its text stays authoritative until it is closed.
    const closedAfterDelete = client.nextDiagnostics(actionsUri);
    const appAfter = client.nextDiagnostics(appUri);
    await client.connection.sendNotification("textDocument/didClose", { textDocument: { uri: actionsUri } });
    assert.deepEqual(await closedAfterDelete, [], "a deleted file's diagnostics are cleared");
    assert.deepEqual(await appAfter, [], "the app no longer sees the deleted module's actions, so it claims nothing about them");
    assert.deepEqual(await client.request<GraphRequestResult>("burr/graph", { uri: actionsUri }), { apps: [] });
    const graph = await client.request<GraphRequestResult>("burr/graph", { uri: appUri });
    assert.deepEqual(graph.apps[0]!.graph.actions.map((a) => a.name), ["askUser", "answer"]);
  });

  it("handles a 50,000-line file", async () => {
    const uri = pathToFileURL(join(dir, "huge.ts")).href;
    const source = largeAppSource(250, 50_000);
    assert.ok(source.split("\n").length >= 49_000);
    assert.deepEqual(await client.open(uri, source), []);
    const edited = source.replace(`state.get("k100");`, `state.get("nope");`);
    const after = await client.change(uri, edited, 2);
    assert.deepEqual(after.map((d) => d.code), ["undeclared-read"]);
    const graph = await client.request<GraphRequestResult>("burr/graph", { uri });
    assert.equal(graph.apps[0]!.graph.actions.length, 250);
  });
});

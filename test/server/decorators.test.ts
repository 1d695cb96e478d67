// Decorated methods (`@action(spec)` in a class, handed over with
// `actionsOf(instance)`) in the real server over LSP, across files: the graph,
// hover, definition, references, rename both ways, completion, quick fixes
// and code lenses treat them as they treat `action(spec, fn)`.
import assert from "node:assert/strict";
import { pathToFileURL } from "node:url";
import type { CodeAction, CodeLens, CompletionItem, Diagnostic, Hover, Location, WorkspaceEdit } from "vscode-languageserver-protocol";
import type { GraphRequestResult } from "../../server/src/protocol.js";
import { ensureServerBuilt, LspClient } from "./support/client.js";
import { fixturePath, fixturesDir, fixtureText } from "./support/fixtures.js";
import { applyEdits, lineOf, positionOf } from "./support/text.js";

const file = (name: string) => ({ uri: pathToFileURL(fixturePath(`decorated/${name}`)).href, text: fixtureText(`decorated/${name}`) });
const hoverText = (h: Hover): string => (typeof h.contents === "object" && "value" in h.contents ? h.contents.value : JSON.stringify(h.contents));

describe("language server: decorated action methods", function () {
  this.timeout(60_000);
  let client: LspClient;
  const bot = file("bot.ts");
  const app = file("app.ts");
  const spread = file("spread-app.ts");
  let botDiagnostics: Diagnostic[];

  before(async () => {
    await ensureServerBuilt();
    client = await LspClient.start(fixturesDir);
    botDiagnostics = await client.open(bot.uri, bot.text);
    await client.open(app.uri, app.text);
    await client.open(spread.uri, spread.text);
  });
  after(async () => client?.stop());

  it("burr/graph lists the class's actions in declaration order, each at its method in the class's file", async () => {
    const { apps } = await client.request<GraphRequestResult>("burr/graph", { uri: app.uri });
    const actions = apps[0]!.graph.actions;
    assert.deepEqual(actions.map((a) => [a.name, a.reads, a.writes, a.streaming]), [
      ["humanInput", [], ["prompt", "chatHistory"], false],
      ["safetyCheck", ["prompt"], ["safe"], false],
      ["aiResponse", ["chatHistory"], ["response", "chatHistory"], false],
      ["unsafeResponse", [], ["response", "chatHistory"], true],
    ]);
    const safety = actions.find((a) => a.name === "safetyCheck")!;
    assert.equal(safety.source!.file, bot.uri);
    assert.equal(safety.source!.start.line, lineOf(bot.text, "safetyCheck(state"));
    const { apps: spreadApps } = await client.request<GraphRequestResult>("burr/graph", { uri: spread.uri });
    assert.deepEqual(spreadApps[0]!.graph.actions.map((a) => a.name), ["humanInput", "safetyCheck", "aiResponse", "unsafeResponse", "farewell"]);
  });

  it("the method body is checked against the decorator's spec, and the quick fix edits the decorator", async () => {
    const read = botDiagnostics.find((d) => d.code === "undeclared-read")!;
    assert.equal(read.range.start.line, lineOf(bot.text, `state.get("prompt")); // expect`));
    const fixes = await client.request<CodeAction[]>("textDocument/codeAction", { textDocument: { uri: bot.uri }, range: read.range, context: { diagnostics: [read] } });
    assert.equal(fixes[0]!.title, `Add "prompt" to reads`);
    const fixed = applyEdits(bot.text, fixes[0]!.edit!.changes![bot.uri]!);
    assert.match(fixed, /@action\(\{ reads: \["chatHistory", "prompt"\], writes: \["response", "chatHistory"\] \}\)\n  async aiResponse/);
    assert.deepEqual(await client.change(bot.uri, fixed, 2), []);
    await client.change(bot.uri, bot.text, 3);
  });

  it("hover on a method name shows the action in each app using it; definition from a transition goes to the method", async () => {
    const hover = await client.request<Hover>("textDocument/hover", { textDocument: { uri: bot.uri }, position: positionOf(bot.text, "safetyCheck(state", 3) });
    assert.match(hoverText(hover), /\*\*action\*\* `safetyCheck` in app `app`/);
    assert.match(hoverText(hover), /- reads: `prompt`\n- writes: `safe`/);
    const defs = await client.request<Location[]>("textDocument/definition", { textDocument: { uri: app.uri }, position: positionOf(app.text, `["humanInput", "safetyCheck"]`, 17) });
    assert.deepEqual(defs.map((d) => [d.uri, d.range.start.line]), [[bot.uri, lineOf(bot.text, "safetyCheck(state")]]);
  });

  it("references from the method name include every string naming it, in every app", async () => {
    const refs = await client.request<Location[]>("textDocument/references", { textDocument: { uri: bot.uri }, position: positionOf(bot.text, "safetyCheck(state", 2), context: { includeDeclaration: true } });
    const where = refs.map((r) => `${r.uri.split("/").pop()}:${r.range.start.line}`).sort();
    assert.deepEqual(where, [
      `app.ts:${lineOf(app.text, `["humanInput", "safetyCheck"]`)}`,
      `app.ts:${lineOf(app.text, `["safetyCheck", "unsafeResponse"`)}`,
      `app.ts:${lineOf(app.text, `["safetyCheck", "aiResponse"`)}`,
      `bot.ts:${lineOf(bot.text, "safetyCheck(state")}`,
      `spread-app.ts:${lineOf(spread.text, `["humanInput", "safetyCheck"]`)}`,
      `spread-app.ts:${lineOf(spread.text, `["safetyCheck", "unsafeResponse"`)}`,
      `spread-app.ts:${lineOf(spread.text, `["safetyCheck", "aiResponse"]`)}`,
    ].sort());
  });

  it("renaming the method renames every string naming it, and renaming a string renames the method", async () => {
    const fromMethod = await client.request<WorkspaceEdit>("textDocument/rename", { textDocument: { uri: bot.uri }, position: positionOf(bot.text, "safetyCheck(state", 2), newName: "moderate" });
    const renamedBot = applyEdits(bot.text, fromMethod.changes![bot.uri]!);
    assert.match(renamedBot, /\n  moderate\(state: ActionState/);
    assert.doesNotMatch(renamedBot, /safetyCheck/);
    const renamedApp = applyEdits(app.text, fromMethod.changes![app.uri]!);
    assert.match(renamedApp, /\["humanInput", "moderate"\]/);
    assert.doesNotMatch(renamedApp, /safetyCheck/);
    assert.doesNotMatch(applyEdits(spread.text, fromMethod.changes![spread.uri]!), /safetyCheck/);

    const fromString = await client.request<WorkspaceEdit>("textDocument/rename", { textDocument: { uri: app.uri }, position: positionOf(app.text, `"humanInput"`, 3), newName: "ask" });
    assert.match(applyEdits(bot.text, fromString.changes![bot.uri]!), /\n  ask\(state: State, \{ prompt \}/);
    assert.match(applyEdits(app.text, fromString.changes![app.uri]!), /withEntrypoint\("ask"\)/);
    // A name that is no identifier becomes a string-named method.
    const quoted = await client.request<WorkspaceEdit>("textDocument/rename", { textDocument: { uri: app.uri }, position: positionOf(app.text, `"humanInput"`, 3), newName: "human-input" });
    assert.match(applyEdits(bot.text, quoted.changes![bot.uri]!), /\n  "human-input"\(state: State/);
    // The edited files still check as before.
    assert.deepEqual((await client.change(bot.uri, renamedBot, 4)).map((d) => d.code), ["undeclared-read"]);
    assert.deepEqual((await client.change(app.uri, renamedApp, 2)).map((d) => d.code), ["unknown-action"]);
    await client.change(bot.uri, bot.text, 5);
    await client.change(app.uri, app.text, 3);
  });

  it("completes state keys in the decorator's spec and the class's action names in transitions", async () => {
    const labels = (items: CompletionItem[]) => items.map((i) => i.label);
    const keys = await client.request<CompletionItem[]>("textDocument/completion", { textDocument: { uri: bot.uri }, position: positionOf(bot.text, `reads: ["prompt"], writes: ["safe"]`, 10) });
    for (const k of ["prompt", "chatHistory", "safe", "response"]) assert.ok(labels(keys).includes(k), `${k} in ${labels(keys)}`);
    // Keys the apps in other files use come too: spread-app.ts's farewell writes "done".
    assert.ok(labels(keys).includes("done"), `done in ${labels(keys)}`);
    const names = await client.request<CompletionItem[]>("textDocument/completion", { textDocument: { uri: app.uri }, position: positionOf(app.text, `["humanInput", "safetyCheck"]`, 2) });
    for (const n of ["humanInput", "safetyCheck", "aiResponse", "unsafeResponse"]) assert.ok(labels(names).includes(n), `${n} in ${labels(names)}`);
  });

  it("code lenses over the app offer the graph and the debugger", async () => {
    const lenses = await client.request<CodeLens[]>("textDocument/codeLens", { textDocument: { uri: app.uri } });
    assert.deepEqual(lenses.map((l) => l.command?.title), ["Show graph", "Debug"]);
  });

  it("an edit to the class reaches the app in the other file", async () => {
    const typo = bot.text.replace("async *unsafeResponse(", "async *unsafeReply(");
    const changed = client.nextGraphChanged(app.uri);
    await client.change(bot.uri, typo, 6);
    await changed;
    const { apps } = await client.request<GraphRequestResult>("burr/graph", { uri: app.uri });
    assert.ok(apps[0]!.graph.actions.some((a) => a.name === "unsafeReply"));
    assert.ok(apps[0]!.problems.some((p) => p.code === "unknown-action" && p.action === "unsafeResponse"));
    await client.change(bot.uri, bot.text, 7);
  });
});

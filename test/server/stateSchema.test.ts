// A zod object schema given to withStateSchema: the language server reads its
// keys (completion, never-written hints with a "did you mean" fix) and still
// checks the whole app (the call does not hide the builder chain).
import assert from "node:assert/strict";
import { pathToFileURL } from "node:url";
import type { CodeAction, CompletionItem, Diagnostic } from "vscode-languageserver-protocol";
import { ensureServerBuilt, LspClient } from "./support/client.js";
import { fixturePath, fixturesDir, fixtureText } from "./support/fixtures.js";
import { positionOf } from "./support/text.js";

describe("language server: withStateSchema (zod)", function () {
  this.timeout(60_000);
  let client: LspClient;
  const uri = pathToFileURL(fixturePath("state-schema.ts")).href;
  const text = fixtureText("state-schema.ts");

  before(async () => {
    await ensureServerBuilt();
    client = await LspClient.start(fixturesDir);
  });
  after(async () => client?.stop());

  it("never-written names the schema: a misspelt key gets the schema key as a fix, a declared one says nothing puts it in state", async () => {
    const diagnostics = await client.open(uri, text);
    const messages = diagnostics.filter((d) => d.code === "never-written");
    const typo = messages.find((d) => /"chatHistry"/.test(String(d.message)))!;
    assert.match(String(typo.message), /The state schema has no "chatHistry": did you mean "chatHistory"\?/);
    const mood = messages.find((d) => /"mood"/.test(String(d.message)))!;
    assert.match(String(mood.message), /The state schema declares "mood", but nothing puts it in state/);
    const actions = await client.request<CodeAction[]>("textDocument/codeAction", { textDocument: { uri }, range: typo.range, context: { diagnostics: [typo] } });
    const fix = actions.find((a) => a.title === 'Change to "chatHistory"');
    assert.ok(fix, `quick fix offered: ${actions.map((a) => a.title).join(", ")}`);
  });

  it("completes state keys from the schema", async () => {
    await client.open(uri, text);
    const items = await client.request<CompletionItem[]>("textDocument/completion", { textDocument: { uri }, position: positionOf(text, `state.get("mood")`, 11) });
    const labels = (Array.isArray(items) ? items : (items as { items: CompletionItem[] }).items).map((i) => i.label);
    for (const key of ["prompt", "chatHistory", "response", "mood"]) assert.ok(labels.includes(key), `${key} in ${labels.join(", ")}`);
  });

  it("a schema it cannot read (built elsewhere) keeps the app checked without schema hints", async () => {
    const other = text.replace(".withStateSchema(ChatState)", ".withStateSchema(makeSchema())").replace('import { z } from "zod";', 'import { z } from "zod";\ndeclare function makeSchema(): z.ZodType;');
    const diagnostics: Diagnostic[] = await client.change(uri, other, 2);
    const never = diagnostics.filter((d) => d.code === "never-written");
    assert.equal(never.length, 2);
    assert.ok(never.every((d) => !/state schema/.test(String(d.message))));
    await client.change(uri, text, 3);
  });
});

// onError: captureAs("k") over real LSP: a key missing from writes is an
// undeclared-write on the key, with a quick fix that adds it to writes.
import assert from "node:assert/strict";
import { pathToFileURL } from "node:url";
import type { CodeAction, Diagnostic } from "vscode-languageserver-protocol";
import type { GraphRequestResult } from "../../server/src/protocol.js";
import { ensureServerBuilt, LspClient } from "./support/client.js";
import { fixturePath, fixturesDir, fixtureText } from "./support/fixtures.js";
import { applyEdits, lineOf } from "./support/text.js";

describe("language server: onError: captureAs", function () {
  this.timeout(60_000);
  let client: LspClient;
  const uri = pathToFileURL(fixturePath("on-error.ts")).href;
  const text = fixtureText("on-error.ts");

  before(async () => {
    await ensureServerBuilt();
    client = await LspClient.start(fixturesDir);
  });
  after(async () => client?.stop());

  const message = (d: Diagnostic) => (typeof d.message === "string" ? d.message : (d.message as { value: string }).value);

  it("reports the captured key on the captureAs string, saying where the error goes and what to add", async () => {
    const diagnostics = await client.open(uri, text);
    const d = diagnostics.find((x) => x.range.start.line === lineOf(text, `writes: ["summary"], onError`))!;
    assert.equal(d.code, "undeclared-write");
    assert.equal(text.split("\n")[d.range.start.line]!.slice(d.range.start.character, d.range.end.character), "failure");
    assert.equal(
      message(d),
      `Action "summarize" writes a captured error to state key "failure" (onError: captureAs("failure")) but does not declare it: add "failure" to its writes.`,
    );
    assert.deepEqual(diagnostics.filter((x) => x.code === "unused-write" || x.code === "never-written"), [], "the declared key is neither unused nor unwritten");
  });

  it("burr/graph names each action's captured key, as app.graph does, for the graph view", async () => {
    const { apps } = await client.request<GraphRequestResult>("burr/graph", { uri });
    const keys = apps[0]!.graph.actions.map((a) => [a.name, a.capturesErrorsAs]);
    assert.deepEqual(keys, [
      ["fetchPage", "error"], ["retry", undefined], ["summarize", "failure"], ["translate", "failure"], ["tokens", "failure"], ["publish", "publishError"],
    ]);
    assert.ok(!("capturesErrorsAs" in apps[0]!.graph.actions[1]!), "absent without onError");
  });

  it("quick fixes add the key to writes (function, streaming and class actions), and the fixed file checks clean", async () => {
    const diagnostics = await client.change(uri, text, 2);
    assert.equal(diagnostics.length, 3);
    let fixed = text;
    const titles: string[] = [];
    for (const d of diagnostics) {
      const actions = await client.request<CodeAction[]>("textDocument/codeAction", { textDocument: { uri }, range: d.range, context: { diagnostics: [d] } });
      titles.push(actions[0]!.title);
      fixed = applyEdits(fixed, actions[0]!.edit!.changes![uri]!);
    }
    assert.deepEqual(titles.sort(), [`Add "failure" to writes`, `Add "failure" to writes`, `Add "publishError" to writes`]);
    assert.match(fixed, /writes: \["summary", "failure"\], onError: captureAs\("failure"\)/);
    assert.match(fixed, /writes: \["reply", "failure"\],\n\s+onError/);
    assert.match(fixed, /writes = \["published", "publishError"\];/);
    assert.deepEqual(await client.change(uri, fixed, 3), []);
  });
});

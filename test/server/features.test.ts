// Hover, navigation, rename, completion, quick fixes, symbols, code lenses and
// burr/graph, over real LSP against dist/server.js.
import assert from "node:assert/strict";
import { pathToFileURL } from "node:url";
import type { CodeAction, CodeLens, CompletionItem, CompletionList, Diagnostic, DocumentHighlight, DocumentSymbol, Hover, Location, WorkspaceEdit } from "vscode-languageserver-protocol";
import type { GraphRequestResult } from "../../server/src/protocol.js";
import { ensureServerBuilt, LspClient } from "./support/client.js";
import { fixturePath, fixturesDir, fixtureText } from "./support/fixtures.js";
import { applyEdits, lineOf, positionOf } from "./support/text.js";
import { typeErrors } from "./support/typecheck.js";

const uriOf = (fixture: string): string => pathToFileURL(fixturePath(fixture)).href;

describe("language server features (over LSP)", function () {
  this.timeout(60_000);
  let client: LspClient;
  const clean = fixtureText("clean-app.ts");
  const cleanUri = uriOf("clean-app.ts");
  let version = 1;

  before(async () => {
    await ensureServerBuilt();
    client = await LspClient.start(fixturesDir);
    await client.open(cleanUri, clean);
  });
  after(async () => client?.stop());

  const at = (uri: string, text: string, needle: string, offset = 1, nth = 0) => ({ textDocument: { uri }, position: positionOf(text, needle, offset, nth) });

  it("hover on an action name shows its reads, writes, inputs and transitions in and out", async () => {
    const hover = await client.request<Hover>("textDocument/hover", at(cleanUri, clean, `["safetyCheck", "unsafeResponse"`, 3));
    const value = (hover.contents as { value: string }).value;
    assert.match(value, /action\*\* `safetyCheck` in app `app`/);
    assert.match(value, /reads: `prompt`/);
    assert.match(value, /writes: `safe`/);
    assert.match(value, /in: `humanInput`/);
    assert.match(value, /out: `unsafeResponse` when `safe=false`, `aiResponse` when `safe=true`/);
    const entry = await client.request<Hover>("textDocument/hover", at(cleanUri, clean, `.withEntrypoint("humanInput")`, 18));
    assert.match((entry.contents as { value: string }).value, /inputs: `prompt`[\s\S]*\(entrypoint\)|\(entrypoint\)[\s\S]*inputs: `prompt`/);
  });

  it("go to definition from a string naming an action, in the same file and across modules", async () => {
    const local = await client.request<Location[]>("textDocument/definition", at(cleanUri, clean, `haltAfter: ["aiResponse"`, 13));
    assert.equal(local.length, 1);
    assert.equal(local[0]!.uri, cleanUri);
    assert.equal(local[0]!.range.start.line, lineOf(clean, "const aiResponse"));

    const cross = fixtureText("cross-file.ts");
    await client.open(uriOf("cross-file.ts"), cross);
    const remote = await client.request<Location[]>("textDocument/definition", at(uriOf("cross-file.ts"), cross, `["askUser", "answer"]`, 13));
    const qa = fixtureText("modules/qa-actions.ts");
    assert.equal(remote[0]!.uri, uriOf("modules/qa-actions.ts"));
    assert.equal(remote[0]!.range.start.line, lineOf(qa, "const answerImpl"));
  });

  it("finds every reference to an action: withActions key, transitions, entrypoint, declaration", async () => {
    const refs = await client.request<Location[]>("textDocument/references", { ...at(cleanUri, clean, `.withEntrypoint("humanInput")`, 18), context: { includeDeclaration: true } });
    const lines = refs.map((r) => r.range.start.line).sort((a, b) => a - b);
    assert.deepEqual(lines, [
      lineOf(clean, "const humanInput"),
      lineOf(clean, ".withActions("),
      lineOf(clean, `["humanInput", "safetyCheck"]`),
      lineOf(clean, `[["unsafeResponse", "aiResponse"], "humanInput"]`),
      lineOf(clean, ".withEntrypoint("),
    ]);
  });

  it("highlights an action's strings in its own app only, not in another app of the file naming an action alike", async () => {
    const uri = uriOf("cross-file.ts");
    const cross = fixtureText("cross-file.ts");
    const highlights = async (needle: string, offset: number, nth = 0): Promise<string[]> => {
      const hs = await client.request<DocumentHighlight[]>("textDocument/documentHighlight", at(uri, cross, needle, offset, nth));
      return hs.map((h) => `${h.range.start.line}:${h.range.start.character}-${h.range.end.character}`).sort();
    };
    const span = (needle: string, offset: number, length: number, nth = 0): string => {
      const p = positionOf(cross, needle, offset, nth);
      return `${p.line}:${p.character}-${p.character + length}`;
    };
    const n = "askUser".length;
    // `app` declares askUser itself; `helped` gets its own from qaBuilder (modules/builders.ts).
    assert.deepEqual(await highlights(`["askUser", "answer"]`, 3), [
      span("{ askUser, answer,", 2, n), span(`["askUser", "answer"]`, 2, n), span(`.withEntrypoint("askUser")`, 17, n),
    ].sort());
    assert.deepEqual(await highlights(`["askUser", "reply"]`, 3), [span(`["askUser", "reply"]`, 2, n), span(`["reply", "askUser"]`, 11, n)].sort());
    const inClean = await client.request<DocumentHighlight[]>("textDocument/documentHighlight", at(cleanUri, clean, `.withEntrypoint("humanInput")`, 18));
    const cleanSpan = (needle: string, offset: number): string => {
      const p = positionOf(clean, needle, offset);
      return `${p.line}:${p.character}-${p.character + "humanInput".length}`;
    };
    assert.deepEqual(inClean.map((h) => `${h.range.start.line}:${h.range.start.character}-${h.range.end.character}`).sort(), [
      cleanSpan("{ humanInput,", 2), cleanSpan(`["humanInput", "safetyCheck"]`, 2),
      cleanSpan(`"aiResponse"], "humanInput"]`, 16), cleanSpan(`.withEntrypoint("humanInput")`, 17),
    ].sort());
  });

  it("renames an action across the app and the result still checks clean", async () => {
    const params = at(cleanUri, clean, `["humanInput", "safetyCheck"]`, 3);
    const prep = await client.request<{ placeholder: string }>("textDocument/prepareRename", params);
    assert.equal(prep.placeholder, "humanInput");
    const edit = await client.request<WorkspaceEdit>("textDocument/rename", { ...params, newName: "greet" });
    const renamed = applyEdits(clean, edit.changes![cleanUri]!);
    assert.match(renamed, /withActions\(\{ greet: humanInput, safetyCheck/);
    assert.match(renamed, /\["greet", "safetyCheck"\]/);
    assert.match(renamed, /\[\["unsafeResponse", "aiResponse"\], "greet"\]/);
    assert.match(renamed, /withEntrypoint\("greet"\)/);
    assert.deepEqual(await client.change(cleanUri, renamed, ++version), []);
    assert.deepEqual(await client.change(cleanUri, clean, ++version), []);
  });

  it("refuses a rename onto another action's name, or to a name a string cannot hold, saying why", async () => {
    const params = at(cleanUri, clean, `["humanInput", "safetyCheck"]`, 3);
    await assert.rejects(client.request("textDocument/rename", { ...params, newName: "safetyCheck" }), /App "app" already has an action named "safetyCheck": pick another name/);
    await assert.rejects(client.request("textDocument/rename", { ...params, newName: 'say"hi' }), /cannot be an action name/);
  });

  it("completes action names in transitions, entrypoint and halt lists, and state keys in reads and state.get", async () => {
    const labels = (r: CompletionItem[] | CompletionList): string[] => (Array.isArray(r) ? r : r.items).map((i) => i.label).sort();
    const actions = await client.request<CompletionItem[]>("textDocument/completion", at(cleanUri, clean, `.withEntrypoint("humanInput")`, 17));
    assert.deepEqual(labels(actions), ["aiResponse", "humanInput", "safetyCheck", "unsafeResponse"]);
    const halt = await client.request<CompletionItem[]>("textDocument/completion", at(cleanUri, clean, `haltAfter: ["aiResponse"`, 13));
    assert.equal(labels(halt).length, 4);
    const keys = await client.request<CompletionItem[]>("textDocument/completion", at(cleanUri, clean, `state.get("prompt")).includes`, 11));
    assert.deepEqual(labels(keys), ["chatHistory", "prompt", "response", "safe"]);
    const reads = await client.request<CompletionItem[]>("textDocument/completion", at(cleanUri, clean, `reads: ["prompt"]`, 10));
    assert.ok(labels(reads).includes("chatHistory"));
    const none = await client.request<CompletionItem[]>("textDocument/completion", at(cleanUri, clean, `content: prompt`, 3));
    assert.deepEqual(labels(none), []);
  });

  it('a "*" source: offered in a transition\'s first slot only, expanded in burr/graph, and no target for hover, definition, references or rename', async () => {
    const text = fixtureText("wildcard.ts");
    const uri = uriOf("wildcard.ts");
    await client.open(uri, text);
    const labels = (r: CompletionItem[] | CompletionList): string[] => (Array.isArray(r) ? r : r.items).map((i) => i.label);
    const star = `["*", "handleError", expr`;
    assert.ok(labels(await client.request("textDocument/completion", at(uri, text, star, 2))).includes("*"));
    const target = await client.request<CompletionItem[]>("textDocument/completion", at(uri, text, `"handleError", expr`, 1));
    assert.ok(labels(target).includes("handleError") && !labels(target).includes("*"));
    assert.ok(!labels(await client.request("textDocument/completion", at(uri, text, `.withEntrypoint("fetchPage")`, 17))).includes("*"));

    const { apps } = await client.request<GraphRequestResult>("burr/graph", { uri });
    const pipeline = apps.find((a) => a.name === "pipeline")!;
    assert.deepEqual(pipeline.graph.transitions.map((t) => `${t.from}->${t.to}${t.wildcard ? " (*)" : ""}`), [
      "fetchPage->handleError (*)", "summarize->handleError (*)", "fetchPage->summarize",
    ]);
    assert.equal(pipeline.graph.transitions[1]!.source!.start.line, lineOf(text, star));
    assert.deepEqual(pipeline.problems, []);

    const onStar = at(uri, text, star, 2);
    assert.equal(await client.request("textDocument/hover", onStar), null);
    assert.deepEqual(await client.request("textDocument/definition", onStar) ?? [], []);
    assert.deepEqual(await client.request("textDocument/references", { ...onStar, context: { includeDeclaration: true } }) ?? [], []);
    assert.equal(await client.request("textDocument/prepareRename", onStar), null);
    const onAction = at(uri, text, `["fetchPage", "summarize"],\n  )\n  .withState`, 3);
    await assert.rejects(client.request("textDocument/rename", { ...onAction, newName: "*" }), /"\*" cannot be an action name/);
  });

  it("quick fix adds an undeclared key to reads, and the fixed file checks clean of it", async () => {
    const uri = uriOf("undeclared-read.ts");
    const text = fixtureText("undeclared-read.ts");
    const diagnostics = await client.open(uri, text);
    const first = diagnostics.find((d) => d.range.start.line === lineOf(text, `state.get("maxWords")`))!;
    const actions = await client.request<CodeAction[]>("textDocument/codeAction", { textDocument: { uri }, range: first.range, context: { diagnostics: [first] } });
    assert.equal(actions[0]!.title, `Add "maxWords" to reads`);
    const fixed = applyEdits(text, actions[0]!.edit!.changes![uri]!);
    assert.match(fixed, /reads: \["text", "maxWords"\]/);
    const after = await client.change(uri, fixed, 2);
    assert.deepEqual(after.map((d: Diagnostic) => d.code), ["undeclared-read"], "only the other undeclared read is left");
  });

  it("quick fix declares an undeclared input (in optionalInputs when it has a default)", async () => {
    const uri = uriOf("undeclared-input.ts");
    const text = fixtureText("undeclared-input.ts");
    const diagnostics = await client.open(uri, text);
    const inputs = diagnostics.filter((d) => d.code === "undeclared-input");
    assert.equal(inputs.length, 4, "three in function actions, one in a spec'd class");
    assert.match(String(inputs[0]!.message), /Action "respond" uses input "model" but does not declare it, so the runtime never passes it \(it is always undefined\): add "model" to its inputs/);
    let fixed = text;
    let remaining = inputs;
    for (let version = 2; remaining.length > 0; version++) {
      const d = remaining[0]!;
      const actions = await client.request<CodeAction[]>("textDocument/codeAction", { textDocument: { uri }, range: d.range, context: { diagnostics: [d] } });
      fixed = applyEdits(fixed, actions[0]!.edit!.changes![uri]!);
      const next = (await client.change(uri, fixed, version)).filter((x: Diagnostic) => x.code === "undeclared-input");
      assert.equal(next.length, remaining.length - 1, `one fix, one diagnostic fewer:\n${fixed}`);
      remaining = next;
    }
    assert.match(fixed, /inputs: \["prompt", "model"\]/);
    assert.match(fixed, /optionalInputs: \["temperature"\]/);
    assert.match(fixed, /action\(\{\s*inputs: \["text"\],\s+writes: \["echo"\] \}/);
    assert.match(fixed, /Action\.with\(\{ writes: \["greeting"\], inputs: \["name", "title"\] \}\)/);
  });

  it("an expr() that does not parse is marked at the column the runtime names", async () => {
    const uri = uriOf("expr-syntax.ts");
    const text = fixtureText("expr-syntax.ts");
    const diagnostics = (await client.open(uri, text)).filter((d) => d.code === "expr-syntax");
    assert.equal(diagnostics.length, 2);
    const line = lineOf(text, `expr("count = 3")`);
    assert.equal(diagnostics[0]!.range.start.line, line);
    assert.equal(diagnostics[0]!.range.start.character, text.split("\n")[line]!.indexOf(`count = 3`) + 6, "under the single '='");
    assert.match(String(diagnostics[0]!.message), /at column 7, expected "==" .*Fix the text/);
    assert.match(String(diagnostics[1]!.message), /one of the functions len, min, max/);
  });

  it("quick fix corrects a near-miss action name", async () => {
    const uri = uriOf("unknown-action.ts");
    const text = fixtureText("unknown-action.ts");
    const diagnostics = await client.open(uri, text);
    const results = await Promise.all(diagnostics.map((d) =>
      client.request<CodeAction[]>("textDocument/codeAction", { textDocument: { uri }, range: d.range, context: { diagnostics: [d] } })));
    const titles = results.flat().map((a) => a.title).sort();
    assert.deepEqual(titles, [`Change to "start"`, `Change to "step"`, `Change to "step"`]);
    let fixed = text;
    for (const a of results.flat()) fixed = applyEdits(fixed, a.edit!.changes![uri]!);
    assert.deepEqual(await client.change(uri, fixed, 2), []);
  });

  it("lists apps with their actions, and action declarations, as document symbols", async () => {
    const symbols = await client.request<DocumentSymbol[]>("textDocument/documentSymbol", { textDocument: { uri: cleanUri } });
    const app = symbols.find((s) => s.detail === "burr app")!;
    assert.equal(app.name, "app");
    assert.deepEqual(app.children!.map((c) => c.name), ["humanInput", "safetyCheck", "aiResponse", "unsafeResponse"]);
    assert.deepEqual(symbols.filter((s) => s.detail?.includes("action")).map((s) => s.name).sort(), ["aiResponse", "humanInput", "safetyCheck", "unsafeResponse"]);
  });

  it("puts Show graph and Debug code lenses above each app, with [uri, appId]", async () => {
    const lenses = await client.request<CodeLens[]>("textDocument/codeLens", { textDocument: { uri: cleanUri } });
    assert.deepEqual(lenses.map((l) => l.command!.command), ["burr.showGraph", "burr.debugApp"]);
    const graph = await client.request<GraphRequestResult>("burr/graph", { uri: cleanUri });
    for (const l of lenses) {
      assert.deepEqual(l.command!.arguments, [cleanUri, graph.apps[0]!.id]);
      assert.equal(l.range.start.line, lineOf(clean, "new ApplicationBuilder()"));
    }
  });

  it("burr/graph returns each app's graph model with source ranges", async () => {
    const { apps } = await client.request<GraphRequestResult>("burr/graph", { uri: cleanUri });
    assert.equal(apps.length, 1);
    const { graph, uri, name, problems } = apps[0]!;
    assert.equal(uri, cleanUri);
    assert.equal(name, "app");
    assert.deepEqual(problems, []);
    assert.equal(graph.entrypoint, "humanInput");
    assert.deepEqual(graph.actions.map((a) => [a.name, a.reads, a.writes, a.inputs]), [
      ["humanInput", [], ["prompt", "chatHistory"], ["prompt"]],
      ["safetyCheck", ["prompt"], ["safe"], []],
      ["aiResponse", ["prompt", "chatHistory"], ["response", "chatHistory"], []],
      ["unsafeResponse", [], ["response"], []],
    ]);
    assert.deepEqual(graph.transitions.map((t) => `${t.from}->${t.to}:${t.condition}`), [
      "humanInput->safetyCheck:default", "safetyCheck->unsafeResponse:safe=false", "safetyCheck->aiResponse:safe=true",
      "unsafeResponse->humanInput:default", "aiResponse->humanInput:default",
    ]);
    assert.equal(graph.actions[1]!.source!.file, cleanUri);
    assert.equal(graph.actions[1]!.source!.start.line, lineOf(clean, "const safetyCheck"));
    assert.equal(graph.transitions[1]!.source!.start.line, lineOf(clean, `["safetyCheck", "unsafeResponse"`));
    const cross = await client.request<GraphRequestResult>("burr/graph", { uri: uriOf("cross-file.ts") });
    assert.deepEqual(cross.apps.map((a) => a.name), ["app", "helped"]);
    assert.equal(cross.apps[1]!.problems.find((p) => p.code === "unknown-action")?.suggestion, "reply");
  });

  it("follows typed action factories and functions that return actions into the graph", async () => {
    const uri = uriOf("typed-factories.ts");
    await client.open(uri, fixtureText("typed-factories.ts"));
    const { apps } = await client.request<GraphRequestResult>("burr/graph", { uri });
    const app = apps.find((a) => a.name === "app")!;
    assert.deepEqual(app.graph.actions.map((a) => [a.name, a.reads, a.writes, a.streaming]), [
      ["check", ["prompt"], ["safe"], false],
      ["respond", ["prompt"], ["response", "mood"], false],
      ["stream", ["prompt"], ["response"], true],
    ]);
    assert.equal(apps.find((a) => a.name === "resumed")!.graph.entrypoint, "chek");
  });

  describe("from an action declared in another module", () => {
    const files = ["modules/chat-actions.ts", "modules/chat-builder.ts", "chat-app.ts", "chat-review-app.ts", "chat-helper-apps.ts"];
    const text: Record<string, string> = Object.fromEntries(files.map((f) => [f, fixtureText(f)]));
    /** "file:line:from-to" for `length` characters, `offset` into the nth occurrence of needle. */
    const loc = (file: string, needle: string, offset: number, length: number, nth = 0): string => {
      const p = positionOf(text[file]!, needle, offset, nth);
      return `${file}:${p.line}:${p.character}-${p.character + length}`;
    };
    const short = (l: Location): string => `${l.uri.slice(pathToFileURL(fixturesDir).href.length + 1)}:${l.range.start.line}:${l.range.start.character}-${l.range.end.character}`;
    /** The hover's heading for an app: name, link to where it is built, and key. */
    const appLine = (file: string, app: string, key: string): string =>
      `app \`${app}\` ([${file}](${uriOf(file)}#L${lineOf(text[file]!, `export const ${app} =`) + 1})) as \`${key}\``;

    before(async () => {
      for (const f of ["modules/chat-actions.ts", "chat-review-app.ts"]) await client.open(uriOf(f), text[f]!);
    });

    it("hover on the declaration shows its spec and, for each app using it, the app, its key there and transitions in and out", async () => {
      const uri = uriOf("modules/chat-actions.ts");
      const hover = await client.request<Hover>("textDocument/hover", at(uri, text["modules/chat-actions.ts"]!, "export const aiResponse", 14));
      assert.equal((hover.contents as { value: string }).value, [
        "**action** `aiResponse`", "",
        "- reads: `prompt`", "- writes: `response`", "- inputs: —", "",
        appLine("chat-app.ts", "chat", "aiResponse"), "", "- in: `ask`", "- out: `moderate`", "",
        appLine("chat-helper-apps.ts", "first", "aiResponse"), "", "- in: `ask`", "- out: `ask`", "",
        appLine("chat-helper-apps.ts", "second", "aiResponse"), "", "- in: `ask`", "- out: `ask`", "",
        appLine("chat-review-app.ts", "review", "respond"), "", "- in: `question`, `check` when `flagged=true`", "- out: `check`",
      ].join("\n"));
      assert.equal(short({ uri, range: hover.range! }), loc("modules/chat-actions.ts", "export const aiResponse", 13, "aiResponse".length));

      const classHover = await client.request<Hover>("textDocument/hover", at(uri, text["modules/chat-actions.ts"]!, "class Moderate", 7));
      const moderate = [
        "**action** `Moderate`", "",
        "- reads: `response`", "- writes: `flagged`", "- inputs: —", "",
        appLine("chat-app.ts", "chat", "moderate"), "", "- in: `aiResponse`", "- out: `ask`", "",
        appLine("chat-review-app.ts", "review", "check"), "", "- in: `respond`", "- out: `respond` when `flagged=true`, `question`",
      ].join("\n");
      assert.equal((classHover.contents as { value: string }).value, moderate);
      // The same from the import of it in an app's file.
      const fromImport = await client.request<Hover>("textDocument/hover", at(uriOf("chat-review-app.ts"), text["chat-review-app.ts"]!, "Moderate }", 2));
      assert.equal((fromImport.contents as { value: string }).value, moderate);
    });

    it("finds references from the declaration: the withActions entries and every string naming it in the apps using it", async () => {
      const refs = await client.request<Location[]>("textDocument/references", {
        ...at(uriOf("modules/chat-actions.ts"), text["modules/chat-actions.ts"]!, "export const aiResponse", 14), context: { includeDeclaration: true },
      });
      const n = "aiResponse".length;
      assert.deepEqual(refs.map(short).sort(), [
        loc("modules/chat-actions.ts", "export const aiResponse", 13, n),
        loc("chat-app.ts", "{ ask, aiResponse,", 7, n),
        loc("chat-app.ts", `["ask", "aiResponse"]`, 9, n),
        loc("chat-app.ts", `["aiResponse", "moderate"]`, 2, n),
        loc("chat-app.ts", `haltAfter: ["aiResponse"]`, 13, n),
        loc("modules/chat-builder.ts", "{ ask, aiResponse }", 7, n),
        loc("modules/chat-builder.ts", `["ask", "aiResponse"]`, 9, n),
        loc("modules/chat-builder.ts", `["aiResponse", "ask"]`, 2, n),
        loc("chat-helper-apps.ts", `haltAfter: ["aiResponse"]`, 13, n),
        loc("chat-helper-apps.ts", `haltBefore: ["aiResponse"]`, 14, n),
        loc("chat-review-app.ts", "respond: aiResponse", 0, "respond".length),
        loc("chat-review-app.ts", `["question", "respond"]`, 14, "respond".length),
        loc("chat-review-app.ts", `["respond", "check"]`, 2, "respond".length),
        loc("chat-review-app.ts", `["check", "respond"`, 11, "respond".length),
      ].sort());
      const without = await client.request<Location[]>("textDocument/references", {
        ...at(uriOf("modules/chat-actions.ts"), text["modules/chat-actions.ts"]!, "export const aiResponse", 14), context: { includeDeclaration: false },
      });
      assert.equal(without.length, refs.length - 1);
    });

    it("finds references from a string in an app built from a shared helper: every app built from it, as rename covers", async () => {
      const apps = "chat-helper-apps.ts";
      const helper = "modules/chat-builder.ts";
      const n = "aiResponse".length;
      const aiResponse = [
        loc(helper, "{ ask, aiResponse }", 7, n),
        loc(helper, `["ask", "aiResponse"]`, 9, n),
        loc(helper, `["aiResponse", "ask"]`, 2, n),
        loc(apps, `haltAfter: ["aiResponse"]`, 13, n),
        loc(apps, `haltBefore: ["aiResponse"]`, 14, n),
      ];
      const refs = async (file: string, needle: string, offset: number, includeDeclaration: boolean): Promise<string[]> =>
        (await client.request<Location[]>("textDocument/references", { ...at(uriOf(file), text[file]!, needle, offset), context: { includeDeclaration } })).map(short).sort();
      // From `second`'s halt list: `first`'s halt list too, since both name the helper's key.
      assert.deepEqual(await refs(apps, `haltBefore: ["aiResponse"]`, 14, false), [...aiResponse].sort());
      assert.deepEqual(await refs(apps, `haltBefore: ["aiResponse"]`, 14, true), [...aiResponse, loc("modules/chat-actions.ts", "export const aiResponse", 13, n)].sort());
      // From the helper's own strings: the same places.
      assert.deepEqual(await refs(helper, `["aiResponse", "ask"]`, 3, false), [...aiResponse].sort());
      // From `first`'s entrypoint: both apps' entrypoints.
      assert.deepEqual(await refs(apps, `.withEntrypoint("ask")`, 18, false), [
        loc(helper, "{ ask, aiResponse }", 2, 3),
        loc(helper, `["ask", "aiResponse"]`, 2, 3),
        loc(helper, `["aiResponse", "ask"]`, 16, 3),
        loc(apps, `.withEntrypoint("ask")`, 17, 3, 0),
        loc(apps, `.withEntrypoint("ask")`, 17, 3, 1),
      ].sort());
    });

    it("hover on a string in an app built from a shared helper says how many apps are built from it", async () => {
      const apps = "chat-helper-apps.ts";
      const helper = "modules/chat-builder.ts";
      const hover = await client.request<Hover>("textDocument/hover", at(uriOf(apps), text[apps]!, `haltBefore: ["aiResponse"]`, 14));
      assert.equal((hover.contents as { value: string }).value, [
        "**action** `aiResponse` in app `second`", "",
        "- reads: `prompt`", "- writes: `response`", "- inputs: —", "- in: `ask`", "- out: `ask`", "",
        `used by 2 apps built from \`chatBuilder\` ([chat-builder.ts](${uriOf(helper)}#L${lineOf(text[helper]!, ".withActions(") + 1})): \`first\`, \`second\``,
      ].join("\n"));
      // An app of its own says nothing of the kind.
      const own = await client.request<Hover>("textDocument/hover", at(uriOf("chat-app.ts"), text["chat-app.ts"]!, `haltAfter: ["aiResponse"]`, 13));
      assert.doesNotMatch((own.contents as { value: string }).value, /used by/);
    });

    it("highlights every string in the document naming the same action of the same app(s)", async () => {
      const highlights = async (file: string, needle: string, offset: number): Promise<string[]> => {
        const hs = await client.request<DocumentHighlight[]>("textDocument/documentHighlight", at(uriOf(file), text[file]!, needle, offset));
        return hs.map((h) => short({ uri: uriOf(file), range: h.range })).sort();
      };
      const apps = "chat-helper-apps.ts";
      const helper = "modules/chat-builder.ts";
      const n = "aiResponse".length;
      // Both apps' halt lists: they name the same action of the shared helper.
      assert.deepEqual(await highlights(apps, `haltAfter: ["aiResponse"]`, 13), [
        loc(apps, `haltAfter: ["aiResponse"]`, 13, n), loc(apps, `haltBefore: ["aiResponse"]`, 14, n),
      ].sort());
      assert.deepEqual(await highlights(helper, `["ask", "aiResponse"]`, 10), [
        loc(helper, "{ ask, aiResponse }", 7, n), loc(helper, `["ask", "aiResponse"]`, 9, n), loc(helper, `["aiResponse", "ask"]`, 2, n),
      ].sort());
      // Nothing off an action name.
      assert.deepEqual(await highlights(apps, "export const first", 3), []);
    });

    it("goes to the declaration from the import of an action", async () => {
      const defs = await client.request<Location[]>("textDocument/definition", at(uriOf("chat-review-app.ts"), text["chat-review-app.ts"]!, "{ aiResponse, ask", 4));
      assert.deepEqual(defs.map(short), [loc("modules/chat-actions.ts", "export const aiResponse", 13, "aiResponse".length)]);
    });

    it("renames an action whose shorthand key is an imported variable: the key becomes `new: variable`, the module is untouched", async () => {
      const file = "chat-app.ts";
      const uri = uriOf(file);
      await client.open(uri, text[file]!);
      const params = at(uri, text[file]!, `["aiResponse", "moderate"]`, 3);
      assert.equal((await client.request<{ placeholder: string }>("textDocument/prepareRename", params)).placeholder, "aiResponse");
      const edit = await client.request<WorkspaceEdit>("textDocument/rename", { ...params, newName: "reply" });
      assert.deepEqual(Object.keys(edit.changes!), [uri]);
      const renamed = applyEdits(text[file]!, edit.changes![uri]!);
      assert.equal(renamed, text[file]!
        .replace("{ ask, aiResponse, moderate", "{ ask, reply: aiResponse, moderate")
        .replace(`["ask", "aiResponse"]`, `["ask", "reply"]`)
        .replace(`["aiResponse", "moderate"]`, `["reply", "moderate"]`)
        .replace(`haltAfter: ["aiResponse"]`, `haltAfter: ["reply"]`));
      // The workspace still checks clean: Burr's diagnostics and TypeScript's.
      assert.deepEqual(await client.change(uri, renamed, 2), []);
      assert.deepEqual(typeErrors(files.map(fixturePath), { [fixturePath(file)]: renamed }), []);
      // The declaration's hover follows the edit at once: chat now uses it as `reply`.
      const hover = await client.request<Hover>("textDocument/hover", at(uriOf("modules/chat-actions.ts"), text["modules/chat-actions.ts"]!, "export const aiResponse", 14));
      assert.ok((hover.contents as { value: string }).value.includes(appLine(file, "chat", "reply")));
      assert.deepEqual(await client.change(uri, text[file]!, 3), []);
    });

    it("renames an action of an app built from a helper in another module, and of every other app built from it", async () => {
      const apps = "chat-helper-apps.ts";
      const helper = "modules/chat-builder.ts";
      await client.open(uriOf(apps), text[apps]!);
      await client.open(uriOf(helper), text[helper]!);
      // From `second`'s halt list; `first` shares the helper's key, so its strings follow.
      const edit = await client.request<WorkspaceEdit>("textDocument/rename", { ...at(uriOf(apps), text[apps]!, `haltBefore: ["aiResponse"]`, 14), newName: "reply" });
      assert.deepEqual(Object.keys(edit.changes!).sort(), [uriOf(apps), uriOf(helper)].sort());
      // The helper's own strings name the same action: renaming from there gives the same edit.
      const fromHelper = await client.request<WorkspaceEdit>("textDocument/rename", { ...at(uriOf(helper), text[helper]!, `["aiResponse", "ask"]`, 3), newName: "reply" });
      const sorted = (e: WorkspaceEdit): string[] => Object.entries(e.changes!).flatMap(([u, es]) => es.map((x) => `${u}:${JSON.stringify(x)}`)).sort();
      assert.deepEqual(sorted(fromHelper), sorted(edit));
      const renamedApps = applyEdits(text[apps]!, edit.changes![uriOf(apps)]!);
      const renamedHelper = applyEdits(text[helper]!, edit.changes![uriOf(helper)]!);
      assert.equal(renamedApps, text[apps]!.replace(`haltAfter: ["aiResponse"]`, `haltAfter: ["reply"]`).replace(`haltBefore: ["aiResponse"]`, `haltBefore: ["reply"]`));
      assert.equal(renamedHelper, text[helper]!
        .replace("{ ask, aiResponse }", "{ ask, reply: aiResponse }")
        .replace(`["ask", "aiResponse"], ["aiResponse", "ask"]`, `["ask", "reply"], ["reply", "ask"]`));
      await client.change(uriOf(helper), renamedHelper, 2);
      assert.deepEqual(await client.change(uriOf(apps), renamedApps, 2), []);
      assert.deepEqual(client.latestDiagnostics(uriOf(helper)), []);
      assert.deepEqual(typeErrors(files.map(fixturePath), { [fixturePath(apps)]: renamedApps, [fixturePath(helper)]: renamedHelper }), []);
      await client.change(uriOf(helper), text[helper]!, 3);
      assert.deepEqual(await client.change(uriOf(apps), text[apps]!, 3), []);
    });
  });

  it("notifies burr/graphChanged when a document's graph changes", async () => {
    const changed = client.nextGraphChanged(cleanUri);
    const edited = clean.replace(`["safetyCheck", "aiResponse", when({ safe: true })],`, `["safetyCheck", "aiResponse", when({ safe: true })],\n    ["aiResponse", "aiResponse", when({ safe: false })],`);
    await client.change(cleanUri, edited, ++version);
    await changed;
    const { apps } = await client.request<GraphRequestResult>("burr/graph", { uri: cleanUri });
    assert.ok(apps[0]!.graph.transitions.some((t) => t.from === "aiResponse" && t.to === "aiResponse"));
    await client.change(cleanUri, clean, ++version);
  });

  it("names apps by their literal app id, else the function building them, else their variable", async () => {
    const uri = uriOf("app-names.ts");
    await client.open(uri, fixtureText("app-names.ts"));
    const { apps } = await client.request<GraphRequestResult>("burr/graph", { uri });
    assert.deepEqual(apps.map((a) => a.name), ["app", "support-bot", "makeCounter"]);
  });
});

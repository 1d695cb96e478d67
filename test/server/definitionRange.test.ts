// burr/definitionRange: the runtime records stack-frame points (it never reads
// the user's files); the language server widens each to the declaration around
// it. Real points from a real build of test/fixtures/definition-range/app.ts,
// widened in process by the analysis and once over LSP against dist/server.js.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import ts from "typescript";
import type { SourceRange } from "../../runtime/src/graph/model.js";
import { definitionRange } from "../../server/src/analysis/definitionRange.js";
import { DefinitionRangeRequestMethod, type DefinitionRangeParams, type DefinitionRangeResult } from "../../server/src/protocol.js";
import { build } from "../fixtures/definition-range/app.js";
import { ensureServerBuilt, LspClient } from "./support/client.js";

const file = join(__dirname, "../fixtures/definition-range/app.ts");
const text = readFileSync(file, "utf8");
const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);

/** The text a range covers. */
function cut(range: SourceRange | null): string | null {
  if (!range) return null;
  return text.slice(sf.getPositionOfLineAndCharacter(range.start.line, range.start.character), sf.getPositionOfLineAndCharacter(range.end.line, range.end.character));
}

/** The text between the fixture's /*<name>*\/ and /*</name>*\/ markers. */
function marked(name: string): string {
  const open = `/*<${name}>*/`;
  const start = text.indexOf(open);
  assert.ok(start >= 0, `marker ${name}`);
  return text.slice(start + open.length, text.indexOf(`/*</${name}>*/`));
}

describe("burr/definitionRange: a recorded point widened to its declaration", () => {
  const graph = build().graph;

  for (const name of ["count", "typedCount", "Plain", "Heritage", "decorated", "inline"]) {
    it(`action ${name}: from the runtime's point to the whole declaration`, () => {
      const action = graph.actions.find((a) => a.name === (name === "Plain" ? "plain" : name === "Heritage" ? "heritage" : name))!;
      const point = action.source!;
      assert.equal(point.file, file);
      assert.deepEqual(point.end, point.start, "the runtime records a point");
      assert.equal(cut(definitionRange(sf, file, point.start, { kind: "action" })), marked(name));
    });
  }

  it("transitions of one call share its point; each widens to its own tuple, a list of sources to the one tuple", () => {
    const points = new Set(graph.transitions.map((t) => JSON.stringify(t.source)));
    assert.equal(points.size, 1);
    for (const t of graph.transitions) {
      const expected = marked(t.from === "typedCount" || t.from === "plain" ? "many" : `${t.from}-${t.to}`);
      assert.equal(cut(definitionRange(sf, file, t.source!.start, { kind: "transition", from: t.from, to: t.to })), expected, `${t.from} -> ${t.to}`);
    }
  });

  it("a point on nothing that declares an action, or outside the file, is null", () => {
    assert.equal(definitionRange(sf, file, { line: 0, character: 0 }, { kind: "action" }), null);
    assert.equal(definitionRange(sf, file, { line: 10_000, character: 0 }, { kind: "action" }), null);
    assert.equal(definitionRange(sf, file, { line: -1, character: 3 }, { kind: "action" }), null);
  });

  describe("over LSP (dist/server.js)", function () {
    this.timeout(60_000);
    let client: LspClient;
    before(async () => {
      await ensureServerBuilt();
      client = await LspClient.start(join(__dirname, "../fixtures/definition-range"));
    });
    after(() => client?.stop());

    it("answers with the declaration, by point or by name, and null for an unknown name", async () => {
      const uri = pathToFileURL(file).href;
      const ask = (params: DefinitionRangeParams) => client.request<DefinitionRangeResult>(DefinitionRangeRequestMethod, params);
      const count = graph.actions.find((a) => a.name === "count")!.source!;
      const byPoint = await ask({ uri, position: count.start, target: { kind: "action", name: "count" } });
      assert.equal(cut(byPoint), marked("count"));
      assert.equal(byPoint?.file, uri);
      const transition = graph.transitions.find((t) => t.from === "heritage")!;
      assert.equal(cut(await ask({ uri, position: transition.source!.start, target: { kind: "transition", from: "heritage", to: "decorated" } })), marked("heritage-decorated"));
      // By name (a point inside the burr-ts package): from the declared name to the end of what it is bound to.
      assert.equal(cut(await ask({ uri, target: { kind: "action", name: "count" } }))?.replace("/*<count>*/", ""), `count = ${marked("count")}`);
      assert.equal(cut(await ask({ uri, target: { kind: "transition", from: "count", to: "typedCount" } })), marked("count-typedCount"));
      assert.equal(await ask({ uri, target: { kind: "action", name: "nowhere" } }), null);
    });
  });
});

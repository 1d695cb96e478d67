// The layer table of ARCHITECTURE.md, enforced: every import in runtime/,
// server/, extension/ and webview/ (read with the TypeScript parser) must be
// one the table allows, and no folder's imports may form a cycle. Rules are
// by folder, so a file moving inside its layer keeps its rules.
import assert from "node:assert/strict";
import { join } from "node:path";
import { cycles, importsOf, sourceFiles, type ImportEdge } from "./imports.js";

const root = join(__dirname, "../..");

interface PackageRule {
  name: string;
  /** Only files under these folders may import it (default: any file of the layer). */
  onlyFrom?: string[];
  /** Only as a type or through import()/require(), so loading the layer does not load it. */
  lazy?: true;
}

interface Layer {
  folder: string;
  /** Files of other layers it may import: a folder (ending in "/") or one file. Its own folder is always allowed. */
  files: string[];
  packages: PackageRule[];
  /** Node built-ins ("node:fs"). */
  node: boolean;
}

// ARCHITECTURE.md "Layers", one entry per row.
const LAYERS: Layer[] = [
  {
    folder: "runtime/",
    files: [],
    node: true,
    packages: [
      { name: "better-sqlite3", onlyFrom: ["runtime/src/persistence/"], lazy: true },
      { name: "pg", onlyFrom: ["runtime/src/persistence/"], lazy: true },
      { name: "@opentelemetry/api", onlyFrom: ["runtime/src/integrations/"] },
      { name: "bullmq", onlyFrom: ["runtime/src/bullmq/"], lazy: true },
      { name: "ioredis", onlyFrom: ["runtime/src/bullmq/"], lazy: true },
      { name: "ai", onlyFrom: ["runtime/src/models/"], lazy: true },
      { name: "@ai-sdk/provider", onlyFrom: ["runtime/src/models/"], lazy: true },
      { name: "openai", onlyFrom: ["runtime/src/models/"], lazy: true },
    ],
  },
  {
    folder: "server/",
    files: ["runtime/src/graph/", "runtime/src/conditions/"],
    node: true,
    packages: [
      { name: "typescript" },
      { name: "vscode-languageserver" },
      { name: "vscode-languageserver-protocol" },
      { name: "vscode-languageserver-textdocument" },
      { name: "vscode-jsonrpc" },
    ],
  },
  {
    folder: "extension/",
    files: [
      "server/src/protocol.ts",
      "webview/src/protocol/",
      "webview/src/shared/page.ts",
      "webview/src/shared/format.ts",
      // The table names tracking/index.ts and types.ts; annotations and datasets are read here too (by folder).
      "runtime/src/tracking/",
      "runtime/src/persistence/read/index.ts",
      "runtime/src/graph/model.ts",
      "runtime/src/graph/change.ts",
      "runtime/src/debug/protocol.ts",
      "runtime/src/conditions/",
      "runtime/src/state/serde/preview.ts",
      "runtime/src/testcase/",
    ],
    node: true,
    packages: [
      { name: "vscode" },
      { name: "vscode-languageclient" },
      { name: "vscode-languageserver-protocol" },
      { name: "vscode-jsonrpc" },
      { name: "@vscode/debugadapter" },
      { name: "@vscode/debugprotocol" },
      { name: "sql.js" },
      { name: "pg" },
    ],
  },
  {
    folder: "webview/",
    files: ["runtime/src/graph/model.ts", "runtime/src/state/serde/preview.ts"],
    node: false,
    packages: [{ name: "elkjs" }],
  },
  // A row of its own: the `burr-ts ui` page hosts the run views in a browser with the extension's pure run models.
  {
    folder: "webview/src/browser/",
    files: ["webview/", "extension/src/runs/views/", "extension/src/runs/stores/types.ts", "runtime/src/tracking/types.ts", "runtime/src/tracking/index.ts", "runtime/src/graph/model.ts", "runtime/src/state/serde/preview.ts"],
    node: false,
    packages: [],
  },
];

/** A file belongs to the layer with the longest folder that holds it. */
function layerOf(file: string): Layer | undefined {
  return LAYERS.filter((l) => file.startsWith(l.folder)).sort((a, b) => b.folder.length - a.folder.length)[0];
}

const packageName = (specifier: string) => (specifier.startsWith("@") ? specifier.split("/").slice(0, 2).join("/") : specifier.split("/")[0]!);

/** Why an import breaks its layer's rules, or null when the table allows it. */
function violation(layer: Layer, e: ImportEdge): string | null {
  if (e.to !== null) {
    if (e.to.startsWith(layer.folder)) return null;
    if (layer.files.some((f) => (f.endsWith("/") ? e.to!.startsWith(f) : e.to === f))) return null;
    return `${layer.folder} may not import ${e.to}`;
  }
  if (e.specifier.startsWith("node:")) return layer.node ? null : `${layer.folder} runs in a browser: no Node built-ins (${e.specifier})`;
  const rule = layer.packages.find((p) => p.name === packageName(e.specifier));
  if (!rule) return `${layer.folder} may not import the package "${e.specifier}"`;
  if (rule.onlyFrom && !rule.onlyFrom.some((f) => e.from.startsWith(f))) return `"${rule.name}" may be imported only under ${rule.onlyFrom.join(", ")}`;
  if (rule.lazy && e.kind === "static") return `"${rule.name}" must be loaded lazily (import type, import() or require), or every user of ${layer.folder} loads it`;
  return null;
}

describe("architecture: the layer table and no import cycles", function () {
  this.timeout(60_000);
  const edges = new Map(LAYERS.map((layer) => [layer, sourceFiles(root, layer.folder).flatMap((f) => importsOf(root, f)).filter((e) => layerOf(e.from) === layer)]));

  it("reads every layer's imports (the walk finds the files it guards)", () => {
    for (const [layer, found] of edges) {
      assert.ok(found.length > 10, `${layer.folder}: only ${found.length} imports found`);
    }
    // The parser sees every form: static, type-only and lazy.
    const runtime = edges.get(LAYERS[0]!)!;
    assert.ok(runtime.some((e) => e.kind === "type" && e.specifier === "better-sqlite3"));
    assert.ok(runtime.some((e) => e.kind === "dynamic" && e.specifier === "bullmq"));
  });

  for (const layer of LAYERS) {
    it(`${layer.folder} imports only what ARCHITECTURE.md's table allows`, () => {
      const problems: string[] = [];
      for (const e of edges.get(layer)!) {
        const why = violation(layer, e);
        if (why) problems.push(`${e.from}:${e.line} imports "${e.specifier}": ${why}`);
      }
      assert.deepEqual(problems, [], "fix the import, or change the table in ARCHITECTURE.md and LAYERS here together");
    });
  }

  for (const layer of LAYERS) {
    it(`${layer.folder} has no import cycles (type-only imports count)`, () => {
      const loops = cycles(edges.get(layer)!).map((loop) => loop.join(" -> "));
      assert.deepEqual(loops, [], "move the shared declaration to a module both sides can import");
    });
  }

  it("the rules catch what they forbid", () => {
    const edge = (from: string, specifier: string, to: string | null, kind: ImportEdge["kind"] = "static"): ImportEdge => ({ from, specifier, to, line: 1, kind });
    const [runtime, server, extension, webview] = LAYERS as [Layer, Layer, Layer, Layer];
    assert.match(violation(runtime, edge("runtime/src/a.ts", "vscode", null))!, /may not import the package "vscode"/);
    assert.match(violation(runtime, edge("runtime/src/a.ts", "../../server/src/x.js", "server/src/x.ts"))!, /may not import server/);
    assert.match(violation(runtime, edge("runtime/src/persistence/sqlite.ts", "better-sqlite3", null))!, /lazily/);
    assert.equal(violation(runtime, edge("runtime/src/persistence/sqlite.ts", "better-sqlite3", null, "type")), null);
    assert.match(violation(runtime, edge("runtime/src/application/x.ts", "pg", null, "dynamic"))!, /only under runtime\/src\/persistence/);
    assert.match(violation(server, edge("server/src/a.ts", "x", "runtime/src/application/application.ts"))!, /may not import runtime\/src\/application/);
    assert.match(violation(extension, edge("extension/src/a.ts", "x", "server/src/analysis/host.ts"))!, /may not import server\/src\/analysis/);
    assert.match(violation(webview, edge("webview/src/a.ts", "node:fs", null))!, /no Node built-ins/);
    assert.match(violation(webview, edge("webview/src/a.ts", "vscode", null))!, /may not import the package/);
    assert.deepEqual(
      cycles([edge("a.ts", "./b.js", "b.ts"), edge("b.ts", "./c.js", "c.ts", "type"), edge("c.ts", "./a.js", "a.ts"), edge("c.ts", "./d.js", "d.ts")]),
      [["a.ts", "b.ts", "c.ts", "a.ts"]],
    );
  });
});

// The language server's first scan walks what the user's workspace holds:
// not what files.exclude or a .gitignore (at any depth, with `!` re-includes
// and folder-only lines) leaves out, nor dependencies and build output.
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { globToRegExp, walkWorkspace } from "../../server/src/walk.js";

function workspace(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), "burr-walk-"));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

describe("language server: the workspace walk honours files.exclude and .gitignore", () => {
  let root: string;
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  const walk = (exclude: string[] = []) => {
    const warnings: string[] = [];
    const found = walkWorkspace([root], { exclude, maxFiles: 1000, warn: (m) => warnings.push(m) })
      .map((f) => relative(root, f).split("\\").join("/"))
      .sort();
    assert.deepEqual(warnings, []);
    return found;
  };

  it("follows .gitignore files at every depth, last line wins, ! re-includes, a trailing / means folders only", () => {
    root = workspace({
      ".gitignore": "# generated code\ngenerated/\n*.gen.ts\n!keep.gen.ts\n/top-only.ts\n",
      "src/app.ts": "",
      "src/a.gen.ts": "",
      "src/keep.gen.ts": "",
      "src/generated/x.ts": "",
      "src/top-only.ts": "",
      "top-only.ts": "",
      "generated.ts": "",
      "pkg/.gitignore": "fixtures\n",
      "pkg/fixtures/f.ts": "",
      "pkg/lib/fixtures/g.ts": "",
      "pkg/index.ts": "",
      "other/fixtures/h.ts": "",
      "node_modules/dep/index.js": "",
      "dist/out.js": "",
      "types.d.ts": "",
    });
    assert.deepEqual(walk(), ["generated.ts", "other/fixtures/h.ts", "pkg/index.ts", "src/app.ts", "src/keep.gen.ts", "src/top-only.ts"]);
  });

  it("leaves out what files.exclude globs match, relative to the root", () => {
    root = workspace({ "src/app.ts": "", "src/legacy/old.ts": "", "scripts/tool.mjs": "", "deep/a/b/snap.ts": "" });
    assert.deepEqual(walk(["**/legacy", "scripts/*.mjs", "**/{snap,other}.ts"]), ["src/app.ts"]);
  });

  it("globs: ** spans folders, * and ? stay within a name, {a,b} and [ab] choose", () => {
    assert.ok(globToRegExp("**/x").test("x") && globToRegExp("**/x").test("a/b/x"));
    assert.ok(!globToRegExp("*.ts").test("a/b.ts") && globToRegExp("*.ts").test("b.ts"));
    assert.ok(globToRegExp("a?.ts").test("ab.ts") && !globToRegExp("a?.ts").test("a/.ts"));
    assert.ok(globToRegExp("*.{ts,js}").test("x.js") && !globToRegExp("*.{ts,js}").test("x.md"));
    assert.ok(globToRegExp("[ab].ts").test("a.ts") && !globToRegExp("[!ab].ts").test("a.ts"));
    assert.ok(globToRegExp("a.b").test("a.b") && !globToRegExp("a.b").test("axb"));
  });
});

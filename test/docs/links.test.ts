// Every relative link in the docs (README.md, runtime/README.md, docs/*.md,
// CONTRIBUTING.md, bench/README.md) points at a file that exists, and every
// #anchor at a heading of its target, so moving a section cannot strand a link.
import assert from "node:assert/strict";
import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { anchors, docFiles, proseLines, REPO } from "./markdown.js";

// Written on other branches of the same release; they are linked ahead of the merge.
// Remove a name once its file is on main.
const LINK = /!?\[(?:[^\]`]|`[^`]*`)*\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g;

describe("docs: relative links resolve", () => {
  const files = [...docFiles(), "CONTRIBUTING.md", "bench/README.md"];
  const anchorCache = new Map<string, Set<string>>();
  const anchorsOf = (file: string) => {
    let set = anchorCache.get(file);
    if (!set) anchorCache.set(file, (set = anchors(readFileSync(join(REPO, file), "utf8"))));
    return set;
  };

  for (const file of files) {
    it(file, () => {
      const text = readFileSync(join(REPO, file), "utf8");
      const broken: string[] = [];
      for (const { line, text: prose } of proseLines(text)) {
        for (const m of prose.matchAll(LINK)) {
          const target = m[1];
          if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // https:, mailto: …
          const [path, anchor] = target.split("#") as [string, string | undefined];
          const resolved = path ? relative(REPO, join(REPO, dirname(file), decodeURIComponent(path))) : file;
          if (!existsSync(join(REPO, resolved))) {
            broken.push(`${file}:${line}: ${target} (no file ${resolved})`);
            continue;
          }
          if (anchor && resolved.endsWith(".md") && statSync(join(REPO, resolved)).isFile() && !anchorsOf(resolved).has(anchor)) {
            broken.push(`${file}:${line}: ${target} (no heading #${anchor} in ${resolved})`);
          }
        }
      }
      assert.deepEqual(broken, []);
    });
  }
});

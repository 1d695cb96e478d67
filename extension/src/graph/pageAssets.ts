// A view's built script and stylesheet (dist/webview), read once and put into
// its webview's HTML (pageHtml's `inline`): linked, each is fetched through the
// webview's service worker and the workbench, the slowest part of a panel's
// first page. Missing files fall back to links, which then report the problem.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { PageView } from "../../../webview/src/shared/page.js";

const files: Record<PageView, { script: string; style: string }> = {
  graph: { script: "graph.js", style: "graph.css" },
  runs: { script: "runs.js", style: "runs.css" },
};
const cache = new Map<string, { script: string; style: string } | null>();

/** The view's script and stylesheet text from `<extensionPath>/dist/webview`, or undefined when unreadable. */
export function inlineAssets(extensionPath: string, view: PageView): { script: string; style: string } | undefined {
  const key = `${extensionPath}\0${view}`;
  if (!cache.has(key)) {
    const dir = join(extensionPath, "dist", "webview");
    try {
      cache.set(key, { script: readFileSync(join(dir, files[view].script), "utf8"), style: readFileSync(join(dir, files[view].style), "utf8") });
    } catch {
      cache.set(key, null);
    }
  }
  return cache.get(key) ?? undefined;
}

// The pages and files of the runs UI. Three pages, all static text: the shell
// (runs tree + frames) and one frame page per webview bundle, the same
// dist/webview bundles the editor loads. Nothing from a run is ever put into
// HTML: data goes in by message. One strict CSP for every response.
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  // The graph's layout worker starts from a blob: URL made from our own fetched script.
  "worker-src blob:",
  "frame-src 'self'",
  "frame-ancestors 'self'",
  "base-uri 'none'",
  "form-action 'none'",
].join("; ");

/** Where the built bundles are: next to the compiled CLI in the package, else the repository's dist/webview. */
export function defaultAssetsDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [resolve(here, "../../webview"), resolve(here, "../../../../dist/webview")];
  return candidates.find((d) => existsSync(join(d, "shell.js"))) ?? candidates[0];
}

const head = (title: string, styles: string[]) => `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<meta name="referrer" content="no-referrer">
<link rel="icon" href="data:,">
${styles.map((s) => `<link rel="stylesheet" href="/assets/${s}">`).join("\n")}
<title>${title}</title>
</head>`;

export const PAGES: Readonly<Record<string, string>> = {
  "/": `${head("Burr runs", ["theme.css", "shell.css"])}
<body>
<div id="shell"><p class="muted">Loading…</p></div>
<script src="/assets/shell.js"></script>
</body>
</html>`,
  "/frames/runs.html": `${head("Burr run", ["theme.css", "runs.css"])}
<body>
<main id="app" aria-live="polite"><p class="muted">Select a step in the runs tree.</p></main>
<script src="/assets/frame.js"></script>
<script src="/assets/runs.js"></script>
</body>
</html>`,
  "/frames/graph.html": `${head("Burr graph", ["theme.css", "graph.css"])}
<body data-layout-worker="/assets/layoutWorker.js">
<div id="app"></div>
<script src="/assets/frame.js"></script>
<script src="/assets/graph.js"></script>
</body>
</html>`,
};

const TYPES: Record<string, string> = {
  js: "text/javascript; charset=utf-8",
  css: "text/css; charset=utf-8",
  map: "application/json; charset=utf-8",
  wasm: "application/wasm",
};

export interface Asset {
  body: Buffer;
  type: string;
}

/** One file of the assets directory by bare name; anything else (paths, dotfiles, other types) is not an asset. */
export function readAsset(dir: string, name: string): Asset | null {
  const m = /^[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*\.(js|css|map|wasm)$/.exec(name);
  if (!m) return null;
  try {
    return { body: readFileSync(join(dir, name)), type: TYPES[m[1]] };
  } catch {
    return null;
  }
}

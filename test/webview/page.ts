// Loads the built graph webview (dist/webview) in headless Chromium inside the
// very page the extension serves (pageHtml, same CSP), served over
// loopback HTTP, with `acquireVsCodeApi` stubbed to record what the view posts.
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { makeNonce, pageHtml } from "../../webview/src/shared/page.js";
import type { GraphToHostMessage, GraphViewModel, Highlight, HostToGraphMessage } from "../../webview/src/protocol/graph.js";

const root = join(__dirname, "../..");
export type Theme = "dark" | "light" | "high-contrast";
const bodyClass: Record<Theme, string> = { dark: "vscode-dark", light: "vscode-light", "high-contrast": "vscode-high-contrast" };
const types: Record<string, string> = { ".js": "text/javascript", ".css": "text/css", ".html": "text/html" };

/** Serves dist/webview/* and the test themes; the page itself is made per request. */
export async function serveWebview(): Promise<{ origin: string; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    const theme = (url.searchParams.get("theme") ?? "dark") as Theme;
    let body: string | Buffer;
    let type = "text/html";
    try {
      if (url.pathname === "/graph.html") {
        const first = url.searchParams.get("first");
        body = page(`http://${req.headers.host}`, theme, url.searchParams.has("inline"), first ? (JSON.parse(Buffer.from(first, "base64url").toString("utf8")) as unknown) : undefined);
      } else if (url.pathname.startsWith("/dist/webview/") || url.pathname.startsWith("/themes/")) {
        const path = url.pathname.startsWith("/themes/") ? join(root, "test/webview", url.pathname) : join(root, url.pathname);
        body = readFileSync(path);
        type = types[path.slice(path.lastIndexOf("."))] ?? "application/octet-stream";
      } else {
        res.writeHead(404).end();
        return;
      }
    } catch {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { "content-type": type }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { origin: `http://127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** `inline` and `initial` as the extension's panels make it (extension/src/graph/panel.ts). */
function page(origin: string, theme: Theme, inline: boolean, initial: unknown): string {
  const built = (file: string) => readFileSync(join(root, "dist/webview", file), "utf8");
  return pageHtml({
    view: "graph",
    cspSource: origin,
    nonce: makeNonce(),
    asset: (file) => `${origin}/dist/webview/${file}`,
    title: "Burr graph",
    extraStyles: [`${origin}/themes/${theme}.css`],
    bodyClass: bodyClass[theme],
    ...(inline ? { inline: { script: built("graph.js"), style: built("graph.css") } } : {}),
    initial,
  });
}

/** How the page is made: linked or inlined assets, and a first graph in the page itself. */
export interface PageMaking {
  inline?: boolean;
  first?: { model: GraphViewModel; highlight: Highlight | null };
  /** What VS Code's getState() returns: a page reloaded after its first life. */
  savedState?: unknown;
}

declare global {
  interface Window {
    __posted: GraphToHostMessage[];
    __cspViolations: string[];
    __vscodeState: unknown;
  }
}

export interface GraphPage {
  page: Page;
  posted(): Promise<GraphToHostMessage[]>;
  send(message: HostToGraphMessage): Promise<void>;
  /** Waits for the next `rendered` message after `since` messages were posted. */
  nextRendered(since: number): Promise<Extract<GraphToHostMessage, { type: "rendered" }>>;
}

export async function openGraphPage(browser: Browser, origin: string, theme: Theme = "dark", size = { width: 900, height: 640 }, making: PageMaking = {}): Promise<GraphPage> {
  const context = await browser.newContext({ viewport: size, deviceScaleFactor: 2 });
  const page = await context.newPage();
  // A string, not a function: tsx's transform would add helpers the page lacks.
  await page.addInitScript(`
    window.__posted = [];
    window.__cspViolations = [];
    document.addEventListener("securitypolicyviolation", (e) => window.__cspViolations.push(e.violatedDirective + " " + e.blockedURI));
    window.acquireVsCodeApi = () => ({
      postMessage: (m) => window.__posted.push(m),
      getState: () => window.__vscodeState,
      setState: (s) => { window.__vscodeState = s; },
    });
  `);
  if (making.savedState !== undefined) await page.addInitScript(`window.__vscodeState = ${JSON.stringify(making.savedState)};`);
  const errors: string[] = [];
  page.on("pageerror", (err) => errors.push(err.message));
  const query = new URLSearchParams({ theme });
  if (making.inline) query.set("inline", "1");
  if (making.first) query.set("first", Buffer.from(JSON.stringify(making.first)).toString("base64url"));
  await page.goto(`${origin}/graph.html?${query.toString()}`);
  await page.waitForFunction(() => window.__posted.some((m) => m.type === "ready"));
  const posted = () => page.evaluate(() => window.__posted);
  return {
    page,
    posted,
    send: (message) => page.evaluate((m) => window.postMessage(m, "*"), message),
    async nextRendered(since) {
      const handle = await page.waitForFunction(
        (n) => window.__posted.slice(n).find((m) => m.type === "rendered" || m.type === "error") ?? null,
        since,
      );
      const m = (await handle.jsonValue()) as GraphToHostMessage;
      if (m.type !== "rendered") throw new Error(`the view reported an error: ${JSON.stringify(m)} ${errors.join("; ")}`);
      return m;
    },
  };
}

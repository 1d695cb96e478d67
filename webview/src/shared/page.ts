// The one page every view is served in: the extension's webview panels and the
// `burr-ts ui` browser page build it here, so both get the same markup and the
// same strict CSP (only nonced scripts run; styles, images, fonts and fetches
// only from `cspSource`; the graph's layout worker from a blob: URL made from
// our own fetched script; no inline styles). Pure string building: no DOM,
// vscode or Node (the nonce uses Web Crypto, present in Node 20 and browsers).

/** Which view the page hosts; each has its own bundle and stylesheet in dist/webview. */
export type PageView = "graph" | "runs";

export interface PageOptions {
  view: PageView;
  /** The origin assets come from: webview.cspSource in VS Code, "'self'" on a served page. */
  cspSource: string;
  /** From makeNonce(), fresh per page. */
  nonce: string;
  /** The URL of a file in dist/webview (e.g. "runs.js"), as the page will fetch it. */
  asset: (file: string) => string;
  title: string;
  /** Scripts (URLs) that run before the view's bundle, e.g. a browser shell installing its HostTransport. */
  preScripts?: string[];
  /** Stylesheets (URLs) after the view's own, e.g. a theme. */
  extraStyles?: string[];
  /** Classes on <body> (VS Code adds its theme class itself). */
  bodyClass?: string;
  /** Extra origins fetch/EventSource may reach, beyond cspSource. */
  connectSrc?: string[];
  /**
   * The view's own script and stylesheet text, put into the page instead of
   * linked: a VS Code webview fetches each linked file through its service
   * worker and the workbench (0.5–1.3 s for the two on a busy 2-core machine).
   */
  inline?: { script: string; style: string };
  /** Data the view reads at start, before any message (a graph panel's first graph), as JSON in the page. */
  initial?: unknown;
}

interface ViewPage {
  script: string;
  style: string;
  /** The view's container and what it shows until its first message. */
  app: string;
  worker: boolean;
}

const views: Record<PageView, ViewPage> = {
  graph: { script: "graph.js", style: "graph.css", app: '<div id="app"></div>', worker: true },
  runs: { script: "runs.js", style: "runs.css", app: '<main id="app" aria-live="polite"><p class="muted">Loading step…</p></main>', worker: false },
};

/** The page's Content-Security-Policy. */
export function pageCsp(o: Pick<PageOptions, "view" | "cspSource" | "nonce" | "connectSrc" | "inline">): string {
  const v = views[o.view];
  return [
    "default-src 'none'",
    // An inlined stylesheet is a nonced <style>, as scripts are nonced.
    `style-src ${o.cspSource}${o.inline ? ` 'nonce-${o.nonce}'` : ""}`,
    `font-src ${o.cspSource}`,
    `img-src ${o.cspSource} data:`,
    `script-src 'nonce-${o.nonce}'`,
    `connect-src ${[o.cspSource, ...(o.connectSrc ?? [])].join(" ")}`,
    ...(v.worker ? ["worker-src blob:"] : []),
  ].join("; ");
}

export function pageHtml(o: PageOptions): string {
  const v = views[o.view];
  const nonce = attr(o.nonce);
  const link = (href: string) => `<link rel="stylesheet" href="${attr(href)}">`;
  const source = (src: string) => `<script nonce="${nonce}" src="${attr(src)}"></script>`;
  const styles = [
    o.inline ? `<style nonce="${nonce}">${o.inline.style.replace(/<\/style/gi, "<\\/style")}</style>` : link(o.asset(v.style)),
    ...(o.extraStyles ?? []).map(link),
  ];
  const scripts = [
    ...(o.initial !== undefined ? [`<script type="application/json" id="${INITIAL_ID}">${jsonInHtml(o.initial)}</script>`] : []),
    ...(o.preScripts ?? []).map(source),
    o.inline ? `<script nonce="${nonce}">${o.inline.script.replace(/<\/script/gi, "<\\/script")}</script>` : source(o.asset(v.script)),
  ];
  const bodyAttrs = [
    o.bodyClass ? ` class="${attr(o.bodyClass)}"` : "",
    v.worker ? ` data-layout-worker="${attr(o.asset("layoutWorker.js"))}"` : "",
  ].join("");
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${attr(pageCsp(o))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
${styles.join("\n")}
<title>${text(o.title)}</title>
</head>
<body${bodyAttrs}>
${v.app}
${scripts.join("\n")}
</body>
</html>`;
}

/** The id of the element holding PageOptions.initial. */
export const INITIAL_ID = "burr-initial";

/** JSON that cannot end its <script> element or open a comment: every `<` is escaped. */
function jsonInHtml(value: unknown): string {
  return JSON.stringify(value).replace(/</g, "\\u003c");
}

/** PageOptions.initial, read by the view's script (undefined when the page has none or it is unreadable). */
export function readInitial(doc: { getElementById(id: string): { textContent: string | null } | null }): unknown {
  const text = doc.getElementById(INITIAL_ID)?.textContent;
  if (!text) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** 128 bits from the platform's CSPRNG, base64, as CSP nonces should be. */
export function makeNonce(): string {
  const bytes = new Uint8Array(16);
  globalThis.crypto.getRandomValues(bytes);
  return btoa(String.fromCharCode(...bytes));
}

/** Escapes a value for a double-quoted HTML attribute. */
export function attr(value: string): string {
  return value.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** Escapes text for an element's content. */
export function text(value: string): string {
  return value.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

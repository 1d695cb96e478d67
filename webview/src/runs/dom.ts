// Tiny DOM helpers. Every string from a run goes in as text (textContent or
// text nodes), never as HTML.

export function el<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text !== undefined) e.textContent = text;
  return e;
}

export function append(parent: Element, ...children: (Node | string | null | undefined | false)[]): Element {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    parent.append(typeof c === "string" ? document.createTextNode(c) : c);
  }
  return parent;
}

/** Text with each case-insensitive occurrence of `query` wrapped in <mark>. */
export function highlighted(text: string, query: string): DocumentFragment {
  const frag = document.createDocumentFragment();
  if (!query) {
    frag.append(document.createTextNode(text));
    return frag;
  }
  const lower = text.toLowerCase();
  let at = 0;
  for (let i = lower.indexOf(query); i >= 0; i = lower.indexOf(query, at)) {
    if (i > at) frag.append(document.createTextNode(text.slice(at, i)));
    frag.append(el("mark", undefined, text.slice(i, i + query.length)));
    at = i + query.length;
  }
  if (at < text.length) frag.append(document.createTextNode(text.slice(at)));
  return frag;
}

export function section(title: string, className = ""): { root: HTMLElement; body: HTMLElement; head: HTMLElement } {
  const root = el("section", `card ${className}`.trim());
  const head = el("header", "card-head");
  head.append(el("h2", undefined, title));
  const body = el("div", "card-body");
  root.append(head, body);
  return { root, body, head };
}

export function formatMs(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms)) return "–";
  // burr-ts writes times in whole milliseconds: zero means "under one".
  if (ms === 0) return "< 1 ms";
  if (ms < 1) return `${(ms * 1000).toFixed(0)} µs`;
  if (ms < 1000) return `${ms < 10 ? ms.toFixed(1) : Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(2)} s`;
}

// DOM helpers for every view (graph, run view). They only ever put user text
// into the page as text nodes: names, conditions, state and annotations come
// from user code or users, so markup is never built from them.
export const SVG_NS = "http://www.w3.org/2000/svg";

export type Attrs = Record<string, string | number | undefined>;

export function svgEl<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Attrs = {}, parent?: Element): SVGElementTagNameMap[K] {
  const el = document.createElementNS(SVG_NS, tag);
  setAttrs(el, attrs);
  parent?.appendChild(el);
  return el;
}

export function htmlEl<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, parent?: Element): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  setAttrs(el, attrs);
  parent?.appendChild(el);
  return el;
}

export function setAttrs(el: Element, attrs: Attrs): void {
  for (const [name, value] of Object.entries(attrs)) {
    if (value !== undefined) el.setAttribute(name, String(value));
  }
}

/** An SVG <text> (or any element) whose content is `text`, as a text node. */
export function withText<E extends Element>(el: E, text: string): E {
  el.textContent = text;
  return el;
}

/** A hover tooltip for an SVG element (an SVG <title>, set as text). */
export function svgTitle(parent: SVGElement, text: string): void {
  withText(svgEl("title", {}, parent), text);
}

export function clear(el: Element): void {
  while (el.firstChild) el.removeChild(el.firstChild);
}

/** An HTML element with an optional class and text content (set as text). */
export function el<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text !== undefined) e.textContent = text;
  return e;
}

/** Appends nodes and strings (as text nodes); skips null, undefined and false. */
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

/** A card: a titled section with a header (for controls) and a body. */
export function section(title: string, className = ""): { root: HTMLElement; body: HTMLElement; head: HTMLElement } {
  const root = el("section", `card ${className}`.trim());
  const head = el("header", "card-head");
  head.append(el("h2", undefined, title));
  const body = el("div", "card-body");
  root.append(head, body);
  return { root, body, head };
}

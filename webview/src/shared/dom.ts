// DOM helpers that only ever put user text into the page as text nodes. Names,
// conditions and messages come from user code: never build markup from them.
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

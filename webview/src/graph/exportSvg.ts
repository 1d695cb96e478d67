// A standalone SVG of the current drawing: the theme's colours and fonts are
// resolved and written onto each element, since the CSS variables they come
// from exist only inside VS Code. XMLSerializer escapes every text node.
const STYLE_PROPS = [
  "fill", "fill-opacity", "stroke", "stroke-width", "stroke-dasharray", "stroke-opacity", "opacity",
  "font-family", "font-size", "font-weight", "font-style", "visibility",
] as const;

export function exportSvg(svg: SVGSVGElement, content: SVGGElement, bounds: { x: number; y: number; width: number; height: number }): string {
  const margin = 16;
  const out = svg.cloneNode(false) as SVGSVGElement;
  out.removeAttribute("id");
  out.removeAttribute("class");
  out.setAttribute("xmlns", "http://www.w3.org/2000/svg");
  out.setAttribute("width", String(Math.ceil(bounds.width + 2 * margin)));
  out.setAttribute("height", String(Math.ceil(bounds.height + 2 * margin)));
  out.setAttribute("viewBox", `${bounds.x - margin} ${bounds.y - margin} ${bounds.width + 2 * margin} ${bounds.height + 2 * margin}`);

  const background = document.createElementNS("http://www.w3.org/2000/svg", "rect");
  const area = { x: bounds.x - margin, y: bounds.y - margin, width: bounds.width + 2 * margin, height: bounds.height + 2 * margin };
  for (const [k, v] of Object.entries(area)) background.setAttribute(k, String(v));
  background.setAttribute("fill", getComputedStyle(document.body).backgroundColor);
  out.appendChild(background);

  const defs = svg.querySelector("defs");
  if (defs) out.appendChild(inlined(defs));
  const drawing = inlined(content);
  drawing.removeAttribute("transform");
  out.appendChild(drawing);
  return new XMLSerializer().serializeToString(out);
}

/** Deep clone with computed presentation styles copied onto attributes. */
function inlined<E extends Element>(source: E): E {
  const copy = source.cloneNode(true) as E;
  const from = [source, ...source.querySelectorAll("*")];
  const to = [copy, ...copy.querySelectorAll("*")];
  from.forEach((el, i) => {
    const target = to[i];
    target.removeAttribute("tabindex");
    target.removeAttribute("role");
    if (!(el instanceof SVGElement) || el instanceof SVGTitleElement) return;
    const style = getComputedStyle(el);
    for (const prop of STYLE_PROPS) {
      const value = style.getPropertyValue(prop);
      if (value) target.setAttribute(prop, value);
    }
  });
  return copy;
}

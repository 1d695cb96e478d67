// The page around the drawing: toolbar, the SVG root with its arrow markers,
// the problem list and a status line. Built with DOM calls; no user text here
// except through textContent.
import { htmlEl, svgEl, withText } from "../shared/dom.js";

export interface Chrome {
  title: HTMLElement;
  svg: SVGSVGElement;
  /** Holds the transform (zoom and pan). */
  viewport: SVGGElement;
  drawing: SVGGElement;
  badges: SVGGElement;
  problems: HTMLElement;
  status: HTMLElement;
  buttons: { zoomIn: HTMLButtonElement; zoomOut: HTMLButtonElement; fit: HTMLButtonElement; tidy: HTMLButtonElement };
}

export function buildChrome(root: HTMLElement): Chrome {
  const toolbar = htmlEl("div", { id: "toolbar", role: "toolbar" }, root);
  const title = htmlEl("span", { id: "title" }, toolbar);
  const tools = htmlEl("span", { class: "tools" }, toolbar);
  const button = (id: string, text: string, label: string): HTMLButtonElement =>
    withText(htmlEl("button", { id, title: label, "aria-label": label, type: "button" }, tools), text);
  const buttons = {
    zoomOut: button("zoom-out", "−", "Zoom out (-)"),
    zoomIn: button("zoom-in", "+", "Zoom in (+)"),
    fit: button("fit", "Fit", "Fit the graph to the view (0)"),
    tidy: button("tidy", "Tidy", "Lay the graph out afresh"),
  };

  const svg = svgEl("svg", { id: "graph", role: "img", "aria-label": "application graph" }, root);
  const defs = svgEl("defs", {}, svg);
  // One arrowhead per edge state, sized in drawing units so thick edges keep small heads.
  for (const id of ["arrow", "arrow-entry", "arrow-taken", "arrow-error", "arrow-warning"]) {
    const marker = svgEl("marker", { id, class: `arrow ${id}`, viewBox: "0 0 10 10", refX: 9, refY: 5, markerWidth: 9, markerHeight: 9, orient: "auto-start-reverse", markerUnits: "userSpaceOnUse" }, defs);
    svgEl("path", { d: "M0,1 L10,5 L0,9 z" }, marker);
  }
  const viewport = svgEl("g", { id: "viewport" }, svg);
  const drawing = svgEl("g", { id: "drawing" }, viewport);
  const badges = svgEl("g", { id: "badges" }, viewport);

  const problems = htmlEl("ul", { id: "problems", "aria-label": "problems" }, root);
  const status = htmlEl("div", { id: "status", role: "status" }, root);
  return { title, svg, viewport, drawing, badges, problems, status, buttons };
}

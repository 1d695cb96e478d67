// Paints a debugger's or a tracked run's progress over a drawn graph: the
// current action, the actions visited, how often each transition was taken, and
// how many annotations the run's steps of each action carry.
import type { Highlight } from "../protocol/graph.js";
import { svgEl, svgTitle, withText } from "../shared/dom.js";
import type { DrawnGraph } from "./render.js";
import { ENTRY_EDGE_ID } from "./scene.js";

export function applyHighlight(drawn: DrawnGraph, badgeLayer: SVGGElement, highlight: Highlight | null): void {
  badgeLayer.replaceChildren();
  const current = highlight?.current ?? null;
  const visits = new Map<string, number>();
  for (const name of highlight?.visited ?? []) visits.set(name, (visits.get(name) ?? 0) + 1);
  const counts = highlight?.edgeCounts ?? {};
  const anyProgress = current !== null || visits.size > 0;

  for (const { node, el } of drawn.nodes.values()) {
    const isCurrent = node.kind === "action" && node.name === current;
    el.classList.toggle("current", isCurrent);
    el.classList.toggle("visited", node.kind === "action" && visits.has(node.name));
    el.classList.toggle("dimmed", anyProgress && node.kind === "action" && !isCurrent && !visits.has(node.name));
    if (isCurrent) el.setAttribute("aria-current", "step");
    else el.removeAttribute("aria-current");
    el.querySelector(":scope > .annot-badge")?.remove();
    const notes = node.kind === "action" ? highlight?.annotated?.[node.name] ?? 0 : 0;
    el.classList.toggle("annotated", notes > 0);
    if (notes > 0) drawAnnotated(el, notes);
  }
  for (const [id, { edge, el, badge }] of drawn.edges) {
    const count = id === ENTRY_EDGE_ID ? (anyProgress ? 1 : 0) : (counts[`${edge.from}->${edge.to}`] ?? 0);
    el.classList.toggle("taken", count > 0);
    const line = el.querySelector(".edge-line");
    const marker = count > 0 ? "arrow-taken" : line?.getAttribute("data-marker") ?? "arrow";
    line?.setAttribute("marker-end", `url(#${marker})`);
    el.classList.toggle("dimmed", anyProgress && count === 0);
    if (count > 0 && id !== ENTRY_EDGE_ID) drawCount(badgeLayer, id, badge.x, badge.y, count);
  }
}

function drawCount(parent: SVGGElement, edgeId: string, x: number, y: number, count: number): void {
  const text = `×${count}`;
  const width = 10 + text.length * 7;
  const g = svgEl("g", { class: "edge-count", "data-edge-id": edgeId, transform: `translate(${x},${y})` }, parent);
  svgEl("rect", { width, height: 18, rx: 9 }, g);
  withText(svgEl("text", { x: width / 2, y: 13, "text-anchor": "middle" }, g), text);
}

/** "✎ n" on the node's top edge; its tooltip says what it counts. */
function drawAnnotated(node: SVGGElement, count: number): void {
  const text = `✎ ${count}`;
  const width = 12 + text.length * 7;
  // Top-left: edges mostly meet a node near its middle, and the problem badge sits top-right.
  const g = svgEl("g", { class: "annot-badge", transform: "translate(14,-9)" }, node);
  svgEl("rect", { width, height: 18, rx: 9 }, g);
  withText(svgEl("text", { x: width / 2, y: 13, "text-anchor": "middle" }, g), text);
  svgTitle(g, `${count} annotation${count === 1 ? "" : "s"} on this action's steps in this run`);
}

// Draws a laid-out scene as SVG. Every user string goes in as text (withText,
// svgTitle); nothing here parses markup.
import type { LayoutResult, Point } from "../layout/types.js";
import { clear, svgEl, svgTitle, withText } from "../shared/dom.js";
import type { Scene, SceneEdge, SceneNode } from "./scene.js";

export interface DrawnGraph {
  nodes: Map<string, { node: SceneNode; el: SVGGElement }>;
  /** `badge`: where a count badge's top-left corner goes (on the label's corner, or beside the line). */
  edges: Map<string, { edge: SceneEdge; el: SVGGElement; label: SVGGElement | null; badge: Point }>;
  bounds: { x: number; y: number; width: number; height: number };
}

export function render(layer: SVGGElement, scene: Scene, layout: LayoutResult): DrawnGraph {
  clear(layer);
  const edgeLayer = svgEl("g", { class: "edges" }, layer);
  const nodeLayer = svgEl("g", { class: "nodes" }, layer);
  const labelLayer = svgEl("g", { class: "labels" }, layer);
  const drawn: DrawnGraph = { nodes: new Map(), edges: new Map(), bounds: { x: 0, y: 0, width: 0, height: 0 } };
  const box = new Bounds();

  for (const edge of scene.edges) {
    const geometry = layout.edges[edge.id];
    if (!geometry || geometry.points.length < 2) continue;
    geometry.points.forEach((p) => box.add(p.x, p.y));
    const el = drawEdge(edgeLayer, edge, geometry.points);
    let label: SVGGElement | null = null;
    const mid = midpoint(geometry.points);
    let badge = { x: mid.x + 6, y: mid.y - 9 };
    if (geometry.label && edge.label) {
      const l = geometry.label;
      box.add(l.x, l.y);
      box.add(l.x + l.width, l.y + l.height);
      label = drawLabel(labelLayer, edge, l.x, l.y, l.width, l.height);
      badge = { x: l.x + l.width - 12, y: l.y - 11 };
    }
    drawn.edges.set(edge.id, { edge, el, label, badge });
  }
  for (const node of scene.nodes) {
    const b = layout.nodes[node.id];
    if (!b) continue;
    box.add(b.x, b.y);
    box.add(b.x + b.width, b.y + b.height);
    drawn.nodes.set(node.id, { node, el: drawNode(nodeLayer, node, b.x, b.y) });
  }
  drawn.bounds = box.rect();
  return drawn;
}

function drawNode(parent: SVGGElement, node: SceneNode, x: number, y: number): SVGGElement {
  const classes = ["node", node.kind];
  if (node.isEntrypoint) classes.push("entrypoint");
  if (node.isTerminal) classes.push("terminal");
  if (node.action?.streaming) classes.push("streaming");
  if (node.captureLine) classes.push("captures-errors");
  if (node.problems.some((p) => p.severity === "error")) classes.push("has-error");
  else if (node.problems.length > 0) classes.push("has-warning");
  const g = svgEl("g", { class: classes.join(" "), transform: `translate(${x},${y})`, "data-node-id": node.id }, parent);

  if (node.kind === "entry") {
    svgEl("circle", { class: "entry-dot", cx: node.width / 2, cy: node.height / 2, r: node.width / 2 - 1 }, g);
    svgTitle(g, "entrypoint");
    return g;
  }
  g.dataset.action = node.name;
  g.setAttribute("tabindex", "0");
  g.setAttribute("role", "button");
  g.setAttribute("aria-label", node.kind === "unknown" ? `${node.name}: ${unknownNote(node)}` : `action ${node.name}`);
  svgEl("rect", { class: "node-box", width: node.width, height: node.height, rx: 7 }, g);
  if (node.isTerminal) svgEl("rect", { class: "node-inner", x: 3, y: 3, width: node.width - 6, height: node.height - 6, rx: 5 }, g);
  if (node.isEntrypoint) svgEl("rect", { class: "entry-bar", x: 0, y: 8, width: 3, height: node.height - 16, rx: 1.5 }, g);

  withText(svgEl("text", { class: "node-title", x: 14, y: 19 }, g), node.name);
  withText(svgEl("text", { class: "node-subtitle", x: 14, y: 35 }, g), node.subtitle);
  if (node.captureLine && node.action?.capturesErrorsAs !== undefined) {
    // The title beside the text, not in it, so the line's text is the line alone.
    const line = svgEl("g", { class: "node-capture-line" }, g);
    withText(svgEl("text", { class: "node-capture", x: 14, y: 50 }, line), node.captureLine);
    svgTitle(line, captureNote(node.action.capturesErrorsAs));
  }
  if (node.action?.streaming) {
    const tag = withText(svgEl("text", { class: "node-tag streaming-tag", x: node.width - 10, y: 19, "text-anchor": "end" }, g), "≋");
    svgTitle(tag, "streaming action");
  }
  if (node.problems.length > 0) {
    const badge = svgEl("g", { class: "node-badge", transform: `translate(${node.width - 2},2)` }, g);
    svgEl("circle", { r: 8 }, badge);
    withText(svgEl("text", { y: 4, "text-anchor": "middle" }, badge), String(node.problems.length));
  }
  svgTitle(g, tooltip(node));
  return g;
}

/** An unknown name flagged only by warnings may be declared where the analysis cannot see. */
export function unknownNote(node: SceneNode): string {
  const maybe = node.problems.length > 0 && node.problems.every((p) => p.severity === "warning");
  return maybe ? "no action of this name in sight; it may be added where the analysis cannot see" : "not an action of this app";
}

function tooltip(node: SceneNode): string {
  const lines = [node.kind === "unknown" ? `${node.name} (${unknownNote(node)})` : node.name];
  const a = node.action;
  if (a) {
    const marks = [node.isEntrypoint && "entrypoint", a.streaming && "streaming", node.isTerminal && "terminal"].filter(Boolean);
    if (marks.length) lines.push(marks.join(", "));
    lines.push(`reads: ${a.reads.join(", ") || "—"}`, `writes: ${a.writes.join(", ") || "—"}`);
    const inputs = [...a.inputs, ...a.optionalInputs.map((i) => `${i}?`)];
    if (inputs.length) lines.push(`inputs: ${inputs.join(", ")}`);
    if (a.capturesErrorsAs !== undefined) lines.push(captureNote(a.capturesErrorsAs));
  }
  for (const p of node.problems) lines.push(`${p.severity === "error" ? "✖" : "⚠"} ${p.message}`);
  return lines.join("\n");
}

function captureNote(key: string): string {
  return `errors → ${key}: onError: captureAs("${key}") writes what the action throws to "${key}" and the step completes`;
}

function drawEdge(parent: SVGGElement, edge: SceneEdge, points: Point[]): SVGGElement {
  const classes = ["edge"];
  if (edge.source.startsWith("s:")) classes.push("entry-edge");
  if (edge.problems.some((p) => p.severity === "error")) classes.push("has-error");
  else if (edge.problems.length) classes.push("has-warning");
  if (!edge.label) classes.push("default");
  // Many edges of one "*" tuple lead to the same handler: drawn lighter so the main flow reads first.
  if (edge.transition?.wildcard) classes.push("wildcard");
  const g = svgEl("g", { class: classes.join(" "), "data-edge-id": edge.id, "data-key": `${edge.from}->${edge.to}` }, parent);
  const d = roundedPath(points, 6);
  svgEl("path", { class: "edge-hit", d }, g);
  const marker = classes.includes("has-error") ? "arrow-error" : classes.includes("has-warning") ? "arrow-warning" : classes.includes("entry-edge") ? "arrow-entry" : "arrow";
  svgEl("path", { class: "edge-line", d, "marker-end": `url(#${marker})`, "data-marker": marker }, g);
  if (edge.transition) {
    const lines = [`${edge.from} → ${edge.to}`, `when: ${edge.transition.condition}`];
    if (edge.transition.wildcard) lines.push(WILDCARD_NOTE);
    for (const p of edge.problems) lines.push(`${p.severity === "error" ? "✖" : "⚠"} ${p.message}`);
    svgTitle(g, lines.join("\n"));
  }
  return g;
}

function drawLabel(parent: SVGGElement, edge: SceneEdge, x: number, y: number, width: number, height: number): SVGGElement {
  const wildcard = edge.transition?.wildcard === true;
  const g = svgEl("g", { class: wildcard ? "edge-label wildcard" : "edge-label", "data-edge-id": edge.id, transform: `translate(${x},${y})` }, parent);
  svgEl("rect", { width, height, rx: height / 2 }, g);
  withText(svgEl("text", { x: width / 2, y: height / 2 + 4, "text-anchor": "middle" }, g), edge.label);
  if (edge.transition) svgTitle(g, `when: ${edge.transition.condition}${wildcard ? `\n${WILDCARD_NOTE}` : ""}`);
  return g;
}

const WILDCARD_NOTE = 'from "*": one of the edges of a transition from every other action';

/** An orthogonal polyline with its corners rounded. */
export function roundedPath(points: Point[], radius: number): string {
  let d = `M${points[0].x},${points[0].y}`;
  for (let i = 1; i < points.length - 1; i++) {
    const [prev, corner, next] = [points[i - 1], points[i], points[i + 1]];
    const r = Math.min(radius, dist(prev, corner) / 2, dist(corner, next) / 2);
    const a = toward(corner, prev, r);
    const b = toward(corner, next, r);
    d += ` L${a.x},${a.y} Q${corner.x},${corner.y} ${b.x},${b.y}`;
  }
  const last = points[points.length - 1];
  return `${d} L${last.x},${last.y}`;
}

function dist(a: Point, b: Point): number {
  return Math.hypot(a.x - b.x, a.y - b.y);
}

function toward(from: Point, to: Point, length: number): Point {
  const d = dist(from, to) || 1;
  return { x: from.x + ((to.x - from.x) * length) / d, y: from.y + ((to.y - from.y) * length) / d };
}

/** The middle of the edge's longest straight run: where a count badge reads best. */
function midpoint(points: Point[]): Point {
  let best = { a: points[0], b: points[points.length - 1], length: -1 };
  for (let i = 0; i + 1 < points.length; i++) {
    const length = dist(points[i], points[i + 1]);
    if (length > best.length) best = { a: points[i], b: points[i + 1], length };
  }
  return { x: (best.a.x + best.b.x) / 2, y: (best.a.y + best.b.y) / 2 };
}

class Bounds {
  private x0 = Infinity;
  private y0 = Infinity;
  private x1 = -Infinity;
  private y1 = -Infinity;
  add(x: number, y: number): void {
    this.x0 = Math.min(this.x0, x);
    this.y0 = Math.min(this.y0, y);
    this.x1 = Math.max(this.x1, x);
    this.y1 = Math.max(this.y1, y);
  }
  rect(): DrawnGraph["bounds"] {
    if (this.x0 > this.x1) return { x: 0, y: 0, width: 0, height: 0 };
    return { x: this.x0, y: this.y0, width: this.x1 - this.x0, height: this.y1 - this.y0 };
  }
}

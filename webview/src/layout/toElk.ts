// Converts between our layout request/result and elkjs's graph format. Pure, so
// it is tested in Node and runs unchanged inside the worker.
import type { ElkExtendedEdge, ElkNode } from "elkjs/lib/elk-api.js";
import type { EdgeGeometry, LayoutRequest, LayoutResult, Point } from "./types.js";

const common: Record<string, string> = {
  "elk.algorithm": "layered",
  "elk.direction": "DOWN",
  "elk.edgeRouting": "ORTHOGONAL",
  "elk.spacing.nodeNode": "36",
  "elk.spacing.edgeNode": "18",
  "elk.spacing.edgeEdge": "12",
  "elk.spacing.edgeLabel": "4",
  "elk.layered.spacing.nodeNodeBetweenLayers": "48",
  "elk.layered.spacing.edgeNodeBetweenLayers": "18",
  "elk.layered.spacing.edgeEdgeBetweenLayers": "12",
  "elk.edgeLabels.placement": "CENTER",
  "elk.layered.edgeLabels.sideSelection": "SMART_DOWN",
  "elk.padding": "[top=16,left=16,bottom=16,right=16]",
};

// A fresh layout: the order nodes are given in (entry first, then breadth-first)
// decides which edges of a cycle point back up, so loops read top to bottom.
const fresh: Record<string, string> = {
  "elk.layered.cycleBreaking.strategy": "MODEL_ORDER",
  "elk.layered.considerModelOrder.strategy": "NODES_AND_EDGES",
  "elk.layered.nodePlacement.strategy": "BRANDES_KOEPF",
};

// Following an edit: every phase takes the previous positions as given, so the
// layers, the order inside them and the places of unchanged nodes survive.
const interactive: Record<string, string> = {
  "elk.layered.cycleBreaking.strategy": "INTERACTIVE",
  "elk.layered.layering.strategy": "INTERACTIVE",
  "elk.layered.crossingMinimization.strategy": "INTERACTIVE",
  "elk.layered.nodePlacement.strategy": "INTERACTIVE",
};

// Following an edit when keeping places reads worse: a fresh layout, but the
// nodes go in ordered by their previous places and elk must keep that order
// inside each layer, so no two existing nodes change sides.
// Cycles are broken depth first from the entry marker (the only source), not by
// that order: a node that had no way in before an edit may now be reached.
const ordered: Record<string, string> = {
  ...fresh,
  "elk.layered.cycleBreaking.strategy": "DEPTH_FIRST",
  "elk.layered.crossingMinimization.forceNodeModelOrder": "true",
};

/** fresh: first layout; interactive: keep places; ordered: relayout keeping the order of places. */
export type ElkMode = "fresh" | "interactive" | "ordered";

export function toElk(request: LayoutRequest, mode: ElkMode = request.interactive ? "interactive" : "fresh"): ElkNode {
  const nodes = mode === "ordered" ? byPlace(request.nodes) : request.nodes;
  return {
    id: "root",
    layoutOptions: { ...common, ...(mode === "interactive" ? interactive : mode === "ordered" ? ordered : fresh) },
    children: nodes.map((n) => ({
      id: n.id,
      width: n.width,
      height: n.height,
      ...(mode === "interactive" && n.hint ? { x: n.hint.x, y: n.hint.y } : {}),
      ...(n.first ? { layoutOptions: { "elk.layered.layering.layerConstraint": "FIRST" } } : {}),
    })),
    edges: request.edges.map((e) => ({
      id: e.id,
      sources: [e.source],
      targets: [e.target],
      labels: e.label ? [{ id: `${e.id}:label`, text: " ", layoutOptions: { "elk.edgeLabels.inline": "true" }, width: e.label.width, height: e.label.height }] : [],
    })),
  };
}

/** The entry marker first, then top to bottom, left to right by hint (a stable sort: unhinted keep their order). */
function byPlace(nodes: LayoutRequest["nodes"]): LayoutRequest["nodes"] {
  const key = (n: LayoutRequest["nodes"][number]) => (n.first ? -Infinity : n.hint ? n.hint.y : Infinity);
  return [...nodes].sort((a, b) => key(a) - key(b) || (a.hint && b.hint ? a.hint.x - b.hint.x : 0));
}

export function fromElk(root: ElkNode, layoutMs: number, mode: LayoutResult["mode"]): LayoutResult {
  const result: LayoutResult = { nodes: {}, edges: {}, width: root.width ?? 0, height: root.height ?? 0, layoutMs, mode };
  for (const child of root.children ?? []) {
    result.nodes[child.id] = { x: child.x ?? 0, y: child.y ?? 0, width: child.width ?? 0, height: child.height ?? 0 };
  }
  for (const edge of (root.edges ?? []) as ElkExtendedEdge[]) {
    result.edges[edge.id] = edgeGeometry(edge);
  }
  return result;
}

function edgeGeometry(edge: ElkExtendedEdge): EdgeGeometry {
  const points: Point[] = [];
  for (const section of edge.sections ?? []) {
    points.push(section.startPoint, ...(section.bendPoints ?? []), section.endPoint);
  }
  const label = edge.labels?.[0];
  const geometry: EdgeGeometry = { points: points.map(({ x, y }) => ({ x, y })) };
  if (label) geometry.label = { x: label.x ?? 0, y: label.y ?? 0, width: label.width ?? 0, height: label.height ?? 0 };
  return geometry;
}

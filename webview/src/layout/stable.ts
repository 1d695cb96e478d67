// Keeps the picture still while the user types. Three cases:
//  - same nodes (and sizes) and same edges: keep every position and route, only
//    the label texts change (no layout at all);
//  - otherwise, with a previous layout: an interactive elk layout seeded with the
//    previous positions (new nodes start next to a neighbour), then the result
//    is shifted so the nodes that existed before stay where they were;
//  - no previous layout (first graph, another app, "Tidy"): a fresh layout.
// Pure functions, tested in Node.
import type { Box, LayoutEdgeInput, LayoutNodeInput, LayoutRequest, LayoutResult, Point } from "./types.js";

export interface LayoutInput {
  nodes: LayoutNodeInput[];
  edges: LayoutEdgeInput[];
}

export type LayoutPlan =
  | { kind: "reuse"; result: LayoutResult }
  | { kind: "layout"; request: LayoutRequest; previous: LayoutResult | null };

export function planLayout(input: LayoutInput, previous: { input: LayoutInput; result: LayoutResult } | null): LayoutPlan {
  if (!previous) return { kind: "layout", request: { ...input, interactive: false }, previous: null };
  if (sameShape(input, previous.input)) return { kind: "reuse", result: relabel(previous.result, input) };
  const nodes = seedPositions(input, previous.result);
  const seeded = nodes.some((n) => n.hint);
  return { kind: "layout", request: { nodes, edges: input.edges, interactive: seeded }, previous: seeded ? previous.result : null };
}

/**
 * After a new layout: shift it so that as many nodes as possible sit exactly
 * where they were. The shift that the most nodes share wins; on a tie, the one
 * that keeps the node nearest the entry (first in `order`) still, since the
 * entry is where a reader starts.
 */
export function alignToPrevious(result: LayoutResult, previous: LayoutResult | null, order: string[] = Object.keys(result.nodes)): { result: LayoutResult; kept: number } {
  if (!previous) return { result, kept: 0 };
  const groups = new Map<string, { shift: Point; count: number; first: number }>();
  order.forEach((id, index) => {
    const box = result.nodes[id];
    const old = previous.nodes[id];
    if (!box || !old) return;
    const shift = { x: old.x - box.x, y: old.y - box.y };
    const key = `${Math.round(shift.x * 2)},${Math.round(shift.y * 2)}`;
    const group = groups.get(key);
    if (group) group.count++;
    else groups.set(key, { shift, count: 1, first: index });
  });
  let best: { shift: Point; count: number; first: number } | undefined;
  for (const g of groups.values()) {
    if (!best || g.count > best.count || (g.count === best.count && g.first < best.first)) best = g;
  }
  if (!best) return { result, kept: 0 };
  const moved = translate(result, best.shift);
  let kept = 0;
  for (const [id, box] of Object.entries(moved.nodes)) {
    const old = previous.nodes[id];
    if (old && Math.abs(old.x - box.x) < 1 && Math.abs(old.y - box.y) < 1) kept++;
  }
  return { result: moved, kept };
}

function sameShape(a: LayoutInput, b: LayoutInput): boolean {
  if (a.nodes.length !== b.nodes.length || a.edges.length !== b.edges.length) return false;
  const sizes = new Map(b.nodes.map((n) => [n.id, n]));
  for (const n of a.nodes) {
    const old = sizes.get(n.id);
    if (!old || old.width !== n.width || old.height !== n.height) return false;
  }
  const ends = new Map(b.edges.map((e) => [e.id, e]));
  for (const e of a.edges) {
    const old = ends.get(e.id);
    if (!old || old.source !== e.source || old.target !== e.target || !old.label !== !e.label) return false;
  }
  return true;
}

/** Same geometry; each label keeps its centre and takes its new size. */
function relabel(result: LayoutResult, input: LayoutInput): LayoutResult {
  const edges: LayoutResult["edges"] = {};
  for (const e of input.edges) {
    const old = result.edges[e.id];
    if (!old) continue;
    edges[e.id] = { points: old.points, ...(old.label && e.label ? { label: recentre(old.label, e.label) } : {}) };
  }
  return { ...result, edges, layoutMs: 0 };
}

function recentre(box: Box, size: { width: number; height: number }): Box {
  return { x: box.x + (box.width - size.width) / 2, y: box.y + (box.height - size.height) / 2, ...size };
}

function seedPositions(input: LayoutInput, previous: LayoutResult): LayoutNodeInput[] {
  const known = (id: string): Box | undefined => previous.nodes[id];
  const gap = 48;
  const bottom = Math.max(0, ...Object.values(previous.nodes).map((b) => b.y + b.height));
  return input.nodes.map((n) => {
    const old = known(n.id);
    if (old) return { ...n, hint: { x: old.x, y: old.y } };
    // A new node: just below a node that leads to it, else just above one it leads to.
    const from = input.edges.find((e) => e.target === n.id && known(e.source));
    const to = input.edges.find((e) => e.source === n.id && known(e.target));
    let hint: Point = { x: 0, y: bottom + gap };
    if (from) {
      const p = known(from.source)!;
      hint = { x: p.x, y: p.y + p.height + gap / 2 };
    } else if (to) {
      const s = known(to.target)!;
      hint = { x: s.x, y: s.y - gap / 2 };
    }
    return { ...n, hint };
  });
}

function translate(result: LayoutResult, by: Point): LayoutResult {
  const move = <P extends Point>(p: P): P => ({ ...p, x: p.x + by.x, y: p.y + by.y });
  const nodes: LayoutResult["nodes"] = {};
  for (const [id, box] of Object.entries(result.nodes)) nodes[id] = move(box);
  const edges: LayoutResult["edges"] = {};
  for (const [id, edge] of Object.entries(result.edges)) {
    edges[id] = { points: edge.points.map(move), ...(edge.label ? { label: move(edge.label) } : {}) };
  }
  return { ...result, nodes, edges };
}

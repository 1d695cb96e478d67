// A first picture while elkjs is still loading or laying out (the first graph
// of a panel): rows by distance from the entry, boxes side by side, straight
// edges. Replaced by the real layout as soon as it comes. Pure, O(n + e).
import type { LayoutInput } from "./stable.js";
import type { LayoutResult, Point } from "./types.js";

const GAP_X = 36;
const GAP_Y = 48;
const PAD = 16;

export function quickLayout(input: LayoutInput): LayoutResult {
  const depth = new Map<string, number>();
  const next = new Map<string, string[]>();
  for (const e of input.edges) next.set(e.source, [...(next.get(e.source) ?? []), e.target]);
  const queue = input.nodes.filter((n) => n.first).map((n) => n.id);
  if (queue.length === 0 && input.nodes[0]) queue.push(input.nodes[0].id);
  for (const id of queue) depth.set(id, 0);
  for (let i = 0; i < queue.length; i++) {
    const id = queue[i]!;
    for (const to of next.get(id) ?? []) {
      if (depth.has(to)) continue;
      depth.set(to, depth.get(id)! + 1);
      queue.push(to);
    }
  }
  const last = Math.max(0, ...depth.values()) + 1;
  const rows: string[][] = [];
  for (const n of input.nodes) (rows[depth.get(n.id) ?? last] ??= []).push(n.id);
  const size = new Map(input.nodes.map((n) => [n.id, n]));
  const result: LayoutResult = { nodes: {}, edges: {}, width: 0, height: 0, layoutMs: 0, mode: "fresh" };
  let y = PAD;
  for (const row of rows) {
    if (!row) continue;
    let x = PAD;
    let tallest = 0;
    for (const id of row) {
      const n = size.get(id)!;
      result.nodes[id] = { x, y, width: n.width, height: n.height };
      x += n.width + GAP_X;
      tallest = Math.max(tallest, n.height);
    }
    result.width = Math.max(result.width, x - GAP_X + PAD);
    y += tallest + GAP_Y;
  }
  result.height = y - GAP_Y + PAD;
  for (const e of input.edges) {
    const a = result.nodes[e.source];
    const b = result.nodes[e.target];
    if (!a || !b) continue;
    const down = b.y > a.y;
    const from: Point = { x: a.x + a.width / 2, y: down ? a.y + a.height : a.y };
    const to: Point = { x: b.x + b.width / 2, y: down ? b.y : b.y + b.height };
    const mid = { x: (from.x + to.x) / 2, y: (from.y + to.y) / 2 };
    result.edges[e.id] = { points: [from, to], ...(e.label ? { label: { x: mid.x - e.label.width / 2, y: mid.y - e.label.height / 2, ...e.label } } : {}) };
  }
  return result;
}

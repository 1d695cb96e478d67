// How readable a layout is, to decide whether a layout that keeps the previous
// places is still good enough or a fresh one should be taken. Pure.
import type { LayoutResult, Point } from "./types.js";

export interface LayoutScore {
  crossings: number;
  /** Edges drawn against the flow (target above source): loops need some, more is worse. */
  upward: number;
}

export function scoreLayout(result: LayoutResult): LayoutScore {
  const segments: Array<{ a: Point; b: Point; edge: string }> = [];
  let upward = 0;
  for (const [id, edge] of Object.entries(result.edges)) {
    const pts = edge.points;
    if (pts.length < 2) continue;
    if (pts[pts.length - 1].y < pts[0].y) upward++;
    for (let i = 0; i + 1 < pts.length; i++) segments.push({ a: pts[i], b: pts[i + 1], edge: id });
  }
  let crossings = 0;
  for (let i = 0; i < segments.length; i++) {
    for (let j = i + 1; j < segments.length; j++) {
      const s = segments[i];
      const t = segments[j];
      if (s.edge !== t.edge && properlyCross(s.a, s.b, t.a, t.b)) crossings++;
    }
  }
  return { crossings, upward };
}

/**
 * Keep the layout that preserves places unless it reads clearly worse than a
 * fresh one: more than one extra crossing, or an extra edge pointing upwards.
 */
export function keepsUp(kept: LayoutScore, fresh: LayoutScore): boolean {
  return kept.upward <= fresh.upward && kept.crossings <= fresh.crossings + 1;
}

function properlyCross(p1: Point, p2: Point, q1: Point, q2: Point): boolean {
  const d1 = orient(q1, q2, p1);
  const d2 = orient(q1, q2, p2);
  const d3 = orient(p1, p2, q1);
  const d4 = orient(p1, p2, q2);
  return d1 * d2 < 0 && d3 * d4 < 0;
}

function orient(a: Point, b: Point, c: Point): number {
  const v = (b.x - a.x) * (c.y - a.y) - (b.y - a.y) * (c.x - a.x);
  return Math.abs(v) < 1e-9 ? 0 : Math.sign(v);
}

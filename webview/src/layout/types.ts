// What the page asks the layout worker and what it gets back. Plain data: it
// crosses postMessage.

export interface Point {
  x: number;
  y: number;
}

export interface Box extends Point {
  width: number;
  height: number;
}

export interface LayoutNodeInput {
  id: string;
  width: number;
  height: number;
  /** A position hint (a previous layout's place): makes the layout interactive. */
  hint?: Point;
  /** Keep this node in the first layer (the entry marker). */
  first?: boolean;
}

export interface LayoutEdgeInput {
  id: string;
  source: string;
  target: string;
  /** Size of the label to leave room for; omitted for unlabelled edges. */
  label?: { width: number; height: number };
}

export interface LayoutRequest {
  nodes: LayoutNodeInput[];
  edges: LayoutEdgeInput[];
  /**
   * Use the hints (keep layers, order and places). The worker also makes a fresh
   * layout and returns that one instead when keeping places would read clearly worse.
   */
  interactive: boolean;
}

export interface EdgeGeometry {
  /** Polyline from the source's border to the target's border. */
  points: Point[];
  label?: Box;
}

export interface LayoutResult {
  nodes: Record<string, Box>;
  edges: Record<string, EdgeGeometry>;
  width: number;
  height: number;
  /** Time elkjs took, in the worker. */
  layoutMs: number;
  /** Which layout this is: a fresh one, or one that kept the previous places. */
  mode: "fresh" | "kept";
}

export type ToLayoutWorker = { id: number; request: LayoutRequest };
export type FromLayoutWorker = { id: number; result: LayoutResult } | { id: number; error: string };

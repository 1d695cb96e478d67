// What the layout worker does with a request, apart from the worker itself so
// Node tests run the very same choice. Following an edit, a layout never swaps
// the nodes that were already there: it keeps their places (elk's interactive
// phases), or, when that reads clearly worse, lays out afresh with their order
// forced (left to right, top to bottom, as they were).
import type { ElkNode } from "elkjs/lib/elk-api.js";
import { keepsUp, scoreLayout } from "./quality.js";
import { fromElk, toElk, type ElkMode } from "./toElk.js";
import type { LayoutRequest, LayoutResult } from "./types.js";

export interface Elk {
  layout(graph: ElkNode): Promise<ElkNode>;
}

/** Above this size a second layout costs too much; keeping places wins. */
const COMPARE_UP_TO_NODES = 120;

export async function runLayout(elk: Elk, request: LayoutRequest): Promise<LayoutResult> {
  const started = performance.now();
  const run = async (mode: ElkMode) => fromElk(await elk.layout(toElk(request, mode)), 0, mode === "fresh" ? "fresh" : "kept");
  if (!request.interactive) return { ...(await run("fresh")), layoutMs: performance.now() - started };
  const kept = await run("interactive");
  let chosen = kept;
  if (request.nodes.length <= COMPARE_UP_TO_NODES) {
    const ordered = await run("ordered");
    if (!keepsUp(scoreLayout(kept), scoreLayout(ordered))) chosen = ordered;
  }
  return { ...chosen, layoutMs: performance.now() - started };
}

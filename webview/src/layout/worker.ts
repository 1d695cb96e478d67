// The layout worker: runs elkjs off the page's thread. elk.bundled.js installs
// its own message handler when loaded in a worker; ours replaces it, and elk
// itself then runs in-thread here through its API.
import ELK from "elkjs/lib/elk.bundled.js";
import { keepsUp, scoreLayout } from "./quality.js";
import { fromElk, toElk } from "./toElk.js";
import type { FromLayoutWorker, LayoutRequest, LayoutResult, ToLayoutWorker } from "./types.js";

// The webview's lib is DOM; this is the little of a worker's global scope we use.
declare const self: {
  onmessage: ((event: MessageEvent<ToLayoutWorker>) => void) | null;
  postMessage(message: FromLayoutWorker): void;
};

const elk = new ELK();

self.onmessage = async (event: MessageEvent<ToLayoutWorker>) => {
  const { id, request } = event.data;
  let reply: FromLayoutWorker;
  try {
    reply = { id, result: await layout(request) };
  } catch (err) {
    reply = { id, error: err instanceof Error ? err.message : String(err) };
  }
  self.postMessage(reply);
};

/** Above this size a second (fresh) layout costs too much; keeping places wins. */
const COMPARE_UP_TO_NODES = 120;

async function layout(request: LayoutRequest): Promise<LayoutResult> {
  const started = performance.now();
  const run = async (interactive: boolean, mode: LayoutResult["mode"]) =>
    fromElk(await elk.layout(toElk({ ...request, interactive })), 0, mode);
  if (!request.interactive) return { ...(await run(false, "fresh")), layoutMs: performance.now() - started };
  const kept = await run(true, "kept");
  let chosen = kept;
  if (request.nodes.length <= COMPARE_UP_TO_NODES) {
    const fresh = await run(false, "fresh");
    if (!keepsUp(scoreLayout(kept), scoreLayout(fresh))) chosen = fresh;
  }
  return { ...chosen, layoutMs: performance.now() - started };
}

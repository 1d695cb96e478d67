// The layout worker: runs elkjs off the page's thread. elk.bundled.js installs
// its own message handler when loaded in a worker; ours replaces it, and elk
// itself then runs in-thread here through its API.
import ELK from "elkjs/lib/elk.bundled.js";
import { runLayout } from "./engine.js";
import type { FromLayoutWorker, ToLayoutWorker } from "./types.js";

// The webview's lib is DOM; this is the little of a worker's global scope we use.
declare const self: {
  onmessage: ((event: MessageEvent<ToLayoutWorker>) => void) | null;
  postMessage(message: FromLayoutWorker): void;
};

const elk = new ELK();
// elkjs's first layout pays for its own start-up (GWT statics, JIT); pay it while the page waits for its graph.
const warmed = elk
  .layout({ id: "warm", layoutOptions: { "elk.algorithm": "layered" }, children: [{ id: "a", width: 10, height: 10 }, { id: "b", width: 10, height: 10 }], edges: [{ id: "e", sources: ["a"], targets: ["b"] }] })
  .catch(() => undefined);

self.onmessage = async (event: MessageEvent<ToLayoutWorker>) => {
  const { id, request } = event.data;
  let reply: FromLayoutWorker;
  try {
    await warmed;
    reply = { id, result: await runLayout(elk, request) };
  } catch (err) {
    reply = { id, error: err instanceof Error ? err.message : String(err) };
  }
  self.postMessage(reply);
};

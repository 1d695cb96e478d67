// Entry of the graph webview: wires the page to the host. A panel's first
// graph is in the page itself and drawn at once; the host sends nothing else
// until this script says `ready`.
import type { GraphToHostMessage, GraphViewModel, Highlight, HostToGraphMessage } from "../protocol/graph.js";
import { LayoutClient } from "../layout/client.js";
import { hostChannel } from "../shared/vscodeApi.js";
import { readInitial } from "../shared/page.js";
import { editorFontFamily, textWidth, uiFontFamily } from "../shared/measure.js";
import { markLoad, markPage, takeMarks } from "../shared/timing.js";
import { buildChrome } from "./chrome.js";
import { GraphView, type SavedState } from "./view.js";

markPage("scriptStart");
const host = hostChannel<HostToGraphMessage, GraphToHostMessage, SavedState>("graph");
const root = document.getElementById("app") ?? document.body;
const workerUrl = document.body.dataset.layoutWorker;

function start(): void {
  const ui = buildChrome(root);
  if (!workerUrl) {
    ui.status.textContent = "The layout worker's address is missing from the page.";
    host.post({ type: "error", message: "missing data-layout-worker" });
    return;
  }
  const family = uiFontFamily();
  const mono = editorFontFamily();
  const metrics = {
    title: (t: string) => textWidth(t, `600 13px ${family}`),
    small: (t: string) => textWidth(t, `11px ${family}`),
    label: (t: string) => textWidth(t, `11px ${mono}`),
  };
  const layouts = new LayoutClient(workerUrl);
  layouts.warm(); // in parallel with `ready` → graph: elkjs is loaded by the time the graph comes
  const saved = host.getState();
  const view = new GraphView(ui, layouts, metrics, host.post, host.setState, saved);
  // The panel's first graph comes in the page: drawn now, not after `ready` → `graph`. A page reloaded
  // (saved state) may be older than the host's graph, which the host sends after `ready` instead.
  const first = saved ? undefined : (readInitial(document) as { model: GraphViewModel; highlight: Highlight | null } | undefined);
  if (first?.model) {
    markPage("graphReceived");
    void view.showGraph(first.model, first.highlight ?? null);
  }

  host.onMessage((message) => {
    switch (message.type) {
      case "graph":
        markPage("graphReceived");
        void view.showGraph(message.model, message.highlight);
        break;
      case "highlight":
        view.setHighlight(message.highlight);
        break;
      case "fit":
        view.fit();
        break;
      case "exportSvg":
        view.exportSvg(message.requestId);
        break;
      case "empty":
        view.showEmpty(message.reason);
        break;
      default:
        ignore(message);
    }
  });
  markLoad(["graph.js", "graph.css"]);
  host.post({ type: "ready", timing: takeMarks() });
}

start();

/** Compile-time exhaustiveness; at run time a message of another kind is not ours. */
function ignore(_message: never): void {}

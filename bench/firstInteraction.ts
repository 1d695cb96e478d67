// First interactions, as a user meets them: the graph panel's first drawing
// (a fresh page made as "Burr: Show Graph" and a run's "Open graph" make one:
// script inlined, first graph in the page),
// beside the same graph drawn again on a warm page; and the debugger's first
// stop with tsx's transform cache cold (a first launch) and warm.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { DebugClient } from "@vscode/debugadapter-testsupport";
import type { DebugProtocol } from "@vscode/debugprotocol";
import type { GraphViewModel, Highlight } from "../webview/src/protocol/graph.js";
import { launchChromium } from "../test/webview/browser.js";
import { chatbotGraph } from "../test/webview/fixtures.js";
import { openGraphPage, serveWebview } from "../test/webview/page.js";
import type { BenchFn, BenchRow } from "./types.js";

const RUNS = 5;
const root = join(__dirname, "..");
const adapter = join(root, "dist", "debugAdapter.js");
const program = join(root, "test", "fixtures", "debug", "counter.ts");
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const runPath: Highlight = {
  current: "aiResponse",
  visited: ["humanInput", "safetyCheck", "aiResponse"],
  edgeCounts: { "humanInput->safetyCheck": 2, "safetyCheck->aiResponse": 2, "aiResponse->humanInput": 1 },
};

async function graphFigures(highlight: Highlight | null): Promise<{ boxes: number[]; first: number[]; toReady: number[]; again: number[] }> {
  const server = await serveWebview();
  const browser = await launchChromium();
  const first: number[] = [];
  const boxes: number[] = [];
  const toReady: number[] = [];
  const again: number[] = [];
  try {
    for (let r = 0; r < RUNS; r++) {
      const model: GraphViewModel = { appKey: `bench#${r}`, title: "chatbot", graph: chatbotGraph(), problems: [] };
      const started = performance.now();
      // As the extension makes a panel's page: the bundle inlined and the first graph in it (no message needed).
      const view = await openGraphPage(browser, server.origin, "dark", { width: 1200, height: 800 }, { inline: true, first: { model, highlight } });
      toReady.push(performance.now() - started);
      // The first picture (the quick layout, or the real one if it came first), then elkjs's.
      await view.page.waitForFunction(() => document.querySelectorAll(".node.action").length > 0, undefined, { polling: "raf" });
      boxes.push(performance.now() - started);
      await view.nextRendered(0);
      first.push(performance.now() - started);
      const since = (await view.posted()).length;
      const redraw = performance.now();
      await view.send({ type: "graph", model: { ...model, appKey: `bench#${r}:again` }, highlight });
      await view.nextRendered(since);
      again.push(performance.now() - redraw);
      await view.page.context().close();
    }
  } finally {
    await browser.close();
    await server.close();
  }
  return { boxes, first, toReady, again };
}

/** Launch → first stop (stopOnEntry), in VS Code's order: the launch goes out before configurationDone. */
async function firstStop(env: Record<string, string>): Promise<number> {
  const dc = new DebugClient("node", adapter, "burr");
  dc.defaultTimeout = 60_000;
  await dc.start();
  try {
    await dc.initializeRequest({ adapterID: "burr", pathFormat: "path", linesStartAt1: true, columnsStartAt1: true });
    const stopped = dc.waitForEvent("stopped");
    const start = performance.now();
    const launched = dc.launchRequest({ program, stopOnEntry: true, env } as DebugProtocol.LaunchRequestArguments);
    await dc.setBreakpointsRequest({ source: { path: program }, breakpoints: [] });
    await dc.configurationDoneRequest();
    await launched;
    await stopped;
    return performance.now() - start;
  } finally {
    await dc.stop().catch(() => undefined);
  }
}

export const bench: BenchFn = async () => {
  if (!existsSync(adapter)) throw new Error(`${adapter} is missing: run node scripts/build.mjs`);
  const show = await graphFigures(null);
  const run = await graphFigures(runPath);
  const cold: number[] = [];
  const warm: number[] = [];
  for (let i = 0; i < RUNS; i++) cold.push(await firstStop({ COUNTER_LIMIT: "3", TSX_DISABLE_CACHE: "1" }));
  for (let i = 0; i < RUNS; i++) warm.push(await firstStop({ COUNTER_LIMIT: "3" }));
  const rows: BenchRow[] = [
    { subject: "Show Graph: fresh panel", figures: { "→ boxes shown ms": median(show.boxes), "→ final layout ms": median(show.first), "page → ready ms": median(show.toReady), "same graph, warm page ms": median(show.again) } },
    { subject: "run's graph (path painted): fresh panel", figures: { "→ boxes shown ms": median(run.boxes), "→ final layout ms": median(run.first), "page → ready ms": median(run.toReady), "same graph, warm page ms": median(run.again) } },
    { subject: "debug launch → first stop, tsx cache cold", figures: { "first stop ms": median(cold) } },
    { subject: "debug launch → first stop, tsx cache warm", figures: { "first stop ms": median(warm) } },
  ];
  const verdict = (ms: number) => `${Math.round(ms)} ms (target under 1 s): ${ms < 1000 ? "met" : "NOT met"}`;
  return {
    title: "first interactions",
    workload: `the chatbot's graph in the built webview (headless Chromium, a fresh page each time: page load, worker and elkjs warm-up, layout, drawing), and test/fixtures/debug/counter.ts through the built adapter over DAP; median of ${RUNS}`,
    rows,
    notes: [
      `Show Graph: boxes on screen ${verdict(median(show.boxes))}, final layout ${Math.round(median(show.first))} ms; a run's graph: boxes ${verdict(median(run.boxes))}, final ${Math.round(median(run.first))} ms`,
      `first stop ${verdict(median(cold))} with tsx's cache cold, ${verdict(median(warm))} warm`,
      "VS Code's own panel creation and the LSP round trip come on top of the webview figures; the load of the machine at the time is not subtracted",
    ],
  };
};

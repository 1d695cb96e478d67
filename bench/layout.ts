// Graph view layout: how long elkjs takes for a large app, measured where it
// really runs (the built webview's layout worker in headless Chromium), beside
// elkjs alone in Node with its default layered options on the same graph.
import ELK from "elkjs/lib/elk.bundled.js";
import type { GraphViewModel } from "../webview/src/protocol/graph.js";
import type { GraphModel } from "../runtime/src/graph/model.js";
import { launchChromium } from "../test/webview/browser.js";
import { openGraphPage, serveWebview } from "../test/webview/page.js";
import type { BenchFn, BenchRow } from "./types.js";

const SIZES = [100, 200];
const RUNS = 3;

/** A pipeline with branches, skips and retry loops: about two transitions per action. */
function appGraph(size: number): GraphModel {
  const actions = Array.from({ length: size }, (_, i) => ({ name: `step${i}`, reads: [`k${i}`], writes: [`k${i + 1}`], inputs: [], optionalInputs: [], streaming: false }));
  const transitions: GraphModel["transitions"] = [];
  for (let i = 0; i + 1 < size; i++) {
    transitions.push({ from: `step${i}`, to: `step${i + 1}`, condition: `k${i + 1} > ${i}` });
    if (i + 4 < size && i % 2 === 0) transitions.push({ from: `step${i}`, to: `step${i + 4}`, condition: `skip${i}` });
    if (i % 4 === 3) transitions.push({ from: `step${i}`, to: `step${Math.max(0, i - 6)}`, condition: "default" });
  }
  return { entrypoint: "step0", actions, transitions };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function inNode(graph: GraphModel): Promise<number> {
  const elk = new ELK();
  const times: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    const started = performance.now();
    await elk.layout({
      id: "root",
      layoutOptions: { "elk.algorithm": "layered" },
      children: graph.actions.map((a) => ({ id: a.name, width: 150, height: 46 })),
      edges: graph.transitions.map((t, i) => ({ id: `e${i}`, sources: [t.from], targets: [t.to], labels: t.condition === "default" ? [] : [{ text: t.condition, width: 70, height: 18 }] })),
    });
    times.push(performance.now() - started);
  }
  return median(times);
}

export const bench: BenchFn = async () => {
  const server = await serveWebview();
  const browser = await launchChromium();
  const rows: BenchRow[] = [];
  const notes: string[] = [];
  try {
    const view = await openGraphPage(browser, server.origin, "dark", { width: 1200, height: 800 });
    let key = 0;
    const draw = async (graph: GraphModel, appKey: string) => {
      const model: GraphViewModel = { appKey, title: appKey, graph, problems: [] };
      const since = (await view.posted()).length;
      const started = performance.now();
      await view.send({ type: "graph", model, highlight: null });
      const rendered = await view.nextRendered(since);
      return { layout: rendered.layoutMs, total: performance.now() - started, edges: rendered.edges };
    };
    await draw(appGraph(10), "warm-up"); // loads the worker and elkjs once
    for (const size of SIZES) {
      const graph = appGraph(size);
      const fresh: Array<{ layout: number; total: number; edges: number }> = [];
      for (let r = 0; r < RUNS; r++) fresh.push(await draw(graph, `fresh-${size}-${key++}`));
      // Following an edit: one action added to the graph already shown.
      const edited: GraphModel = {
        ...graph,
        actions: [...graph.actions, { name: "extra", reads: [], writes: [], inputs: [], optionalInputs: [], streaming: false }],
        transitions: [...graph.transitions, { from: `step${size >> 1}`, to: "extra", condition: "rare" }],
      };
      const follow: number[] = [];
      for (let r = 0; r < RUNS; r++) {
        const appKey = `edit-${size}-${key++}`;
        await draw(graph, appKey);
        follow.push((await draw(edited, appKey)).layout);
      }
      const node = await inNode(graph);
      const firstMs = median(fresh.map((f) => f.layout));
      rows.push({
        subject: `${size} actions, ${fresh[0].edges - 1} transitions`,
        figures: {
          "graph view: layout ms": firstMs,
          "graph view: to drawn ms": median(fresh.map((f) => f.total)),
          "after an edit ms": median(follow),
          "elkjs alone (Node) ms": node,
          "view / elkjs alone": firstMs / node,
        },
      });
      if (size === 100) notes.push(`100 actions laid out in ${Math.round(firstMs)} ms in the worker (target: under 2 s): ${firstMs < 2000 ? "met" : "NOT met"} on this machine`);
    }
    notes.push("'after an edit' lays out twice up to 120 actions (keeping places, and fresh to compare readability); above that it keeps places only");
  } finally {
    await browser.close();
    await server.close();
  }
  return {
    title: "graph layout",
    workload: `elkjs layered layout of a generated app (branches, skips, loops) in the built webview's worker, headless Chromium; median of ${RUNS}`,
    rows,
    notes,
  };
};

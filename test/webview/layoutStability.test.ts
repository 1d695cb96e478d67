// Twenty structural edits to the chatbot's graph, each laid out as the webview
// does it (plan → the worker's own choice with the real elkjs → shift to the
// previous places). Nodes that were there before must never change sides with
// one another; how far they move is measured and printed.
import assert from "node:assert/strict";
import ELK from "elkjs/lib/elk.bundled.js";
import type { ActionModel, GraphModel } from "../../runtime/src/graph/model.js";
import { buildScene, layoutInput, type Metrics } from "../../webview/src/graph/scene.js";
import { runLayout } from "../../webview/src/layout/engine.js";
import { alignToPrevious, planLayout, type LayoutInput } from "../../webview/src/layout/stable.js";
import type { Box, LayoutResult } from "../../webview/src/layout/types.js";
import { chatbotGraph, chatbotView } from "./fixtures.js";

const metrics: Metrics = { title: (t) => t.length * 8, small: (t) => t.length * 6, label: (t) => t.length * 7 };
const act = (name: string): ActionModel => ({ name, reads: [], writes: [], inputs: [], optionalInputs: [], streaming: false });
const to = (from: string, target: string, condition = "default") => (g: GraphModel) => void g.transitions.push({ from, to: target, condition });
const addAction = (name: string, from?: string, condition = "default") => (g: GraphModel) => {
  g.actions.push(act(name));
  if (from) g.transitions.push({ from, to: name, condition });
};
const dropEdge = (from: string, target: string) => (g: GraphModel) => {
  g.transitions = g.transitions.filter((t) => !(t.from === from && t.to === target));
};
const dropAction = (name: string) => (g: GraphModel) => {
  g.actions = g.actions.filter((a) => a.name !== name);
  g.transitions = g.transitions.filter((t) => t.from !== name && t.to !== name);
};

const EDITS: Array<[string, (g: GraphModel) => void]> = [
  ["add audit after unsafeResponse", addAction("audit", "unsafeResponse", "flagged=true")],
  ["audit → humanInput", to("audit", "humanInput")],
  ["add summarize after aiResponse", addAction("summarize", "aiResponse", "long=true")],
  ["summarize → humanInput", to("summarize", "humanInput")],
  ["drop aiResponse → humanInput", dropEdge("aiResponse", "humanInput")],
  ["add moderate after safetyCheck", addAction("moderate", "safetyCheck", "unsure=true")],
  ["moderate → humanInput", to("moderate", "humanInput")],
  ["humanInput → summarize", to("humanInput", "summarize", "done=true")],
  ["add logger, unconnected", addAction("logger")],
  ["audit → logger", to("audit", "logger")],
  ["drop moderate", dropAction("moderate")],
  ["summarize → a name no action has", to("summarize", "nowhere", "x=1")],
  ["drop that transition", dropEdge("summarize", "nowhere")],
  ["add retry after aiResponse", addAction("retry", "aiResponse", "error=true")],
  ["retry → aiResponse", to("retry", "aiResponse")],
  ["drop unsafeResponse → audit", dropEdge("unsafeResponse", "audit")],
  ["drop logger", dropAction("logger")],
  ["add finalize after summarize", addAction("finalize", "summarize", "final=true")],
  ["finalize → humanInput", to("finalize", "humanInput")],
  ["drop audit", dropAction("audit")],
];

const sameRow = (p: Box, q: Box) => p.y < q.y + q.height && q.y < p.y + p.height;

/**
 * Pairs of nodes drawn before and after, side by side in one row both times,
 * whose left/right order flipped. (An edit may move a node to another row, as
 * a new transition into it must; it must not change sides within one.)
 */
function swaps(before: Record<string, Box>, after: Record<string, Box>): string[] {
  const ids = Object.keys(before).filter((id) => after[id]);
  const out: string[] = [];
  for (const a of ids) {
    for (const b of ids) {
      const [p, q, p2, q2] = [before[a]!, before[b]!, after[a]!, after[b]!];
      if (a === b || !sameRow(p, q) || !sameRow(p2, q2)) continue;
      if (p.x < q.x && p2.x > q2.x) out.push(`${a} was left of ${b}, now right of it`);
    }
  }
  return out;
}

describe("graph layout across 20 structural edits (Node, real elkjs)", function () {
  this.timeout(120_000);

  it("never swaps existing nodes, and measures how far they move", async () => {
    const elk = new ELK();
    const graph = chatbotGraph();
    let input: LayoutInput = layoutInput(buildScene(chatbotView(graph), metrics));
    let result: LayoutResult = await runLayout(elk, { ...input, interactive: false });
    const moves: number[] = [];
    const report: string[] = [];
    let allSwaps: string[] = [];
    for (const [what, edit] of EDITS) {
      edit(graph);
      const next = layoutInput(buildScene(chatbotView(graph), metrics));
      const plan = planLayout(next, { input, result });
      assert.equal(plan.kind, "layout", `${what}: a structural edit lays out again`);
      if (plan.kind !== "layout") return;
      const { result: shown, kept } = alignToPrevious(await runLayout(elk, plan.request), plan.previous, next.nodes.map((n) => n.id));
      const common = Object.keys(result.nodes).filter((id) => shown.nodes[id]);
      const distances = common.map((id) => Math.hypot(shown.nodes[id]!.x - result.nodes[id]!.x, shown.nodes[id]!.y - result.nodes[id]!.y));
      moves.push(...distances);
      const swapped = swaps(result.nodes, shown.nodes);
      allSwaps = [...allSwaps, ...swapped.map((s) => `${what}: ${s}`)];
      report.push(`${what}: ${kept}/${common.length} kept, max move ${Math.round(Math.max(0, ...distances))} px, ${shown.mode}`);
      input = next;
      result = shown;
    }
    const sorted = [...moves].sort((a, b) => a - b);
    const median = sorted[Math.floor(sorted.length / 2)] ?? 0;
    const still = moves.filter((d) => d < 1).length;
    console.log(`      ${report.join("\n      ")}`);
    if (process.env.BURR_LAYOUT_DUMP) console.log(JSON.stringify(result.nodes));
    console.log(`      over 20 edits: ${still}/${moves.length} existing-node placements unmoved, median move ${Math.round(median)} px, max ${Math.round(sorted.at(-1) ?? 0)} px`);
    assert.deepEqual(allSwaps, []);
  });
});

// The pure layout pieces in Node with the real elkjs: model → scene → elk → result,
// the plan that keeps places across edits, and the readability score.
import assert from "node:assert/strict";
import ELK from "elkjs/lib/elk.bundled.js";
import { buildScene, layoutInput, type Metrics } from "../../webview/src/graph/scene.js";
import { keepsUp, scoreLayout } from "../../webview/src/layout/quality.js";
import { quickLayout } from "../../webview/src/layout/quick.js";
import { alignToPrevious, planLayout } from "../../webview/src/layout/stable.js";
import { fromElk, toElk } from "../../webview/src/layout/toElk.js";
import type { LayoutRequest, LayoutResult } from "../../webview/src/layout/types.js";
import { chatbotGraph, chatbotView } from "./fixtures.js";

const metrics: Metrics = { title: (t) => t.length * 8, small: (t) => t.length * 6, label: (t) => t.length * 7 };
const elk = new ELK();
const layout = async (request: LayoutRequest): Promise<LayoutResult> => fromElk(await elk.layout(toElk(request)), 0, request.interactive ? "kept" : "fresh");

describe("graph layout (Node, real elkjs)", function () {
  this.timeout(30_000);

  it("builds a scene with an entry marker, unknown targets and sized labels", () => {
    const graph = chatbotGraph();
    graph.transitions.push({ from: "aiResponse", to: "nowhere", condition: "done" });
    const scene = buildScene(chatbotView(graph), metrics);
    assert.deepEqual(scene.nodes.map((n) => n.id), ["s:entry", "a:humanInput", "a:safetyCheck", "a:unsafeResponse", "a:aiResponse", "u:nowhere"]);
    const edge = scene.edges.find((e) => e.id === "t:5");
    assert.deepEqual([edge?.source, edge?.target, edge?.label], ["a:aiResponse", "u:nowhere", "done"]);
    assert.equal(scene.edges.find((e) => e.id === "t:0")?.labelSize, undefined, "default transitions carry no label");
    assert.ok(scene.nodes.every((n) => n.width > 0 && n.height > 0));
  });

  it("lays the chatbot out top-down from its entry, with no overlapping nodes", async () => {
    const result = await layout({ ...layoutInput(buildScene(chatbotView(), metrics)), interactive: false });
    const boxes = Object.entries(result.nodes);
    assert.equal(boxes.length, 5);
    const entry = result.nodes["s:entry"];
    assert.ok(boxes.every(([id, b]) => id === "s:entry" || b.y > entry.y), "the entry marker is on top");
    assert.ok(result.nodes["a:safetyCheck"].y > result.nodes["a:humanInput"].y);
    for (const [a, p] of boxes) {
      for (const [b, q] of boxes) {
        if (a < b) assert.ok(p.x + p.width <= q.x || q.x + q.width <= p.x || p.y + p.height <= q.y || q.y + q.height <= p.y, `${a} overlaps ${b}`);
      }
    }
    const labelled = result.edges["t:1"];
    assert.ok(labelled.label && labelled.label.width > 0 && labelled.points.length >= 2);
  });

  it("reuses the whole layout when only texts change, keeping each label's centre", async () => {
    const first = layoutInput(buildScene(chatbotView(), metrics));
    const result = await layout({ ...first, interactive: false });
    const graph = chatbotGraph();
    graph.transitions[1].condition = "safe=false or flagged";
    const next = layoutInput(buildScene(chatbotView(graph), metrics));
    const plan = planLayout(next, { input: first, result });
    assert.equal(plan.kind, "reuse");
    if (plan.kind !== "reuse") return;
    assert.deepEqual(plan.result.nodes, result.nodes);
    const [before, after] = [result.edges["t:1"].label!, plan.result.edges["t:1"].label!];
    assert.ok(after.width > before.width);
    assert.equal(after.x + after.width / 2, before.x + before.width / 2);
  });

  it("seeds a changed graph with the previous places, a new node next to its predecessor", async () => {
    const first = layoutInput(buildScene(chatbotView(), metrics));
    const result = await layout({ ...first, interactive: false });
    const graph = chatbotGraph();
    graph.actions.push({ name: "audit", reads: [], writes: [], inputs: [], optionalInputs: [], streaming: false });
    graph.transitions.push({ from: "unsafeResponse", to: "audit", condition: "default" });
    const plan = planLayout(layoutInput(buildScene(chatbotView(graph), metrics)), { input: first, result });
    assert.equal(plan.kind, "layout");
    if (plan.kind !== "layout") return;
    assert.equal(plan.request.interactive, true);
    const hint = (id: string) => plan.request.nodes.find((n) => n.id === id)?.hint;
    assert.deepEqual(hint("a:humanInput"), { x: result.nodes["a:humanInput"].x, y: result.nodes["a:humanInput"].y });
    const parent = result.nodes["a:unsafeResponse"];
    assert.equal(hint("a:audit")?.x, parent.x);
    assert.ok((hint("a:audit")?.y ?? 0) > parent.y + parent.height);
  });

  it("shifts a new layout so the largest group of nodes, entry first, stays put", () => {
    const box = (x: number, y: number) => ({ x, y, width: 10, height: 10 });
    const previous: LayoutResult = { nodes: { a: box(0, 0), b: box(0, 50), c: box(40, 50) }, edges: {}, width: 50, height: 60, layoutMs: 0, mode: "fresh" };
    const next: LayoutResult = { nodes: { a: box(20, 0), b: box(20, 50), c: box(70, 50), d: box(20, 100) }, edges: { e: { points: [{ x: 25, y: 10 }, { x: 25, y: 50 }] } }, width: 80, height: 110, layoutMs: 0, mode: "fresh" };
    const { result, kept } = alignToPrevious(next, previous, ["a", "b", "c", "d"]);
    assert.equal(kept, 2);
    assert.deepEqual([result.nodes.a.x, result.nodes.b.x, result.nodes.c.x, result.nodes.d.x], [0, 0, 50, 0]);
    assert.deepEqual(result.edges.e.points[0], { x: 5, y: 10 }, "edges move with their nodes");
  });

  it("scores crossings and upward edges, and prefers a fresh layout that reads clearly better", () => {
    const flat = (points: Array<[number, number]>) => ({ points: points.map(([x, y]) => ({ x, y })) });
    const crossed: LayoutResult = {
      nodes: {}, width: 0, height: 0, layoutMs: 0, mode: "kept",
      edges: { a: flat([[0, 0], [10, 10]]), b: flat([[10, 0], [0, 10]]), up: flat([[5, 20], [5, 12]]) },
    };
    assert.deepEqual(scoreLayout(crossed), { crossings: 1, upward: 1 });
    assert.equal(keepsUp({ crossings: 1, upward: 1 }, { crossings: 0, upward: 1 }), true, "one extra crossing is tolerated");
    assert.equal(keepsUp({ crossings: 9, upward: 2 }, { crossings: 0, upward: 2 }), false);
    assert.equal(keepsUp({ crossings: 0, upward: 3 }, { crossings: 0, upward: 2 }), false);
  });

  it("draws a quick first picture without elkjs: rows from the entry, no overlaps, every edge from box to box", () => {
    const graph = chatbotGraph();
    graph.actions.push({ name: "lonely", reads: [], writes: [], inputs: [], optionalInputs: [], streaming: false });
    const input = layoutInput(buildScene(chatbotView(graph), metrics));
    const quick = quickLayout(input);
    assert.deepEqual(Object.keys(quick.nodes).sort(), input.nodes.map((n) => n.id).sort());
    const y = (id: string) => quick.nodes[id]!.y;
    assert.ok(y("s:entry") < y("a:humanInput") && y("a:humanInput") < y("a:safetyCheck") && y("a:safetyCheck") < y("a:aiResponse"));
    assert.equal(y("a:aiResponse"), y("a:unsafeResponse"), "both answers are one step from the check");
    assert.ok(y("a:lonely") > y("a:aiResponse"), "what the entry cannot reach goes last");
    const boxes = Object.entries(quick.nodes);
    for (const [a, p] of boxes) for (const [b, q] of boxes) {
      if (a < b) assert.ok(p.x + p.width <= q.x || q.x + q.width <= p.x || p.y + p.height <= q.y || q.y + q.height <= p.y, `${a} overlaps ${b}`);
    }
    for (const e of input.edges) assert.equal(quick.edges[e.id]?.points.length, 2, e.id);
  });
});

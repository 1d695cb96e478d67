// The built graph webview (dist/webview) in headless Chromium, inside the page
// the extension serves (same CSP), with the VS Code API stubbed.
import assert from "node:assert/strict";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { action, ApplicationBuilder, captureAs, expr } from "burr-ts";
import type { Browser } from "playwright-core";
import type { GraphViewModel } from "../../webview/src/protocol/graph.js";
import { skipOrFail } from "../support/skip.js";
import { chromiumMissing, launchChromium } from "./browser.js";
import { chatbotGraph, chatbotView, largeGraph } from "./fixtures.js";
import { openGraphPage, serveWebview, type GraphPage, type Theme } from "./page.js";

describe("graph webview in Chromium", function () {
  this.timeout(60_000);
  let browser: Browser;
  let server: Awaited<ReturnType<typeof serveWebview>>;

  before(async function () {
    const missing = chromiumMissing();
    if (missing) skipOrFail(this, missing);
    server = await serveWebview();
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  async function show(model: GraphViewModel, theme: Theme = "dark"): Promise<GraphPage> {
    const view = await openGraphPage(browser, server.origin, theme);
    const since = (await view.posted()).length;
    await view.send({ type: "graph", model, highlight: null });
    await view.nextRendered(since);
    return view;
  }

  async function positions(view: GraphPage): Promise<Record<string, string>> {
    return view.page.$$eval(".node", (els) => Object.fromEntries(els.map((e) => [e.getAttribute("data-node-id") ?? "", e.getAttribute("transform") ?? ""])));
  }

  it("draws the chatbot: its actions, the entry marker, and the conditions on the edges", async () => {
    const view = await show(chatbotView());
    const actions = await view.page.$$eval(".node.action", (els) => els.map((e) => e.getAttribute("data-action")).sort());
    assert.deepEqual(actions, ["aiResponse", "humanInput", "safetyCheck", "unsafeResponse"]);
    assert.equal(await view.page.locator('.node.entrypoint[data-action="humanInput"]').count(), 1);
    assert.equal(await view.page.locator('.node.streaming[data-action="aiResponse"]').count(), 1);
    assert.equal(await view.page.locator(".node.entry .entry-dot").count(), 1);
    const labels = await view.page.$$eval(".edge-label text", (els) => els.map((e) => e.textContent).sort());
    assert.deepEqual(labels, ["safe=false", "safe=true"]);
    // Five transitions plus the entry edge, each with an arrow path.
    assert.equal(await view.page.locator(".edge .edge-line").count(), 6);
    assert.equal(await view.page.locator('.edge[data-key="safetyCheck->aiResponse"]').count(), 1);
    assert.equal(await view.page.locator("#title").textContent(), "app — chatbot/app.ts");
    await view.page.screenshot({ path: join(tmpdir(), "burr-graph-chatbot-dark.png") });
  });

  it("marks terminal actions, problems on their nodes, and names no action has", async () => {
    const graph = chatbotGraph();
    graph.actions.push({ name: "goodbye", reads: [], writes: [], inputs: [], optionalInputs: [], streaming: false });
    graph.transitions.push({ from: "humanInput", to: "goodbye", condition: 'prompt="bye"' });
    graph.transitions.push({ from: "aiResponse", to: "sumarize", condition: "default" });
    const view = await show({
      ...chatbotView(graph),
      problems: [
        { code: "unknown-action", severity: "error", message: 'transition aiResponse → "sumarize": no such action', action: "aiResponse", transition: graph.transitions.length - 1 },
        { code: "undeclared-read", severity: "warning", message: "safetyCheck reads chatHistory without declaring it", action: "safetyCheck", key: "chatHistory" },
      ],
    });
    assert.equal(await view.page.locator('.node.terminal[data-action="goodbye"]').count(), 1);
    assert.equal(await view.page.locator('.node.unknown[data-node-id="u:sumarize"]').count(), 1);
    assert.equal(await view.page.locator('.node.has-warning[data-action="safetyCheck"] .node-badge').count(), 1);
    assert.equal(await view.page.locator(".edge.has-error").count(), 1);
    const listed = await view.page.$$eval("#problems li", (els) => els.map((e) => e.textContent));
    assert.equal(listed.length, 2);
    assert.match(listed[0] ?? "", /sumarize/);
    await view.page.screenshot({ path: join(tmpdir(), "burr-graph-problems.png") });
  });

  it("draws a name flagged only as a warning (the builder escapes) as a warning box that says it may exist unseen", async () => {
    const graph = chatbotGraph();
    graph.transitions.push({ from: "safetyCheck", to: "aiRespons", condition: "safe=true" });
    const message = 'App "buildChatbot": transition safetyCheck → aiRespons goes to "aiRespons", which no withActions in sight declares. Only a warning: the builder is passed to opts.configure(…) on line 67, which could declare it where the analysis cannot see.';
    const view = await show({
      ...chatbotView(graph),
      problems: [{ code: "unknown-action", severity: "warning", message, action: "aiRespons", transition: graph.transitions.length - 1 }],
    });
    const node = view.page.locator('.node.unknown.has-warning[data-node-id="u:aiRespons"]');
    assert.equal(await node.count(), 1);
    assert.equal(await view.page.locator(".node.unknown.has-error").count(), 0);
    assert.equal(await node.locator(".node-subtitle").textContent(), "not declared in sight");
    assert.match((await node.getAttribute("aria-label")) ?? "", /may be added where the analysis cannot see/);
    assert.equal(await view.page.locator(".edge.has-warning").count(), 1);
    assert.deepEqual(await view.page.$$eval("#problems li.warning", (els) => els.map((e) => e.textContent?.includes("opts.configure"))), [true]);
  });

  it("marks actions whose errors are captured (app.graph from the runtime): a line under the writes, its tooltip, a taller node", async () => {
    const fetchPage = action({ reads: ["url"], writes: ["page", "error"], onError: captureAs("error") }, (s) => s.update({ page: "<html>", error: null }));
    const retry = action({ reads: ["error"], writes: ["error"] }, (s) => s.update({ error: null }));
    const summarize = action({ reads: ["page"], writes: ["summary"] }, (s) => s.update({ summary: "" }));
    const app = new ApplicationBuilder()
      .withActions({ fetchPage, retry, summarize })
      .withTransitions(["fetchPage", "retry", expr("error != null")], ["retry", "fetchPage"], ["fetchPage", "summarize"])
      .withState({ url: "https://example.com", error: null })
      .withEntrypoint("fetchPage")
      .build();
    const view = await show({ appKey: "fetch", title: "fetch", graph: app.graph, problems: [] });
    const node = view.page.locator('.node.captures-errors[data-action="fetchPage"]');
    assert.equal(await node.count(), 1);
    assert.equal(await node.locator(".node-capture").textContent(), "errors → error");
    assert.match((await node.locator(".node-capture-line > title").textContent())!, /onError: captureAs\("error"\) writes what the action throws to "error" and the step completes/);
    assert.match((await node.locator(":scope > title").textContent())!, /writes: page, error\nerrors → error: /);
    assert.equal(await view.page.locator(".node-capture").count(), 1, "only the action with onError is marked");
    const heights = await view.page.$$eval(".node.action > .node-box", (els) => Object.fromEntries(els.map((e) => [e.parentElement!.dataset.action, Number(e.getAttribute("height"))])));
    assert.ok(heights.fetchPage! > heights.retry!, "room for the third line");
    const fits = await node.evaluate((g) => {
      const box = (g.querySelector(".node-box") as SVGRectElement).getBBox();
      const line = (g.querySelector(".node-capture") as SVGTextElement).getBBox();
      return line.x >= box.x && line.x + line.width <= box.x + box.width && line.y + line.height <= box.y + box.height;
    });
    assert.ok(fits, "the line sits inside its node");
    await node.screenshot({ path: join(tmpdir(), "burr-graph-captures-node.png") });
    await view.page.screenshot({ path: join(tmpdir(), "burr-graph-captures.png") });

    // The key is user text: drawn as text.
    const graph = structuredClone(app.graph);
    graph.actions[0]!.capturesErrorsAs = `<img src=x onerror="window.__pwned=1">`;
    const since = (await view.posted()).length;
    await view.send({ type: "graph", model: { appKey: "fetch", title: "fetch", graph, problems: [] }, highlight: null });
    await view.nextRendered(since);
    assert.equal(await view.page.locator(".node-capture").textContent(), `errors → <img src=x onerror="window.__pwned=1">`.slice(0, 33) + "…");
    assert.deepEqual(await view.page.evaluate(() => [document.querySelectorAll("img").length, (window as unknown as { __pwned?: number }).__pwned]), [0, undefined]);
  });

  it('draws the edges of a "*" transition (app.graph from the runtime) dashed and lighter, saying so in their tooltips', async () => {
    const step = (key: string) => action({ reads: [], writes: [key, "error"], onError: captureAs("error") }, (s) => s.update({ [key]: 1, error: null }));
    const handleError = action({ reads: ["error"], writes: ["error"] }, (s) => s.update({ error: null }));
    const app = new ApplicationBuilder()
      .withActions({ fetchPage: step("page"), summarize: step("summary"), publish: step("published"), handleError })
      .withTransitions(["*", "handleError", expr("error != null")], ["fetchPage", "summarize"], ["summarize", "publish"])
      .withState({ error: null })
      .withEntrypoint("fetchPage")
      .build();
    const view = await show({ appKey: "pipeline", title: "pipeline", graph: app.graph, problems: [] });
    const keys = await view.page.$$eval(".edge.wildcard", (els) => els.map((e) => e.getAttribute("data-key")).sort());
    assert.deepEqual(keys, ["fetchPage->handleError", "publish->handleError", "summarize->handleError"]);
    assert.equal(await view.page.locator(".edge-label.wildcard").count(), 3);
    const style = (key: string) =>
      view.page.locator(`.edge[data-key="${key}"] .edge-line`).evaluate((el) => {
        const s = getComputedStyle(el);
        return { dash: s.strokeDasharray, opacity: Number(s.opacity) };
      });
    const wild = await style("summarize->handleError");
    const plain = await style("fetchPage->summarize");
    assert.notEqual(wild.dash, "none");
    assert.equal(plain.dash, "none");
    assert.ok(wild.opacity < plain.opacity, `lighter: ${wild.opacity} < ${plain.opacity}`);
    const tip = await view.page.locator('.edge[data-key="publish->handleError"] > title').textContent();
    assert.match(tip!, /^publish → handleError\nwhen: error != null\nfrom "\*": one of the edges of a transition from every other action$/);
    // Clicking one opens the tuple, as any transition.
    const before = (await view.posted()).length;
    await view.page.locator('.edge-label.wildcard').first().click();
    await view.page.waitForFunction((n) => window.__posted.slice(n).some((m) => m.type === "openSource"), before);
    const opened = (await view.posted()).slice(before).find((m) => m.type === "openSource") as { source: unknown };
    assert.deepEqual(opened.source, app.graph.transitions[0]!.source);
    await view.page.screenshot({ path: join(tmpdir(), "burr-graph-wildcard.png") });
  });

  it("posts openSource with the source range when a node or an edge is clicked", async () => {
    const view = await show(chatbotView());
    const before = (await view.posted()).length;
    await view.page.locator('.node[data-action="safetyCheck"] .node-box').click();
    await view.page.locator('.edge-label[data-edge-id="t:2"]').click();
    await view.page.waitForFunction((n) => window.__posted.slice(n).filter((m) => m.type === "openSource").length >= 2, before);
    const opened = (await view.posted()).slice(before).filter((m) => m.type === "openSource");
    const graph = chatbotGraph();
    assert.deepEqual(opened[0], { type: "openSource", source: graph.actions[1].source, what: "action safetyCheck" });
    assert.deepEqual(opened[1], { type: "openSource", source: graph.transitions[2].source, what: "transition safetyCheck → aiResponse" });
  });

  it("renders markup and script in user strings as inert text", async () => {
    const graph = chatbotGraph();
    const img = '<img src=x onerror="window.__pwned=1">';
    const script = "<script>window.__pwned=2</script>";
    graph.transitions[1].condition = img;
    graph.transitions[2].condition = script;
    graph.actions[3].name = "<b>unsafe</b>";
    graph.transitions[1].to = graph.actions[3].name;
    graph.transitions[3].from = graph.actions[3].name;
    const view = await show({
      ...chatbotView(graph),
      title: `<img src=x onerror="window.__pwned=3">`,
      problems: [{ code: "never-written", severity: "warning", message: `<script>window.__pwned=4</script>`, action: "safetyCheck" }],
    });
    const labels = await view.page.$$eval(".edge-label text", (els) => els.map((e) => e.textContent).sort());
    assert.deepEqual(labels, [script, img].sort());
    assert.equal(await view.page.locator('.node[data-action="<b>unsafe</b>"] .node-title').textContent(), "<b>unsafe</b>");
    assert.equal(await view.page.locator("#problems button").textContent(), "⚠ <script>window.__pwned=4</script>");
    const state = await view.page.evaluate(() => ({
      pwned: (window as unknown as { __pwned?: number }).__pwned,
      imgs: document.querySelectorAll("img").length,
      scripts: document.querySelectorAll("script").length,
      bold: document.querySelectorAll("b").length,
      violations: window.__cspViolations,
    }));
    assert.deepEqual(state, { pwned: undefined, imgs: 0, scripts: 1, bold: 0, violations: [] });
  });

  it("shows the current action, the visited path and per-edge counts the host sets", async () => {
    const view = await show(chatbotView());
    await view.send({
      type: "highlight",
      highlight: { current: "aiResponse", visited: ["humanInput", "safetyCheck", "aiResponse", "humanInput"], edgeCounts: { "humanInput->safetyCheck": 2, "safetyCheck->aiResponse": 3 } },
    });
    await view.page.locator('.node.current[data-action="aiResponse"]').waitFor();
    assert.equal(await view.page.locator('.node.visited[data-action="humanInput"]').count(), 1);
    assert.equal(await view.page.locator('.node.dimmed[data-action="unsafeResponse"]').count(), 1);
    const counts = await view.page.$$eval(".edge-count", (els) => els.map((e) => [e.getAttribute("data-edge-id"), e.textContent]).sort());
    assert.deepEqual(counts, [["t:0", "×2"], ["t:2", "×3"]]);
    await view.page.screenshot({ path: join(tmpdir(), "burr-graph-highlight.png") });
    await view.send({ type: "highlight", highlight: null });
    await view.page.locator(".node.current").waitFor({ state: "detached" });
    assert.equal(await view.page.locator(".edge-count").count(), 0);
  });

  it("marks the actions whose steps in a tracked run carry annotations, with a count and a tooltip", async () => {
    const view = await show(chatbotView());
    await view.send({ type: "highlight", highlight: { current: "aiResponse", visited: ["humanInput", "aiResponse"], annotated: { aiResponse: 2, humanInput: 1 } } });
    await view.page.locator('.node.annotated[data-action="aiResponse"] .annot-badge').waitFor();
    const badges = await view.page.$$eval(".node.annotated", (els) => els.map((e) => [e.getAttribute("data-action"), e.querySelector(".annot-badge text")?.textContent, e.querySelector(".annot-badge title")?.textContent]).sort());
    assert.deepEqual(badges, [
      ["aiResponse", "✎ 2", "2 annotations on this action's steps in this run"],
      ["humanInput", "✎ 1", "1 annotation on this action's steps in this run"],
    ]);
    await view.send({ type: "highlight", highlight: { current: "aiResponse", annotated: { aiResponse: 3 } } });
    await view.page.locator('.node.annotated[data-action="humanInput"]').waitFor({ state: "detached" });
    assert.deepEqual(await view.page.$$eval(".annot-badge text", (els) => els.map((e) => e.textContent)), ["✎ 3"], "redrawn, not added to");
  });

  it("keeps every place when an edit changes only a condition's text", async () => {
    const view = await show(chatbotView());
    const before = await positions(view);
    const graph = chatbotGraph();
    graph.transitions[2].condition = "safe=true and mood != 'grumpy'";
    const since = (await view.posted()).length;
    await view.send({ type: "graph", model: chatbotView(graph), highlight: null });
    const rendered = await view.nextRendered(since);
    assert.equal(rendered.layoutMs, 0, "no new layout was needed");
    assert.deepEqual(await positions(view), before);
    assert.ok((await view.page.$$eval(".edge-label text", (els) => els.map((e) => e.textContent))).includes("safe=true and mood != 'grumpy'"));
  });

  it("keeps unchanged nodes in place when an action is added", async () => {
    const view = await show(chatbotView());
    const before = await positions(view);
    const graph = chatbotGraph();
    graph.actions.push({ name: "logReply", reads: ["response"], writes: [], inputs: [], optionalInputs: [], streaming: false });
    graph.transitions[4] = { from: "aiResponse", to: "logReply", condition: "default" };
    graph.transitions.push({ from: "logReply", to: "humanInput", condition: "default" });
    const since = (await view.posted()).length;
    await view.send({ type: "graph", model: chatbotView(graph), highlight: null });
    const rendered = await view.nextRendered(since);
    const after = await positions(view);
    assert.ok(after["a:logReply"], "the new action is drawn");
    const kept = Object.keys(before).filter((id) => after[id] === before[id]);
    console.log(`      ${kept.length} of ${Object.keys(before).length} nodes kept their exact place (${kept.join(", ")})`);
    // The entry and the entrypoint stay put; nothing swaps sides with anything else.
    for (const id of ["s:entry", "a:humanInput"]) assert.equal(after[id], before[id], `${id} moved`);
    assert.equal(rendered.reusedPositions, kept.length);
    const xy = (t: string) => t.match(/[-\d.]+/g)!.map(Number);
    for (const a of Object.keys(before)) {
      for (const b of Object.keys(before)) {
        const [ax, ay] = xy(before[a]);
        const [bx, by] = xy(before[b]);
        const [ax2, ay2] = xy(after[a]);
        const [bx2, by2] = xy(after[b]);
        if (Math.abs(ay - by) > 1) assert.equal(Math.sign(ay2 - by2), Math.sign(ay - by), `${a} and ${b} swapped rows`);
        if (Math.abs(ax - bx) > 1 && ay === by) assert.equal(Math.sign(ax2 - bx2), Math.sign(ax - bx), `${a} and ${b} swapped sides`);
      }
    }
  });

  it("lays out a 100-action graph off the page's thread", async () => {
    const view = await openGraphPage(browser, server.origin, "dark");
    const since = (await view.posted()).length;
    await view.send({ type: "graph", model: { appKey: "large", title: "100 actions", graph: largeGraph(100), problems: [] }, highlight: null });
    const rendered = await view.nextRendered(since);
    assert.equal(rendered.nodes, 101);
    assert.equal(await view.page.locator(".node.action").count(), 100);
    console.log(`      elkjs laid out 100 actions and ${rendered.edges} edges in ${rendered.layoutMs} ms (bench/layout.ts measures it properly)`);
  });

  it("zooms, fits and pans without opening anything", async () => {
    const view = await show(chatbotView());
    const scale = async () => Number(/scale\(([\d.]+)\)/.exec((await view.page.getAttribute("#viewport", "transform")) ?? "")?.[1]);
    const fitted = await scale();
    await view.page.click("#zoom-in");
    assert.ok((await scale()) > fitted);
    await view.page.click("#fit");
    assert.equal(await scale(), fitted);
    const before = (await view.posted()).length;
    const box = await view.page.locator('.node[data-action="humanInput"]').boundingBox();
    assert.ok(box);
    await view.page.mouse.move(box.x + 20, box.y + 20);
    await view.page.mouse.down();
    await view.page.mouse.move(box.x + 120, box.y + 80, { steps: 5 });
    await view.page.mouse.up();
    const moved = await view.page.getAttribute("#viewport", "transform");
    assert.match(moved ?? "", /translate/);
    assert.notEqual(moved, `translate(0,0) scale(${fitted})`);
    assert.equal((await view.posted()).slice(before).filter((m) => m.type === "openSource").length, 0, "a drag is not a click");
  });

  it("exports standalone SVG with the theme's colours resolved and text escaped", async () => {
    const graph = chatbotGraph();
    graph.transitions[2].condition = "<tag> & more";
    const view = await show(chatbotView(graph));
    await view.send({ type: "exportSvg", requestId: 7 });
    const handle = await view.page.waitForFunction(() => window.__posted.find((m) => m.type === "svgExport") ?? null);
    const reply = (await handle.jsonValue()) as { type: string; requestId: number; svg: string };
    assert.equal(reply.requestId, 7);
    assert.match(reply.svg, /^<svg [^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    assert.ok(reply.svg.includes("&lt;tag&gt; &amp; more"));
    assert.ok(reply.svg.includes(">safetyCheck<"));
    assert.ok(!reply.svg.includes("var(--"), "colours are resolved, not CSS variables");
    assert.ok(!reply.svg.includes("tabindex"));
  });

  for (const theme of ["light", "high-contrast"] as const) {
    it(`follows the ${theme} theme through VS Code's CSS variables`, async () => {
      const dark = await show(chatbotView(), "dark");
      const other = await show(chatbotView(), theme);
      const fill = (v: GraphPage) => v.page.$eval('.node[data-action="safetyCheck"] .node-box', (e) => getComputedStyle(e).fill);
      const background = (v: GraphPage) => v.page.evaluate(() => getComputedStyle(document.body).backgroundColor);
      assert.notEqual(await fill(other), await fill(dark));
      assert.equal(await background(other), theme === "light" ? "rgb(255, 255, 255)" : "rgb(0, 0, 0)");
      await other.page.screenshot({ path: join(tmpdir(), `burr-graph-chatbot-${theme}.png`) });
    });
  }

  it("runs under a strict Content-Security-Policy that blocks scripts without the nonce", async () => {
    const view = await show(chatbotView());
    const csp = await view.page.getAttribute('meta[http-equiv="Content-Security-Policy"]', "content");
    assert.match(csp ?? "", /default-src 'none'/);
    assert.match(csp ?? "", /script-src 'nonce-[A-Za-z0-9+/=]{20,}'(;|$)/);
    assert.match(csp ?? "", /worker-src blob:/);
    await view.page.evaluate(() => {
      const s = document.createElement("script");
      s.textContent = "window.__injected = true";
      document.body.appendChild(s);
    });
    await view.page.waitForFunction(() => window.__cspViolations.some((v) => v.startsWith("script-src")));
    assert.equal(await view.page.evaluate(() => (window as unknown as { __injected?: boolean }).__injected), undefined);
  });

  it("says ready once, before any graph, and shows an empty state when told", async () => {
    const view = await openGraphPage(browser, server.origin, "dark");
    const ready = (await view.posted()).filter((m) => m.type === "ready");
    assert.equal(ready.length, 1, "the view says ready once, before any graph");
    assert.equal(await view.page.locator(".node").count(), 0);
    await view.send({ type: "empty", reason: "No app here." });
    assert.equal(await view.page.locator("#status").textContent(), "No app here.");
  });
});

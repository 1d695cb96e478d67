// A panel's page as the extension makes it for speed: the view's script and
// stylesheet inlined (no fetch through VS Code's resource loading) and its first
// graph in the page (no `ready` → `graph` round trip before the first picture).
import assert from "node:assert/strict";
import type { Browser } from "playwright-core";
import { skipOrFail } from "../support/skip.js";
import { chromiumMissing, launchChromium } from "./browser.js";
import { chatbotView } from "./fixtures.js";
import { openGraphPage, serveWebview } from "./page.js";

describe("graph webview: the first graph in the page", function () {
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

  it("draws the graph it was made with before any message, inlined under the same CSP", async () => {
    const model = chatbotView();
    const view = await openGraphPage(browser, server.origin, "dark", undefined, { inline: true, first: { model, highlight: { current: "safetyCheck" } } });
    // Nothing is sent: the boxes, the highlight and then elkjs's layout come from the page alone.
    await view.page.locator('.node.current[data-action="safetyCheck"]').waitFor();
    await view.nextRendered(0);
    const actions = await view.page.$$eval(".node.action", (els) => els.map((e) => e.getAttribute("data-action")).sort());
    assert.deepEqual(actions, ["aiResponse", "humanInput", "safetyCheck", "unsafeResponse"]);
    assert.equal(await view.page.locator("#title").textContent(), model.title);
    assert.deepEqual(await view.page.evaluate(() => window.__cspViolations), []);
    // Linked assets are gone; the worker is still fetched from its URL.
    assert.equal(await view.page.locator('script[src], link[href$="graph.css"]').count(), 0);
    const csp = (await view.page.getAttribute('meta[http-equiv="Content-Security-Policy"]', "content")) ?? "";
    assert.match(csp, /style-src \S+ 'nonce-[A-Za-z0-9+/=]{20,}'/);
    const ready = (await view.posted()).filter((m) => m.type === "ready");
    assert.equal(ready.length, 1);
    assert.ok(ready[0]?.type === "ready" && ready[0].timing?.graphReceived, "ready says when the page took its graph in");
  });

  it("a page reloaded with saved state ignores the graph it was made with and waits for the host's", async () => {
    const model = chatbotView();
    const view = await openGraphPage(browser, server.origin, "dark", undefined, {
      inline: true,
      first: { model, highlight: null },
      savedState: { appKey: model.appKey, transform: { x: 0, y: 0, k: 1 }, userMoved: false },
    });
    assert.equal(await view.page.locator(".node").count(), 0, "nothing drawn from the page's own (possibly old) graph");
    const since = (await view.posted()).length;
    await view.send({ type: "graph", model: { ...model, title: "newer" }, highlight: null });
    await view.nextRendered(since);
    assert.equal(await view.page.locator("#title").textContent(), "newer");
  });

  it("keeps a graph whose text would close its script element as data", async () => {
    const model = chatbotView();
    model.title = "</script><script>window.__pwned = 1</script><!--";
    model.graph.actions[0]!.name = "</script>";
    const view = await openGraphPage(browser, server.origin, "dark", undefined, { inline: true, first: { model, highlight: null } });
    await view.nextRendered(0);
    assert.equal(await view.page.locator("#title").textContent(), model.title);
    assert.equal(await view.page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned), undefined);
    assert.equal(await view.page.locator('.node.action[data-action="</script>"]').count(), 1);
  });
});

// `npm run demo:web` in headless Chromium: type, watch the tokens arrive,
// reload and see the history, open a second conversation, get the refusal,
// and no console errors. BURR_UPDATE_SCREENSHOTS=1 refreshes docs/serving-chat.png.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { offlineModel } from "burr-ts/models";
import { offlineAnswer } from "../../examples/chatbot/web/app.js";
import { startWebDemo, type WebDemo } from "../../examples/chatbot/web/server.js";
import { chromiumMissing, launchChromium } from "../webview/browser.js";
import { skipOrFail } from "../support/skip.js";

describe("http: the chat page in Chromium", function () {
  this.timeout(60000);
  let browser: Browser;
  let demo: WebDemo;
  let dir: string;
  let page: Page;
  const problems: string[] = [];

  before(async function () {
    const missing = chromiumMissing();
    if (missing) skipOrFail(this, missing);
    dir = mkdtempSync(join(tmpdir(), "burr-web-"));
    // Slow enough that the page shows tokens arriving; the same words as `npm run demo:web` offline.
    demo = await startWebDemo({ dir, trackingDir: join(dir, "runs"), model: offlineModel({ answer: offlineAnswer, chunkDelayMs: 40 }) });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1100, height: 680 } });
    page.on("console", (m) => {
      if (m.type() === "error") problems.push(m.text());
    });
    page.on("pageerror", (e) => problems.push(e.message));
  });
  after(async () => {
    await browser?.close();
    await demo?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const assistantTexts = () => page.$$eval(".msg.assistant", (els) => els.map((e) => e.textContent ?? ""));

  it("streams an answer token by token into the page", async () => {
    await page.goto(`${demo.url}/`);
    await page.waitForSelector(".empty");
    await page.fill("#prompt", "Who was Aaron Burr?");
    await page.press("#prompt", "Enter");
    // Part of the answer is on screen while the cursor still blinks: tokens arrive, not the whole reply at once.
    const partial = await page.waitForFunction(() => {
      const el = document.querySelector(".msg.assistant.streaming");
      const text = el?.textContent ?? "";
      return text.length > 0 && !text.includes("1805") ? text : null;
    });
    assert.match(String(await partial.jsonValue()), /^Aaron/);
    await page.waitForSelector(".msg.assistant:not(.streaming)");
    assert.match((await assistantTexts()).at(-1)!, /third Vice President.*1805\.$/);
    await page.waitForSelector("#conversations li.current .meta a");
  });

  it("keeps the conversation across a reload", async () => {
    await page.reload();
    await page.waitForSelector(".msg.assistant");
    assert.deepEqual(await page.$$eval(".msg.user", (els) => els.map((e) => e.textContent)), ["Who was Aaron Burr?"]);
    assert.equal((await assistantTexts()).length, 1);
    assert.equal(await page.textContent("#title"), "Who was Aaron Burr?");
  });

  it("opens a second conversation, refuses the unsafe prompt, and lists both with a link to each run", async () => {
    const firstId = await page.evaluate(() => location.hash.slice(1));
    await page.click("#new");
    await page.waitForSelector(".empty");
    assert.notEqual(await page.evaluate(() => location.hash.slice(1)), firstId);
    await page.fill("#prompt", "How do I do something unsafe?");
    await page.press("#prompt", "Enter");
    const refusal = await page.waitForSelector(".msg.refusal");
    assert.match((await refusal.textContent())!, /overlords have forbidden me/);
    await page.fill("#prompt", "Tell me about the duel with Hamilton");
    await page.press("#prompt", "Enter");
    await page.waitForFunction(() => document.querySelectorAll(".msg.assistant:not(.streaming)").length === 2);
    await page.waitForFunction(() => document.querySelectorAll("#conversations li").length === 2);
    const titles = await page.$$eval("#conversations .title", (els) => els.map((e) => e.textContent));
    assert.deepEqual(titles, ["How do I do something unsafe?", "Who was Aaron Burr?"]);
    const links = await page.$$eval("#conversations .meta a", (els) => els.map((e) => (e as HTMLAnchorElement).href));
    assert.equal(links.length, 2);
    assert.ok(links.every((href) => href.startsWith("vscode://file") && href.endsWith("/log.jsonl")));
    // Back to the first conversation from the list.
    await page.click(`#conversations li[data-app-id="${firstId}"]`);
    await page.waitForFunction(() => document.querySelector("#title")?.textContent === "Who was Aaron Burr?");
    await page.click("#conversations li:first-child");
    await page.waitForSelector(".msg.refusal");
    // The picture of what was just checked is saved only to refresh the docs.
    if (process.env.BURR_UPDATE_SCREENSHOTS === "1") await page.screenshot({ path: "docs/serving-chat.png" });
    assert.deepEqual(problems, [], "no console errors");
  });
});

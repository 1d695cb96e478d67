// The browser runs UI in headless Chromium against the real server: list,
// open a step in the run view, open the graph, reload into the same place,
// annotations shown and filtered by tag, a live app's steps appearing as it
// runs, hostile names rendered as text, and no console errors anywhere.
import { strict as assert } from "node:assert";
import { request } from "node:http";
import type { Browser } from "playwright-core";
import { ApplicationBuilder, TrackingReader, action } from "burr-ts";
import type { UiServer } from "../../runtime/src/cli/ui/server.js";
import { tempDir } from "../runs/helpers.js";
import { chatbotSteps, writeRun } from "../runs/writeRun.js";
import { launchChromium, openUi, requireBrowser, row, runView, serve, type UiPage } from "./harness.js";

describe("burr-ts ui: the runs UI in a browser", function () {
  this.timeout(120_000);
  let browser: Browser;
  let server: UiServer;
  let t: { dir: string; dispose: () => void };
  let ui: UiPage | undefined;

  before(async function () {
    requireBrowser(this);
    t = tempDir("ui");
    writeRun(t.dir, "chatbot", "app-1", chatbotSteps(3), { t0: Date.UTC(2026, 10, 24, 12) });
    writeRun(t.dir, "chatbot", "app-2", chatbotSteps(2), { t0: Date.UTC(2026, 10, 24, 13) });
    writeRun(t.dir, "chatbot", '<img src=x onerror="window.__pwned=1">', chatbotSteps(1));
    server = await serve(t.dir);
    browser = await launchChromium();
  });

  afterEach(async () => {
    await ui?.close();
    ui = undefined;
  });

  after(async () => {
    await browser?.close();
    await server?.close();
    t?.dispose();
  });

  it("lists the project's apps and opens a step in the run view and the graph", async () => {
    ui = await openUi(browser, server.url);
    const { page } = ui;
    // One tracking dir with one project: the project opens by itself.
    await row(page, "dir/chatbot/app-1").waitFor();
    assert.match(await row(page, "dir/chatbot").innerText(), /3 apps/);
    await row(page, "dir/chatbot/app-1").click();
    await row(page, "dir/chatbot/app-1/2").click();
    await runView(page).locator("h1", { hasText: "aiResponse" }).waitFor();
    assert.match(await runView(page).locator("h1").innerText(), /#2\s*aiResponse/);
    assert.match(await runView(page).locator(".result").innerText(), /third Vice President/);
    assert.match(page.url(), /#\/dir\/chatbot\/app-1\/2$/);
    // The run view's own "Open graph" button asks the host (this page) for the graph.
    await runView(page).locator('button[data-command="openGraph"]').click();
    await page.waitForSelector('iframe[title="Graph"][data-rendered]');
    // Four actions plus the entrypoint marker.
    assert.equal(await page.locator('iframe[title="Graph"]').getAttribute("data-rendered"), "5");
    const graph = page.frameLocator('iframe[title="Graph"]');
    await graph.locator("svg text", { hasText: /^safetyCheck$/ }).first().waitFor();
    assert.deepEqual(ui.errors, []);
  });

  it("reloads into the same step; a graph link opens the graph", async () => {
    ui = await openUi(browser, `${server.url}#/dir/chatbot/app-2/4`);
    const { page } = ui;
    await runView(page).locator("h1", { hasText: "safetyCheck" }).waitFor();
    assert.ok(await row(page, "dir/chatbot/app-2/4").evaluate((e) => e.classList.contains("selected")));
    await page.reload();
    await page.waitForSelector('body[data-ready="true"]');
    await runView(page).locator("h1", { hasText: "#4" }).waitFor();
    await page.goto(`${server.url}#/dir/chatbot/app-1/graph`);
    await page.reload();
    await page.waitForSelector('iframe[title="Graph"][data-rendered]');
    assert.ok(await page.locator('iframe[title="Graph"]').evaluate((e) => e.classList.contains("active")));
    assert.deepEqual(ui.errors, []);
  });

  it("renders hostile app ids as text", async () => {
    ui = await openUi(browser, server.url);
    const { page } = ui;
    const hostile = row(page, 'dir/chatbot/<img src=x onerror="window.__pwned=1">');
    await hostile.waitFor();
    assert.match(await hostile.innerText(), /<img src=x onerror=/);
    await hostile.click();
    await row(page, 'dir/chatbot/<img src=x onerror="window.__pwned=1">/0').click();
    await runView(page).locator("h1", { hasText: "humanInput" }).waitFor();
    assert.match(await runView(page).locator(".meta").innerText(), /<img src=x/);
    assert.equal(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned), undefined);
    assert.equal(await page.locator("img").count(), 0);
    assert.deepEqual(ui.errors, []);
  });

  it("shows annotations as tags on steps and apps, filters by tag, and keeps them over a reload", async () => {
    const reader = new TrackingReader(t.dir);
    await reader.annotate("chatbot", {
      appId: "app-1", partitionKey: null, stepSequenceId: 5, stepName: "aiResponse", tags: ["hallucination"],
      observations: [{ data_fields: { note: "made up a date" }, thumbs_up_thumbs_down: false, data_pointers: [{ type: "state_field", field_name: "response", span_id: null }] }],
    });
    ui = await openUi(browser, server.url);
    const { page } = ui;
    await row(page, "dir/chatbot/app-1").locator(".tag", { hasText: "hallucination" }).waitFor();
    await row(page, "dir/chatbot/app-1").click();
    await row(page, "dir/chatbot/app-1/5").locator(".tag", { hasText: "hallucination" }).waitFor();
    await page.fill(".filter", "tag:halluc");
    await page.waitForFunction(() => document.querySelectorAll(".kind-step").length === 1);
    assert.equal(await row(page, "dir/chatbot/app-2").count(), 0);
    await page.fill(".filter", "");
    await page.reload();
    await page.waitForSelector('body[data-ready="true"]');
    await row(page, "dir/chatbot/app-1").locator(".tag", { hasText: "hallucination" }).waitFor();
    assert.deepEqual(ui.errors, []);
  });

  it("annotates a step in the run view, sees it after a reload, and deletes it", async () => {
    ui = await openUi(browser, `${server.url}#/dir/chatbot/app-2/2`);
    const { page } = ui;
    const view = runView(page);
    await view.locator("h1", { hasText: "aiResponse" }).waitFor();
    await view.locator("button.annot-add").click();
    await view.locator("input.annot-tags").fill("golden, tone");
    await view.locator('button[data-thumbs="up"]').click();
    await view.locator("textarea.annot-note").fill("exactly right");
    await view.locator("textarea.annot-truth").fill("Aaron Burr was the third Vice President.");
    await view.locator("button.annot-save").click();
    await view.locator("article.annotation .annot-note-shown", { hasText: "exactly right" }).waitFor();
    // Stored in Burr's place and format, readable by the runtime.
    const stored = await new TrackingReader(t.dir).listAnnotations("chatbot", { appId: "app-2" });
    assert.equal(stored.length, 1);
    assert.deepEqual(stored[0].tags, ["golden", "tone"]);
    assert.equal(stored[0].step_sequence_id, 2);
    assert.equal(stored[0].step_name, "aiResponse");
    assert.equal(stored[0].observations[0].thumbs_up_thumbs_down, true);
    assert.equal(stored[0].observations[0].data_fields.ground_truth, "Aaron Burr was the third Vice President.");
    // The tree marks the step; the graph counts it on its action.
    await row(page, "dir/chatbot/app-2/2").locator(".tag", { hasText: "golden" }).waitFor();
    await page.reload();
    await page.waitForSelector('body[data-ready="true"]');
    await view.locator("article.annotation .annot-note-shown", { hasText: "exactly right" }).waitFor();
    assert.match(await view.locator("article.annotation").innerText(), /golden/);
    await view.locator("button.annot-delete").click();
    await view.locator("button.annot-confirm-delete").click();
    await view.locator(".annot-empty").waitFor();
    assert.deepEqual(await new TrackingReader(t.dir).listAnnotations("chatbot", { appId: "app-2" }), []);
    await page.waitForFunction(() => !document.querySelector('.row[data-id="dir/chatbot/app-2/2"] .tag'));
    assert.deepEqual(ui.errors, []);
  });

  it("shows a running app's steps as they are written", async () => {
    const storageDir = t.dir;
    let turn = 0;
    const count = action({ reads: ["n"], writes: ["n"] }, (state) => state.update({ n: (state.get("n") as number) + 1 }));
    const app = await new ApplicationBuilder()
      .withActions({ count })
      .withTransitions(["count", "count"])
      .withState({ n: 0 })
      .withEntrypoint("count")
      .withIdentifiers({ appId: "live-app" })
      .withTracker("local", { project: "live", storageDir })
      .build();
    await app.step();
    ui = await openUi(browser, `${server.url}#/dir/live/live-app/0`);
    const { page } = ui;
    await runView(page).locator("h1", { hasText: "#0" }).waitFor();
    for (turn = 1; turn <= 3; turn++) {
      await app.step();
      // The tree grows by itself: the server's change stream, no reload.
      await row(page, `dir/live/live-app/${turn}`).waitFor({ timeout: 20_000 });
    }
    assert.match(await row(page, "dir/live/live-app").innerText(), /4 steps/);
    assert.equal(await page.locator(".live").innerText(), "live");
    assert.deepEqual(ui.errors, []);
  });

  it("answers hostile and malformed API requests with JSON errors", async () => {
    const get = async (path: string, init?: RequestInit) => {
      const res = await fetch(new URL(path, server.url), init);
      const body = (await res.json()) as { error?: { type: string; message: string } };
      return { status: res.status, body };
    };
    for (const bad of ["..", ".", "a/b", "..%2F..%2Fetc", "a%5Cb", "%00", "x".repeat(300)]) {
      const r = await get(`/api/apps?source=dir&project=${bad}`);
      assert.equal(r.status, 400, `project ${bad}`);
      assert.match(r.body.error!.message, /project/);
      const a = await get(`/api/run?source=dir&project=chatbot&app=${bad}`);
      assert.equal(a.status, 400, `app ${bad}`);
    }
    assert.equal((await get("/api/run?source=dir&project=chatbot&app=nope")).status, 404);
    assert.equal((await get("/api/step?source=dir&project=chatbot&app=app-1&seq=99")).status, 404);
    assert.equal((await get("/api/step?source=dir&project=chatbot&app=app-1&seq=-1")).status, 400);
    assert.equal((await get("/api/step?source=dir&project=chatbot&app=app-1&seq=1e3")).status, 400);
    // The tree gets summaries; the step comes whole.
    const run = await get("/api/run?source=dir&project=chatbot&app=app-1");
    const summary = (run.body as unknown as { steps: { state: unknown; inputs: unknown }[] }).steps[0];
    assert.deepEqual([summary.state, summary.inputs], [{}, {}]);
    const step = await get("/api/step?source=dir&project=chatbot&app=app-1&seq=1");
    const whole = step.body as unknown as { step: { state: { prompt: string } }; previous: { action: string } };
    assert.equal(whole.step.state.prompt, "Who was Aaron Burr?");
    assert.equal(whole.previous.action, "humanInput");
    assert.equal((await get("/api/apps?source=nope&project=chatbot")).status, 404);
    assert.equal((await get("/api/nothing")).status, 404);
    assert.equal((await get("/assets/..%2F..%2Fpackage.json")).status, 404);
    assert.equal((await get("/api/sources", { method: "POST" })).status, 405);
    const post = (body: string, headers: Record<string, string>) => get("/api/annotations?source=dir&project=chatbot", { method: "POST", body, headers });
    assert.equal((await post("{}", { "content-type": "text/plain" })).status, 415);
    assert.equal((await post("{", { "content-type": "application/json" })).status, 400);
    assert.equal((await post(JSON.stringify({ appId: "app-1", stepSequenceId: -1, stepName: "x" }), { "content-type": "application/json" })).status, 400);
    assert.equal((await post(JSON.stringify({ appId: "app-1", stepSequenceId: 1, stepName: "x" }), { "content-type": "application/json", origin: "http://evil.example" })).status, 403);
    const huge = JSON.stringify({ appId: "app-1", stepSequenceId: 1, stepName: "x", tags: ["x".repeat(300 * 1024)] });
    assert.equal((await post(huge, { "content-type": "application/json" })).status, 413);
    const long = await fetch(new URL(`/api/apps?source=dir&project=${"x".repeat(9000)}`, server.url));
    assert.equal(long.status, 414);
    // A page on another domain that rebinds its name to 127.0.0.1 sends its own Host.
    const rebound = await rawGet(server.url, "/api/sources", { host: "evil.example:7241" });
    assert.equal(rebound.status, 403);
    assert.match(rebound.body, /loopback requests only/);
  });
});

/** A GET with headers fetch() will not send (Host). */
function rawGet(base: string, path: string, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(new URL(path, base), { headers }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => (body += c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on("error", reject);
    req.end();
  });
}

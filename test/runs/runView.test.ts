// The run view webview in headless Chromium: the real bundle under the same
// CSP the extension sets, fed the message the host sends.
import { strict as assert } from "node:assert";
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { createServer, type Server } from "node:http";
import { join } from "node:path";
import type { AddressInfo } from "node:net";
import { chromium, type Browser, type Page } from "playwright-core";
import { ApplicationBuilder, action } from "burr-ts";
import { buildStepView } from "../../extension/src/runs/views/stepView.js";
import { TrackingDirStore } from "../../extension/src/runs/stores/trackingDirStore.js";
import type { StepViewData } from "../../webview/src/protocol/runs.js";
import { pageHtml } from "../../webview/src/shared/page.js";
import { skipOrFail } from "../support/skip.js";
import { failureMessage, writeCapturedRun } from "./capturedRun.js";
import { pythonRuns, tempDir } from "./helpers.js";
import { chatbotSteps, writeRun } from "./writeRun.js";

const chromiumPath = "/usr/bin/chromium";
const all = ["copyState", "openGraph", "createTest", "forkAndDebug", "replay"] as const;

async function viewOf(dir: string, project: string, appId: string, seq: number): Promise<StepViewData> {
  const run = await new TrackingDirStore(dir).readApp(project, appId);
  const i = run.steps.findIndex((s) => s.sequenceId === seq);
  return buildStepView({ storeLabel: dir, project, appId, run, step: run.steps[i], previous: i > 0 ? run.steps[i - 1] : null, actions: [...all] });
}

describe("runs: run view in headless Chromium", function () {
  this.timeout(60_000);
  let browser: Browser;
  let server: Server;
  let base: string;
  let t: { dir: string; dispose: () => void };
  const nonce = randomBytes(12).toString("base64");

  before(async function () {
    if (!existsSync(chromiumPath)) skipOrFail(this, `${chromiumPath} is missing (apt-get install -y chromium)`);
    t = tempDir("view");
    const esbuild = await import("esbuild");
    await esbuild.build({ entryPoints: ["webview/src/runs/main.ts"], outfile: join(t.dir, "runs.js"), bundle: true, platform: "browser", format: "iife", target: "es2022", logLevel: "silent" });
    const files: Record<string, [string, string]> = {
      "/runs.js": ["text/javascript", readFileSync(join(t.dir, "runs.js"), "utf8")],
      "/runs.css": ["text/css", readFileSync("webview/src/runs/runs.css", "utf8")],
      "/light.css": ["text/css", ":root { --vscode-editor-background: #ffffff; --vscode-foreground: #3b3b3b; --vscode-sideBar-background: #f8f8f8; --vscode-panel-border: #e5e5e5; --vscode-descriptionForeground: #717171; }"],
    };
    server = createServer((req, res) => {
      const url = new URL(req.url ?? "/", "http://x");
      if (url.pathname === "/") {
        const theme = url.searchParams.get("theme") === "light" ? ["/light.css"] : [];
        res.setHeader("content-type", "text/html");
        // The page the extension's RunViewPanel serves, with this server as cspSource.
        res.end(pageHtml({ view: "runs", cspSource: base, nonce, asset: (f) => `/${f}`, title: "Burr run", extraStyles: theme }));
        return;
      }
      const f = files[url.pathname];
      if (!f) return void res.writeHead(404).end();
      res.setHeader("content-type", f[0]);
      res.end(f[1]);
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await chromium.launch({ executablePath: chromiumPath, args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"] });
  });

  after(async () => {
    await browser?.close();
    server?.close();
    t?.dispose();
  });

  async function open(data: StepViewData, theme = ""): Promise<Page & { sent: () => Promise<unknown[]> }> {
    const page = await browser.newPage({ viewport: { width: 1180, height: 1000 }, deviceScaleFactor: 1 });
    // A string, not a function: tsx would wrap a function's inner names in a helper the page lacks.
    await page.addInitScript(`
      window.__sent = []; window.__violations = []; let state;
      document.addEventListener("securitypolicyviolation", (e) => window.__violations.push(e.violatedDirective + " " + e.blockedURI));
      window.acquireVsCodeApi = () => ({ postMessage: (m) => window.__sent.push(m), getState: () => state, setState: (s) => { state = s; } });
    `);
    page.on("pageerror", (e) => console.error("[run view error]", e.message));
    await page.goto(`${base}/${theme}`);
    await page.waitForFunction(() => (window as unknown as { __sent: { type: string }[] }).__sent.some((m) => m.type === "ready"));
    await page.evaluate((d) => window.postMessage({ type: "step", data: d }, "*"), data);
    await page.waitForSelector(".top h1");
    return Object.assign(page, { sent: () => page.evaluate(() => (window as unknown as { __sent: unknown[] }).__sent) });
  }

  it("shows a step: state tree, inputs, result, changes with appended items, timing, streaming, spans; screenshot", async () => {
    writeRun(t.dir, "demo", "chat-7f3a", chatbotSteps(3), { partitionKey: "user-42" });
    const page = await open(await viewOf(t.dir, "demo", "chat-7f3a", 5));
    assert.equal(await page.textContent(".top .action"), "aiResponse");
    assert.equal(await page.textContent(".status"), "completed");
    const diff = await page.textContent(".changes");
    assert.match(diff!, /chatHistory appended 1 item/);
    assert.match(diff!, /response.*turn 0.*→.*turn 1/s);
    assert.match((await page.textContent(".timing"))!, /Items streamed\s*58/);
    assert.equal(await page.locator(".tl-bar").count(), 3);
    assert.match((await page.textContent(".timeline"))!, /model"gpt-4o-mini"/);
    assert.match((await page.textContent(".state"))!, /Who was Aaron Burr\?/);
    assert.doesNotMatch((await page.textContent(".state"))!, /__SEQUENCE_ID/, "internal keys hidden by default");
    assert.equal(await page.textContent(".next .next-head"), "→ #6 humanInput");
    assert.deepEqual(await page.locator(".next .tr-line").allTextContents(), ["aiResponse → humanInputdefaulttaken: held"]);
    assert.equal(await page.textContent(".next .verdict"), "The default transition always holds.");
    await page.click('button[data-command="createTest"]');
    assert.deepEqual((await page.sent()).at(-1), { type: "command", command: "createTest" });
    assert.deepEqual(await page.evaluate(() => (window as unknown as { __violations: string[] }).__violations), []);
    // docs/runs.png is refreshed only on request; tests write under the temp dir.
    const shot = process.env.BURR_UPDATE_SCREENSHOTS === "1" ? "docs/runs.png" : join(tmpdir(), "burr-runs-view.png");
    await page.screenshot({ path: shot, fullPage: true });
    assert.ok(statSync(shot).size > 10_000, "the screenshot has content");
    await page.close();
  });

  it("Next: the transitions tried in order, the values that failed and the one that held", async () => {
    const page = await open(await viewOf(t.dir, "demo", "chat-7f3a", 4));
    assert.equal(await page.textContent(".next .next-head"), "→ #5 aiResponse");
    const rows = page.locator(".next .transitions > li");
    assert.equal(await rows.count(), 2);
    assert.equal(await rows.nth(0).locator(".tr-line").textContent(), "safetyCheck → unsafeResponsesafe=Falsedid not hold");
    assert.equal(await rows.nth(0).locator(".tr-values").textContent(), "safe = true (wants false)");
    assert.equal(await rows.nth(0).locator(".tone-no").count(), 1);
    assert.equal(await rows.nth(1).getAttribute("class"), "tr tr-taken");
    assert.equal(await rows.nth(1).locator(".tr-line").textContent(), "safetyCheck → aiResponsesafe=Truetaken: held");
    assert.equal(await rows.nth(1).locator(".tr-values").textContent(), "safe = true");
    assert.match((await page.textContent(".next .verdict"))!, /“safe=True” held on the state after this step; the transition tried before it did not\./);
    await page.close();
    const last = await open(await viewOf(t.dir, "demo", "chat-7f3a", 8));
    assert.equal(await last.textContent(".next .next-head"), "The run ended here");
    assert.equal(await last.textContent(".next .tr-outcome"), "would be taken");
    assert.equal(await last.textContent(".next .verdict"), "If the app resumes, humanInput comes next (the default transition).");
    await last.close();
  });

  it("Next: a choice the condition texts cannot reproduce is marked, not explained", async () => {
    const graph = {
      type: "application", entrypoint: "check",
      actions: ["check", "a", "b"].map((name) => ({ type: "action", name, reads: [], writes: [], code: "", inputs: [], optional_inputs: [] })),
      transitions: [{ type: "transition", from_: "check", to: "a", condition: "n > 5" }, { type: "transition", from_: "check", to: "b", condition: "default" }],
    };
    writeRun(t.dir, "odd", "edited", [{ action: "check", state: { n: 10 } }, { action: "b", state: { n: 10 } }], { graph });
    const page = await open(await viewOf(t.dir, "odd", "edited", 0));
    assert.equal(await page.locator(".next .verdict-unreproducible").count(), 1);
    assert.match((await page.textContent(".next .verdict"))!, /^Not reproducible: .* picks a \(“n > 5”\), but the run went to b\./);
    assert.deepEqual(await page.locator(".next .tr-outcome").allTextContents(), ["holds here", "taken: held"]);
    assert.equal(await page.textContent(".next .tr-values"), "n = 10");
    await page.close();
  });

  it("searches the state: only matching keys and values stay, marked", async () => {
    const page = await open(await viewOf(t.dir, "demo", "chat-7f3a", 5));
    await page.fill(".state .search", "vice president");
    const rows = await page.locator(".state .json-tree > *").allTextContents();
    assert.deepEqual(rows.map((r) => r.split(":")[0]), ["chatHistory", "response"]);
    assert.ok((await page.locator(".state mark").count()) >= 2);
    await page.fill(".state .search", "zzz-nothing");
    assert.match((await page.textContent(".state"))!, /No key or value matches/);
    await page.close();
  });

  it("renders markup in state, inputs and errors as text, never as HTML", async () => {
    const evil = `<img src=x onerror="document.body.dataset.pwned=1"><script>document.body.dataset.pwned=2</script><b>bold</b>`;
    writeRun(t.dir, "evil", `app-${"<i>x</i>"}`.replace(/[<>/]/g, "_"), [
      { action: "humanInput", inputs: { prompt: evil }, result: { [evil]: evil }, state: { [evil]: evil, nested: { list: [evil] } }, error: `Error: ${evil}\n    at x` },
    ]);
    const data = await viewOf(t.dir, "evil", "app-_i_x__i_", 0);
    data.action = evil;
    const page = await open(data);
    await page.fill(".state .search", "img");
    await page.evaluate(() => document.querySelectorAll("details").forEach((d) => (d.open = true)));
    assert.equal(await page.locator("main img, main script, main b, main i").count(), 0);
    assert.equal(await page.evaluate(() => document.body.dataset.pwned ?? null), null);
    assert.ok((await page.textContent(".top .action"))!.includes("<img src=x"));
    assert.match((await page.textContent(".error"))!, /<script>document/);
    assert.equal(await page.textContent(".status"), "failed");
    await page.close();
    // Condition texts, action names and tested values from a run are text too.
    const img = `<img src=x onerror="document.body.dataset.pwned=1">`;
    const graph = {
      type: "application", entrypoint: "check",
      actions: ["check", "<b>next</b>", "<i>other</i>"].map((name) => ({ type: "action", name, reads: [], writes: [], code: "", inputs: [], optional_inputs: [] })),
      transitions: [
        { type: "transition", from_: "check", to: "<i>other</i>", condition: "<script>document.body.dataset.pwned=3</script>" },
        { type: "transition", from_: "check", to: "<b>next</b>", condition: `note == '${img}'` },
      ],
    };
    writeRun(t.dir, "evil", "why", [{ action: "check", state: { note: img } }, { action: "<b>next</b>", state: { note: img } }], { graph });
    const why = await open(await viewOf(t.dir, "evil", "why", 0));
    assert.equal(await why.locator("main img, main script, main b, main i").count(), 0);
    assert.equal(await why.evaluate(() => document.body.dataset.pwned ?? null), null);
    assert.equal(await why.textContent(".next .next-head"), "→ #1 <b>next</b>");
    const text = (await why.textContent(".next"))!;
    assert.ok(text.includes("<script>document.body.dataset.pwned=3</script>"));
    assert.ok(text.includes(`check → <b>next</b>note == '${img}'taken: held`));
    assert.ok(text.includes(`note = ${JSON.stringify(img)}`));
    await why.close();
  });

  it("a captured error (a real run, LocalTrackingClient): the badge says so, the record has its own card with the stack folded; screenshot", async () => {
    const appId = await writeCapturedRun(t.dir);
    const page = await open(await viewOf(t.dir, "capture", appId, 2));
    assert.equal(await page.textContent(".top .action"), "fetchPage");
    assert.equal(await page.textContent(".status"), "completed — error captured");
    assert.equal(await page.getAttribute(".status", "class"), "status status-completed status-captured");
    assert.equal(await page.locator(".card.error").count(), 0, "not a failed step");
    assert.equal(await page.textContent(".captured .card-head"), "Error captured");
    assert.equal(await page.textContent(".captured .captured-headline"), `TypeError: ${failureMessage(2)}`);
    assert.match((await page.textContent(".captured"))!, /onError: captureAs\("error"\) wrote this to state key "error"; the step completed/);
    assert.equal(await page.textContent(".captured .captured-type"), "TypeError");
    assert.equal(await page.textContent(".captured .captured-message"), failureMessage(2));
    assert.equal(await page.locator(".captured details").getAttribute("open"), null, "the stack starts folded");
    assert.equal(await page.isVisible(".captured .stack"), false);
    assert.equal(await page.locator("main img").count(), 0, "the message is text");
    assert.equal(await page.evaluate(() => document.body.dataset.pwned ?? null), null);
    // The record is the card, not also an action attribute.
    assert.doesNotMatch((await page.textContent("main"))!.replace((await page.textContent(".state"))!, ""), /captured_error/);
    assert.equal(await page.textContent(".next .next-head"), "→ #3 retry");
    assert.match((await page.textContent(".changes"))!, /error\s*null\s*→/);
    const shot = join(tmpdir(), "burr-runs-captured.png");
    await page.screenshot({ path: shot, fullPage: true });
    await page.click(".captured summary");
    assert.match((await page.textContent(".captured .stack"))!, /^TypeError: fetch failed \(attempt 2\)[^\n]*\n\s+at /);
    assert.equal(await page.isVisible(".captured .stack"), true);
    // The stack in the state tree is long: its start shows, the rest on request; a search shows it whole.
    const stackValue = page.locator(".state .json-row.leaf", { hasText: "stack:" }).locator(".json-value");
    const full = (await viewOf(t.dir, "capture", appId, 2)).capturedError!.stack!;
    assert.ok((await stackValue.textContent())!.length < 260, "a long string starts shortened");
    await stackValue.locator("button.json-more").click();
    assert.equal(await stackValue.textContent(), JSON.stringify(full));
    await page.fill(".state .search", "runInStep");
    assert.equal(await page.locator(".state button.json-more").count(), 0, "while searching, long strings show whole");
    assert.ok((await page.locator(".state mark").count()) >= 1);
    await page.close();
    // Without a stack (includeStack: false) or a graph naming the key (a run without burr-ts's graph).
    const bare = await viewOf(t.dir, "capture", appId, 0);
    bare.capturedError = { ...bare.capturedError!, stack: null, key: null };
    const noStack = await open(bare);
    assert.equal(await noStack.locator(".captured details").count(), 0);
    assert.match((await noStack.textContent(".captured"))!, /onError: captureAs wrote this to state; .*No stack recorded \(captureAs with includeStack: false/);
    await noStack.close();
    // The step that succeeded has neither.
    const ok = await open(await viewOf(t.dir, "capture", appId, 4));
    assert.equal(await ok.textContent(".status"), "completed");
    assert.equal(await ok.locator(".captured").count(), 0);
    await ok.close();
  });

  it("shows values beyond JSON by type (Date, Map, BigInt, Set), as the debugger's Variables view does", async () => {
    const start = action({ reads: [], writes: ["at", "tags", "count", "seen"] }, (state) => [
      {},
      state.update({ at: new Date("2026-01-02T03:04:05.000Z"), tags: new Map<unknown, unknown>([["a", 1], [2, new Date(0)]]), count: 1n, seen: new Set(["x"]) }),
    ]);
    const bump = action({ reads: ["count"], writes: ["count", "at"] }, (state) => {
      const count = (state.get("count") as bigint) * 12345678901234567890n;
      return [{ count }, state.update({ count, at: new Date("2026-05-06T07:08:09.000Z") })];
    });
    const app = new ApplicationBuilder()
      .withActions({ start, bump })
      .withTransitions(["start", "bump"])
      .withEntrypoint("start")
      .withTracker("local", { project: "rich", storageDir: t.dir })
      .build();
    await app.step();
    await app.step();
    const page = await open(await viewOf(t.dir, "rich", app.uid, 1));
    const rows = await page.locator(".state .json-tree > *").allTextContents();
    assert.ok(rows.includes("at: Date 2026-05-06T07:08:09.000Z"), rows.join("\n"));
    assert.ok(rows.includes("count: 12345678901234567890n"), rows.join("\n"));
    assert.ok(rows.some((r) => r.startsWith("tags: Map(2) {\"a\" => 1, 2 => Date 1970-01-01T00:00:00.000Z}")), rows.join("\n"));
    assert.ok(rows.some((r) => r.startsWith(`seen: Set(1) {"x"}`)), rows.join("\n"));
    // A Map opens onto its entries by key, not onto its stored [[key, value]] pairs.
    const tags = page.locator(".state details.json-row", { has: page.locator("summary .json-key", { hasText: /^tags$/ }) });
    await tags.locator("summary").first().click();
    assert.deepEqual(await tags.locator(".json-children > * .json-key").allTextContents(), ["a", "[2]"]);
    assert.equal(await page.locator(".state .json-tagged", { hasText: "Date 1970-01-01" }).count(), 1);
    assert.doesNotMatch((await page.textContent("main"))!, /__burr_serde__/);
    assert.match((await page.textContent(".changes"))!, /at\s*Date 2026-01-02T03:04:05\.000Z\s*→\s*Date 2026-05-06T07:08:09\.000Z/);
    assert.match((await page.textContent(".result"))!, /count: 12345678901234567890n/);
    await page.close();
  });

  it("shows a Python Burr failure with its traceback, and follows a light theme", async () => {
    const page = await open(await viewOf(pythonRuns, "errors", "counter-fails", 2), "?theme=light");
    assert.equal(await page.textContent(".error-headline"), "ValueError: count too high: 2");
    assert.match((await page.textContent(".changes"))!, /A failed step changes nothing/);
    assert.equal(await page.evaluate(() => getComputedStyle(document.body).backgroundColor), "rgb(255, 255, 255)");
    await page.close();
  });
});

// The run view's annotations in headless Chromium: the built bundle, in the
// page the extension and `burr-ts ui` serve, over a browser HostTransport to
// the extension's own annotation host, writing Burr's annotations.jsonl in a
// real tracking directory. Create, edit, delete, filter by tag, hostile text.
import { strict as assert } from "node:assert";
import { existsSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { TrackingReader } from "burr-ts";
import { skipOrFail } from "../support/skip.js";
import { tempDir } from "../runs/helpers.js";
import { chatbotSteps, writeRun } from "../runs/writeRun.js";
import { chromiumMissing, launchChromium } from "./browser.js";
import { openRunView, serveRunView, type RunViewPage } from "./runsHost.js";

const root = join(__dirname, "../..");
const PROJECT = "demo";
const APP = "chat-7f3a";

describe("webview: annotations in the run view (Chromium)", function () {
  this.timeout(90_000);
  let browser: Browser;
  let server: { origin: string; close(): Promise<void> };
  let t: { dir: string; dispose: () => void };
  let reader: TrackingReader;
  const open: RunViewPage[] = [];

  before(async function () {
    const missing = chromiumMissing();
    if (missing) skipOrFail(this, missing);
    if (!existsSync(join(root, "dist/webview/runs.js"))) skipOrFail(this, "dist/webview/runs.js is missing: run node scripts/build.mjs first");
    t = tempDir("annot-view");
    writeRun(t.dir, PROJECT, APP, chatbotSteps(2), { partitionKey: "user-42" });
    reader = new TrackingReader(t.dir);
    server = await serveRunView();
    browser = await launchChromium();
  });

  afterEach(async () => {
    for (const v of open.splice(0)) {
      assert.deepEqual(v.errors, [], "the page threw");
      assert.deepEqual(await v.page.evaluate(() => (window as unknown as { __cspViolations: string[] }).__cspViolations), [], "CSP violations");
      await v.page.context().close();
    }
  });

  after(async () => {
    await browser?.close();
    await server?.close();
    t?.dispose();
  });

  async function view(seq: number): Promise<RunViewPage> {
    const v = await openRunView(browser, server.origin, t.dir, PROJECT, APP, seq);
    open.push(v);
    return v;
  }

  /** Waits until the host has answered `n` requests and the card shows `count` annotations. */
  async function settled(v: RunViewPage, count: number): Promise<void> {
    await v.page.waitForFunction((n) => document.querySelectorAll(".annotation").length === n && !document.querySelector(".annot-status")?.textContent?.includes("Saving"), count);
  }

  it("creates an annotation on a span with tags, a verdict, a note, a ground truth and pointers; Burr's record lands on disk", async () => {
    const v = await view(2); // aiResponse: spans buildPrompt, llmCall, streamTokens
    const { page } = v;
    assert.match(await page.textContent(".annotations") ?? "", /No annotations on this step yet/);
    await page.click(".annot-add");
    const llm = v.step.spans.find((s) => s.name === "llmCall")!;
    await page.selectOption(".annot-target", llm.spanId);
    await page.fill(".annot-tags", "wrong-answer, golden, wrong-answer");
    await page.click('[data-thumbs="down"]');
    await page.fill(".annot-note", "Says third VP; the user asked about the duel.");
    await page.fill(".annot-truth", "Aaron Burr shot Alexander Hamilton in 1804.");
    await page.check('[data-pointer="state_field:response"]');
    await page.check('[data-pointer="attribute:model"]'); // the span's attribute, offered once the span is chosen
    await page.click(".annot-save");
    await settled(v, 1);

    const [a] = await reader.listAnnotations(PROJECT, { appId: APP });
    assert.equal(a.step_sequence_id, 2);
    assert.equal(a.step_name, "aiResponse");
    assert.equal(a.partition_key, "user-42");
    assert.equal(a.span_id, llm.spanId);
    assert.deepEqual(a.tags, ["wrong-answer", "golden"]);
    assert.deepEqual(a.observations, [{
      data_fields: { note: "Says third VP; the user asked about the duel.", ground_truth: "Aaron Burr shot Alexander Hamilton in 1804." },
      thumbs_up_thumbs_down: false,
      data_pointers: [{ type: "state_field", field_name: "response", span_id: null }, { type: "attribute", field_name: "model", span_id: llm.spanId }],
    }]);
    const shown = await page.textContent(".annotation");
    for (const text of ["span llmCall", "wrong-answer", "golden", "✗ bad", "Says third VP", "Aaron Burr shot Alexander Hamilton in 1804.", "response", "model"]) assert.ok(shown?.includes(text), `shows ${text}: ${shown}`);
    assert.equal(await page.locator(".annotation-form").count(), 0, "the form closes once saved");
  });

  it("edits an annotation: the form opens filled in, and saving rewrites the record in place", async () => {
    const v = await view(2);
    const { page } = v;
    await settled(v, 1);
    await page.click(".annot-edit");
    assert.equal(await page.inputValue(".annot-tags"), "wrong-answer, golden");
    assert.equal(await page.inputValue(".annot-note"), "Says third VP; the user asked about the duel.");
    assert.equal(await page.getAttribute('[data-thumbs="down"]', "aria-checked"), "true");
    assert.ok(await page.isChecked('[data-pointer="attribute:model"]'));
    await page.fill(".annot-tags", "golden");
    await page.fill(".annot-note", "Fine after all.");
    await page.click('[data-thumbs="up"]');
    await page.uncheck('[data-pointer="attribute:model"]');
    await page.click(".annot-save");
    await page.waitForFunction(() => document.querySelector(".annotation")?.textContent?.includes("Fine after all.") && !document.querySelector(".annotation-form"));
    const all = await reader.listAnnotations(PROJECT, { appId: APP });
    assert.equal(all.length, 1, "edited, not added");
    assert.deepEqual(all[0].tags, ["golden"]);
    assert.equal(all[0].observations[0].thumbs_up_thumbs_down, true);
    assert.equal(all[0].observations[0].data_fields.note, "Fine after all.");
    assert.equal(all[0].observations[0].data_fields.ground_truth, "Aaron Burr shot Alexander Hamilton in 1804.", "an untouched ground truth is kept");
    assert.deepEqual(all[0].observations[0].data_pointers.map((p) => p.field_name), ["response"]);
  });

  it("filters the step's annotations by tag, and refuses an empty annotation with a reason", async () => {
    const v = await view(2);
    const { page } = v;
    await settled(v, 1);
    await page.click(".annot-add");
    await page.click(".annot-save");
    assert.match(await page.textContent(".annot-status") ?? "", /Add a tag, a verdict, a note/);
    await page.fill(".annot-tags", "tone");
    await page.fill(".annot-note", "Too formal.");
    await page.click(".annot-save");
    await settled(v, 2);
    await page.click('.tag-chip[data-tag="tone"]');
    assert.equal(await page.locator(".annotation").count(), 1);
    assert.match(await page.textContent(".annotation") ?? "", /Too formal/);
    await page.click('.tag-chip[data-tag="golden"]');
    assert.equal(await page.locator(".annotation").count(), 1);
    assert.match(await page.textContent(".annotation") ?? "", /Fine after all/);
    await page.click(".tag-chip:not([data-tag])");
    assert.equal(await page.locator(".annotation").count(), 2);
  });

  it("deletes only after a confirmation, and Keep leaves it", async () => {
    const v = await view(2);
    const { page } = v;
    await settled(v, 2);
    const tone = page.locator(".annotation", { hasText: "Too formal" });
    await tone.locator(".annot-delete").click();
    await tone.locator(".annot-keep").click();
    assert.equal(await page.locator(".annotation").count(), 2);
    await tone.locator(".annot-delete").click();
    await tone.locator(".annot-confirm-delete").click();
    await settled(v, 1);
    const all = await reader.listAnnotations(PROJECT, { appId: APP });
    assert.deepEqual(all.map((a) => a.tags), [["golden"]]);
  });

  it("renders hostile tags, notes, ground truths and pointers as text, never as markup", async () => {
    const hostile = `<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>`;
    await reader.annotate(PROJECT, {
      appId: APP, partitionKey: "user-42", stepSequenceId: 0, stepName: "humanInput", tags: [hostile, "\u202eevil"],
      observations: [{ data_fields: { note: hostile, ground_truth: { html: hostile } }, thumbs_up_thumbs_down: null, data_pointers: [{ type: "state_field", field_name: hostile, span_id: null }] }],
    });
    const v = await view(0);
    const { page } = v;
    await settled(v, 1);
    assert.equal(await page.locator(".annotations img, .annotations script").count(), 0, "no element was made from user text");
    assert.equal(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned), undefined);
    const text = await page.textContent(".annotation");
    assert.ok(text?.includes(hostile), "the note is shown as the text it is");
    assert.ok(text?.includes('"html"'), "a non-text ground truth shows as JSON");
    // Editing it keeps the pointer Burr's UI (or anyone) wrote, though this step has no such field.
    await page.click(".annot-edit");
    assert.equal(await page.inputValue(".annot-tags"), `${hostile}, \u202eevil`);
    assert.equal(await page.locator(".annotation-form img").count(), 0);
    await page.fill(".annot-note", "cleaned");
    await page.click(".annot-save");
    await page.waitForFunction(() => !document.querySelector(".annotation-form"));
    const [a] = await reader.listAnnotations(PROJECT, { appId: APP, stepSequenceId: 0 });
    assert.deepEqual(a.observations[0].data_fields.ground_truth, { html: hostile }, "an untouched non-text ground truth keeps its type");
    assert.deepEqual(a.observations[0].data_pointers, [{ type: "state_field", field_name: hostile, span_id: null }]);
  });

  it("shows the host's refusal in the form (the annotation was deleted by another writer meanwhile)", async () => {
    const v = await view(0);
    const { page } = v;
    await settled(v, 1);
    await page.click(".annot-edit");
    const [a] = await reader.listAnnotations(PROJECT, { appId: APP, stepSequenceId: 0 });
    await reader.deleteAnnotation(PROJECT, a.id);
    await page.fill(".annot-note", "too late");
    await page.click(".annot-save");
    await page.waitForFunction(() => document.querySelector(".annot-status.annot-error")?.textContent?.includes("Could not save"));
    assert.match(await page.textContent(".annot-status") ?? "", new RegExp(`annotation #${a.id} on step 0 \\(humanInput\\) of app ${APP}`));
    assert.equal(await page.isEnabled(".annot-save"), true, "the user can try again or cancel");
  });

  it("keeps the open form, its text and its focus while the list is redrawn for another writer's change", async () => {
    const v = await view(1);
    const { page } = v;
    await settled(v, 0);
    await page.click(".annot-add");
    await page.fill(".annot-note", "half typed");
    await page.focus(".annot-note");
    await reader.annotate(PROJECT, { appId: APP, partitionKey: "user-42", stepSequenceId: 1, stepName: "safetyCheck", tags: ["elsewhere"], observations: [] });
    await v.index.invalidate(v.source.id, PROJECT); // what the tracking watcher does when annotations.jsonl changes
    await page.waitForSelector('.annotation .tag:text("elsewhere")');
    assert.equal(await page.inputValue(".annot-note"), "half typed");
    assert.equal(await page.evaluate(() => document.activeElement?.className), "annot-note", "focus stayed in the note");
    await page.keyboard.type(", finished");
    assert.equal(await page.inputValue(".annot-note"), "half typed, finished");
    await page.click(".annot-cancel");
    await page.waitForFunction(() => !document.querySelector(".annotation-form"));
  });

  it("says why a run cannot be annotated and offers no form (a host that cannot store)", async () => {
    const v = await view(1);
    const { page } = v;
    await page.evaluate(() => (window as unknown as { __deliver(m: unknown): void }).__deliver({
      type: "annotations", data: { project: "demo", appId: "chat-7f3a", partitionKey: "user-42", sequenceId: 1, annotations: [], projectTags: [], writable: false, readOnlyReason: "db.sqlite is a persister database" },
    }));
    await page.waitForSelector(".annot-readonly");
    assert.match(await page.textContent(".annot-readonly") ?? "", /persister database/);
    assert.equal(await page.locator(".annot-add").count(), 0);
    assert.ok(readFileSync(join(t.dir, PROJECT, "annotations.jsonl"), "utf8").length > 0);
  });

  it("pictures a step with annotations and the form open (docs/annotations-run-view.png with BURR_UPDATE_SCREENSHOTS=1)", async () => {
    writeRun(t.dir, PROJECT, "chat-b2e1", chatbotSteps(1), { partitionKey: "user-7" });
    const first = await openRunView(browser, server.origin, t.dir, PROJECT, "chat-b2e1", 2);
    open.push(first);
    const spans = first.step.spans;
    const llm = spans.find((s) => s.name === "llmCall")!;
    await reader.annotate(PROJECT, {
      appId: "chat-b2e1", partitionKey: "user-7", stepSequenceId: 2, stepName: "aiResponse", tags: ["wrong-answer", "golden"],
      observations: [{ data_fields: { note: "Answers with the vice presidency; the user asked who he was.", ground_truth: "Aaron Burr was the third Vice President and shot Alexander Hamilton in 1804." }, thumbs_up_thumbs_down: false, data_pointers: [{ type: "state_field", field_name: "response", span_id: null }] }],
    });
    await reader.annotate(PROJECT, {
      appId: "chat-b2e1", partitionKey: "user-7", stepSequenceId: 2, stepName: "aiResponse", spanId: llm.spanId, tags: ["latency"],
      observations: [{ data_fields: { note: "775 ms in the model call." }, thumbs_up_thumbs_down: null, data_pointers: [{ type: "attribute", field_name: "model", span_id: llm.spanId }] }],
    });
    const v = await openRunView(browser, server.origin, t.dir, PROJECT, "chat-b2e1", 2, { width: 1100, height: 1040 });
    open.push(v);
    await settled(v, 2);
    await v.page.click(".annot-add");
    await v.page.fill(".annot-tags", "tone");
    await v.page.click('[data-thumbs="up"]');
    await v.page.fill(".annot-note", "Friendly enough.");
    assert.equal(await v.page.locator(".annotation").count(), 2);
    const shot = process.env.BURR_UPDATE_SCREENSHOTS === "1" ? join(root, "docs/annotations-run-view.png") : join(tmpdir(), "burr-annotations-run-view.png");
    await v.page.screenshot({ path: shot });
    assert.ok(statSync(shot).size > 10_000, "the screenshot has content");
  });
});

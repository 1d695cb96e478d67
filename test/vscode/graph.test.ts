// The packaged extension inside a real VS Code (code-server): diagnostics in
// the Problems panel, "Burr: Show Graph" drawing the app in a webview, and the
// graph following an edit. Each test starts from a reset workbench (no editors,
// dialogs, quick inputs or panel) and opens what it needs itself.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { skipOrFail } from "../support/skip.js";
import { chromiumMissing } from "../webview/browser.js";
import { answerSaveDialog, codeServerMissing, focusEditor, openFile, packageExtension, quickInputRow, problemRows, resetUi, runCommand, startCodeServer, waitForFile, webviewFrame, type CodeServer } from "./harness.js";

describe("extension in VS Code (code-server): live graph", function () {
  this.timeout(240_000);
  let vscode: CodeServer | null = null;
  let packDir = "";

  before(async function () {
    const missing = codeServerMissing() ?? chromiumMissing();
    if (missing) skipOrFail(this, missing);
    packDir = mkdtempSync(join(tmpdir(), "burr-vsix-"));
    const { vsix, bytes } = await packageExtension(packDir);
    console.log(`      packaged ${vsix}: ${(bytes / 1024 / 1024).toFixed(2)} MB`);
    assert.ok(bytes < 15 * 1024 * 1024, `the .vsix is ${bytes} bytes; the target is 15 MB or less`);
    vscode = await startCodeServer({ vsix, fixture: "workspace", settings: { "burr.graph.debounceMs": 100 } });
  });

  afterEach(async function () {
    if (!vscode) return;
    if (this.currentTest?.state === "failed") {
      console.log(`      screenshot of the failure: ${await vscode.screenshot(`vscode-failed-${this.currentTest.title.replace(/\W+/g, "-")}`)}`);
    }
    await resetUi(vscode.page);
  });

  /** The chatbot's graph in its panel, drawn. */
  const showGraph = async () => {
    const { page } = vscode!;
    await openFile(page, "chatbot/app.ts");
    await runCommand(page, "Burr: Show Graph");
    const view = webviewFrame(page);
    // Drawn by elkjs, not the quick first picture.
    await view.locator("body[data-rendered]:not([data-quick])").waitFor({ state: "attached", timeout: 60_000 });
    await view.locator('.node.action[data-action="safetyCheck"]').waitFor({ timeout: 60_000 });
    return view;
  };

  after(async () => {
    await vscode?.close();
    if (packDir) rmSync(packDir, { recursive: true, force: true });
  });

  it("shows the seeded mistake as a Burr diagnostic in the Problems panel", async () => {
    const { page } = vscode!;
    await openFile(page, "chatbot/app.ts");
    const rows = await problemRows(page);
    const burr = rows.filter({ hasText: "aiRespose" }).first();
    await burr.waitFor({ timeout: 60_000 });
    const text = (await burr.textContent()) ?? "";
    assert.match(text, /aiRespose/);
    // The status item counts the app and says analysis runs.
    await page.locator(".statusbar-item", { hasText: "Burr: 1 app" }).waitFor();
  });

  it("Burr: Show Graph draws the app in a webview", async () => {
    const { page } = vscode!;
    await openFile(page, "chatbot/app.ts");
    await runCommand(page, "Burr: Show Graph");
    const view = webviewFrame(page);
    for (const name of ["humanInput", "safetyCheck", "aiResponse", "unsafeResponse"]) {
      await view.locator(`.node.action[data-action="${name}"]`).waitFor({ timeout: 60_000 });
    }
    // The misspelt target is drawn as a name the app does not have, and its edge carries the condition.
    await view.locator('.node.unknown[data-node-id="u:aiRespose"]').waitFor();
    const labels = await view.locator(".edge-label text").allTextContents();
    assert.ok(labels.includes("safe=true") || labels.some((l) => /safe/.test(l)), `edge labels: ${labels.join(", ")}`);
  });

  it("clicking an action in the graph opens its definition in the editor", async () => {
    const { page } = vscode!;
    const view = await showGraph();
    await view.locator('.node.action[data-action="safetyCheck"] .node-box').click();
    // safetyCheck is declared on line 13 of chatbot/app.ts; the cursor lands there.
    await page.locator(".statusbar-item", { hasText: /^Ln 13, Col/ }).waitFor();
  });

  it("Burr: Export Graph as SVG saves the drawing where the save dialog says", async () => {
    const { page, workspace } = vscode!;
    const target = join(workspace, "app.svg");
    await showGraph();
    await runCommand(page, "Burr: Export Graph as SVG");
    await answerSaveDialog(page, target);
    const svg = await waitForFile(target, (text) => text.trimEnd().endsWith("</svg>"));
    assert.match(svg, /^<svg [^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    for (const name of ["humanInput", "safetyCheck", "unsafeResponse", "aiRespose"]) assert.ok(svg.includes(`>${name}<`), `${name} is in the SVG`);
  });

  it("redraws the graph when its tab comes back (the view reloads and the host replays it)", async () => {
    const { page } = vscode!;
    await showGraph();
    const graphTab = page.locator(".tabs-container .tab", { hasText: "Burr: app" }).first();
    await graphTab.click();
    // Open another file over the graph in the same group: the webview is torn down.
    await page.locator("iframe.webview.ready:visible").waitFor();
    await (await quickInputRow(page, "Control+P", "package.json", "package.json")).click();
    await page.locator('.tabs-container .tab.active[data-resource-name="package.json"]').waitFor();
    await page.locator("iframe.webview.ready:visible").waitFor({ state: "detached" });
    await graphTab.click();
    await webviewFrame(page).locator('.node.action[data-action="safetyCheck"]').waitFor();
  });

  it("follows an edit: fixing the typo redraws the graph without the unknown node", async () => {
    const { page } = vscode!;
    const view = await showGraph();
    await view.locator(".node.unknown").waitFor();
    const editor = await focusEditor(page, "app.ts");
    // Fix the misspelt name with the editor's own Replace All (typing quotes would auto-close).
    await editor.click();
    await page.keyboard.press("Control+H");
    const find = page.locator(".find-widget .find-part textarea, .find-widget .find-part input").first();
    const replace = page.locator(".find-widget .replace-part textarea, .find-widget .replace-part input").first();
    await find.fill("aiRespose");
    await replace.fill("aiResponse");
    await replace.press("Control+Alt+Enter");
    await page.keyboard.press("Escape");
    await view.locator(".node.unknown").waitFor({ state: "detached", timeout: 60_000 });
    // Attached, not "visible": a straight vertical edge has a zero-width box.
    await view.locator('.edge[data-key="safetyCheck->aiResponse"]').waitFor({ state: "attached" });
  });
});

// Tracked Runs in a real VS Code (code-server, the packaged extension): a demo
// run written while VS Code is open appears in the sidebar by itself; opening
// a step shows its state in the run view.
import assert from "node:assert/strict";
import { copyFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chat, chatbotBuilder } from "../../examples/chatbot/app.js";
import { skipOrFail } from "../support/skip.js";
import { chromiumMissing } from "../webview/browser.js";
import { codeServerMissing, packageExtension, startCodeServer, webviewFrame, type CodeServer } from "./harness.js";

describe("extension in VS Code (code-server): Tracked Runs", function () {
  this.timeout(240_000);
  let vscode: CodeServer | null = null;
  let tmp = "";
  let trackingDir = "";

  before(async function () {
    const missing = codeServerMissing() ?? chromiumMissing();
    if (missing) skipOrFail(this, missing);
    tmp = mkdtempSync(join(tmpdir(), "burr-runs-vscode-"));
    // Not created yet: the first run creates it, and the sidebar must notice.
    trackingDir = join(tmp, "tracking");
    const { vsix } = await packageExtension(tmp);
    vscode = await startCodeServer({ vsix, fixture: "workspace", settings: { "burr.trackingDir": trackingDir } });
  });

  after(async () => {
    await vscode?.close();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it("shows a demo run written while the view is open, and a step's state in the run view", async () => {
    const { page } = vscode!;
    await page.locator('.activitybar [aria-label^="Burr"]').first().click();
    const rows = page.locator('[id="workbench.view.extension.burr"] .monaco-list-row');
    await rows.filter({ hasText: "No runs yet" }).first().waitFor({ timeout: 60_000 });

    // The demo chatbot, through the real runtime and tracker, into the configured directory.
    const app = chatbotBuilder({ configure: (b) => b.withTracker("local", { project: "demo", storageDir: trackingDir }), partitionKey: "user-7" }).build();
    await chat(app, "Who was Aaron Burr?");
    await chat(app, "<b>Is markup</b> shown as text?");

    const project = rows.filter({ hasText: "demo" }).first();
    await project.waitFor({ timeout: 60_000 });
    await project.click();
    const appRow = rows.filter({ hasText: app.uid }).first();
    await appRow.waitFor();
    assert.match((await appRow.textContent()) ?? "", /completed · 6 steps · pk user-7/);
    await appRow.click();
    const step = rows.filter({ hasText: "3 · humanInput" }).first();
    await step.waitFor();
    await step.click();

    const view = webviewFrame(page);
    await view.locator(".top .action", { hasText: "humanInput" }).waitFor({ timeout: 60_000 });
    const state = view.locator(".state");
    await state.getByText('"<b>Is markup</b> shown as text?"').first().waitFor();
    assert.equal(await view.locator(".state b").count(), 0, "markup in state is text");
    assert.match((await view.locator(".changes").textContent()) ?? "", /chatHistory appended 1 item/);
    const shot = await vscode!.screenshot("vscode-runs");
    if (process.env.BURR_UPDATE_SCREENSHOTS === "1") copyFileSync(shot, "docs/runs-vscode.png");
  });

  it("Open graph from the run view shows the app's graph with the path it took", async () => {
    const { page } = vscode!;
    await webviewFrame(page).locator('button[data-command="openGraph"]').click();
    // The graph panel may open beside the run view: look in every visible webview.
    const frames = page.locator("iframe.webview.ready:visible");
    const visited = async (name: string) => {
      for (let i = 0; i < (await frames.count()); i++) {
        const node = frames.nth(i).contentFrame().frameLocator("#active-frame").locator(`.node.action.visited[data-action="${name}"]`);
        if (await node.count()) return true;
      }
      return false;
    };
    for (let tries = 0; !(await visited("aiResponse")); tries++) {
      assert.ok(tries < 120, "the graph never showed aiResponse as visited");
      await page.waitForTimeout(500); // polls a condition spread over several frames
    }
    assert.equal(await visited("safetyCheck"), true);
    assert.equal(await visited("unsafeResponse"), false, "the run never took the unsafe branch");
  });
});

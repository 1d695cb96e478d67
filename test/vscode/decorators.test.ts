// Decorated actions inside a real VS Code (code-server), with the packaged
// extension: a typo in a transition of an app built from a class's @action
// methods is flagged, the graph shows the class's actions, and a breakpoint
// on a method's line stops the debugger before that action.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { skipOrFail } from "../support/skip.js";
import { chromiumMissing } from "../webview/browser.js";
import { codeServerMissing, openFile, packageExtension, problemRows, REPO, runCommand, startCodeServer, webviewFrame, type CodeServer } from "./harness.js";

describe("extension in VS Code (code-server): decorated actions", function () {
  this.timeout(300_000);
  let vscode: CodeServer | null = null;
  let packDir = "";

  before(async function () {
    const missing = codeServerMissing() ?? chromiumMissing();
    if (missing) skipOrFail(this, missing);
    packDir = mkdtempSync(join(tmpdir(), "burr-vsix-"));
    const { vsix } = await packageExtension(packDir);
    vscode = await startCodeServer({ vsix, fixture: "decorated-workspace", settings: { "burr.graph.debounceMs": 100 } });
    // A user's workspace has tsx installed next to burr-ts; the packaged extension carries none.
    symlinkSync(join(REPO, "node_modules/tsx"), join(vscode.workspace, "node_modules/tsx"), "dir");
  });

  afterEach(async function () {
    if (this.currentTest?.state === "failed" && vscode) {
      console.log(`      screenshot of the failure: ${await vscode.screenshot(`vscode-decorated-failed-${this.currentTest.title.replace(/\W+/g, "-")}`)}`);
    }
  });

  after(async () => {
    await vscode?.close();
    if (packDir) rmSync(packDir, { recursive: true, force: true });
  });

  it("flags a misspelt action in a transition of an app built with actionsOf", async () => {
    const { page } = vscode!;
    await openFile(page, "typo.ts");
    const rows = await problemRows(page);
    const row = rows.filter({ hasText: "anwser" }).first();
    await row.waitFor({ timeout: 60_000 });
    assert.match((await row.textContent()) ?? "", /Did you mean "answer"/);
  });

  it("Burr: Show Graph draws the class's actions", async () => {
    const { page } = vscode!;
    await openFile(page, "app.ts");
    await runCommand(page, "Burr: Show Graph");
    const view = webviewFrame(page);
    // Drawn by elkjs, not the quick first picture (a click on that one may land on a box being replaced).
    await view.locator("body[data-rendered]:not([data-quick])").waitFor({ state: "attached", timeout: 60_000 });
    for (const name of ["humanInput", "safetyCheck", "answer"]) {
      await view.locator(`.node.action[data-action="${name}"]`).waitFor({ timeout: 60_000 });
    }
    // Clicking an action opens its method: safetyCheck is declared on line 13 of bot.ts.
    await view.locator('.node.action[data-action="safetyCheck"] .node-box').click();
    await page.locator(".tabs-container .tab.active[data-resource-name=\"bot.ts\"]").waitFor({ timeout: 30_000 });
    await page.locator(".statusbar-item", { hasText: /^Ln 13, Col/ }).waitFor({ timeout: 30_000 });
  });

  it("a breakpoint on a decorated method's line stops before that action", async () => {
    const { page } = vscode!;
    const editor = await openFile(page, "bot.ts"); // each test opens what it needs: the UI is reset between tests
    await editor.click();
    // Line 14 is safetyCheck's first body line.
    await page.keyboard.press("Control+G");
    await page.keyboard.type("14");
    await page.keyboard.press("Enter");
    await page.locator(".statusbar-item", { hasText: /^Ln 14, Col/ }).waitFor({ timeout: 30_000 });
    await page.keyboard.press("F9");
    await page.locator(".codicon-debug-breakpoint, .codicon-debug-breakpoint-unverified").first().waitFor({ timeout: 30_000 });
    await openFile(page, "app.ts");
    await runCommand(page, "Burr: Debug App");
    const callStack = page.locator(".debug-call-stack .monaco-list-row");
    await callStack.filter({ hasText: "humanInput (next, sequence 0)" }).first().waitFor({ timeout: 90_000 });
    await page.keyboard.press("F5");
    await callStack.filter({ hasText: "safetyCheck (next, sequence 1)" }).first().waitFor({ timeout: 60_000 });
    // The frame points at the method: its editor is active.
    await page.locator('.tabs-container .tab.active[data-resource-name="bot.ts"]').waitFor({ timeout: 30_000 });
    await page.keyboard.press("Shift+F5");
  });
});

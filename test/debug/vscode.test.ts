// The debugger inside a real VS Code (code-server): "Burr: Debug App" on an
// open file launches it inline, stops before the first action, steps, shows
// the call stack and state, and paints the graph. BURR_WRITE_DOCS=1 saves
// the picture of the checked state the README uses (docs/debugger.png).
import assert from "node:assert/strict";
import { copyFileSync, mkdtempSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { skipOrFail } from "../support/skip.js";
import { codeServerMissing, openFile, packageExtension, REPO, runCommand, startCodeServer, webviewFrame, type CodeServer } from "../vscode/harness.js";

describe("debugger: inside VS Code (code-server)", function () {
  this.timeout(240_000);
  let vscode: CodeServer | null = null;

  before(async function () {
    const missing = codeServerMissing();
    if (missing) skipOrFail(this, missing);
    const { vsix } = await packageExtension(mkdtempSync(join(tmpdir(), "burr-debug-vsix-")));
    vscode = await startCodeServer({ vsix, fixture: "debug/workspace" });
    // A user's workspace has tsx installed next to burr-ts; the packaged extension carries none.
    symlinkSync(join(REPO, "node_modules/tsx"), join(vscode.workspace, "node_modules/tsx"), "dir");
  });
  after(async () => {
    await vscode?.close();
  });

  it("debugs the open file: stops before the first action, steps, shows frames and state", async () => {
    const page = vscode!.page;
    await openFile(page, "chatbot.ts");
    await runCommand(page, "Burr: Debug App");
    const callStack = page.locator(".debug-call-stack .monaco-list-row");
    await callStack
      .filter({ hasText: "humanInput (next, sequence 0)" })
      .first()
      .waitFor({ timeout: 60_000 })
      .catch(async (err: Error) => {
        throw new Error(`${err.message}\nscreen: ${await vscode!.screenshot("debugger-failed")}`);
      });

    for (let i = 0; i < 2; i++) {
      const before = await callStack.count();
      await page.keyboard.press("F10");
      await page.waitForFunction((n) => document.querySelectorAll(".debug-call-stack .monaco-list-row").length > n, before, { timeout: 30_000 });
    }
    await callStack.filter({ hasText: "aiResponse (next, sequence 2)" }).first().waitFor({ timeout: 30_000 });
    const rows = await callStack.allInnerTexts();
    assert.ok(rows.some((r) => r.includes("safetyCheck (sequence 1)")), rows.join(" | "));
    const variables = page.locator(".debug-variables .monaco-list-row");
    await variables.filter({ hasText: "safe" }).first().waitFor({ timeout: 30_000 });
    // The graph view opened by the session paints the action about to run and the path taken.
    const graph = webviewFrame(page);
    await graph.locator('g.node.current[data-node-id]', { hasText: "aiResponse" }).waitFor({ timeout: 60_000 });
    assert.equal(await graph.locator("g.node.visited", { hasText: "safetyCheck" }).count(), 1);
    // The panel opened at launch (its page loading while the program started) is the one the app's graph took over.
    const graphTabs = page.locator(".tabs-container .tab", { hasText: "Debug burr-ts app" });
    assert.deepEqual((await graphTabs.allInnerTexts()).map((t) => /·/.test(t)), [true], "one graph panel, titled by its app");
    await page.mouse.move(700, 750); // no toolbar tooltip in the picture
    await page.locator(".monaco-hover:visible, .custom-hover:visible").first().waitFor({ state: "detached", timeout: 5_000 }).catch(() => undefined);
    // The picture of what was just checked is saved only to refresh the docs.
    if (process.env.BURR_WRITE_DOCS === "1") copyFileSync(await vscode!.screenshot("debugger"), join(REPO, "docs/debugger.png"));
  });

  it("F5 on the app's file with no launch.json debugs it", async () => {
    const page = vscode!.page;
    const callStack = page.locator(".debug-call-stack .monaco-list-row");
    await page.keyboard.press("Shift+F5"); // end the first test's session
    await callStack.first().waitFor({ state: "detached", timeout: 30_000 });
    await openFile(page, "chatbot.ts");
    await page.keyboard.press("F5");
    // VS Code asks which debugger when several handle TypeScript; pick Burr if it asks.
    const picker = page.locator(".quick-input-widget .monaco-list-row", { hasText: "Burr" }).first();
    const stopped = callStack.filter({ hasText: "humanInput (next, sequence 0)" }).first();
    await Promise.race([picker.waitFor({ timeout: 30_000 }).then(() => picker.click()), stopped.waitFor({ timeout: 30_000 })]);
    await stopped.waitFor({ timeout: 60_000 });
    // The same launch again paints the panel it painted last: no second panel, none opened at launch.
    await webviewFrame(page).locator("g.node.current", { hasText: "humanInput" }).waitFor({ timeout: 60_000 });
    assert.equal(await page.locator(".tabs-container .tab", { hasText: "Debug burr-ts app" }).count(), 1);
    await page.keyboard.press("Shift+F5");
  });

  it("the Debug code lens over the app debugs it", async () => {
    const page = vscode!.page;
    const callStack = page.locator(".debug-call-stack .monaco-list-row");
    await callStack.first().waitFor({ state: "detached", timeout: 30_000 });
    const editor = await openFile(page, "chatbot.ts");
    await editor.click();
    await page.keyboard.press("Control+End"); // the lens sits over the builder chain, below the first screen
    const lens = page.locator(".codelens-decoration a:visible", { hasText: /^Debug$/ }).first();
    await lens.waitFor({ timeout: 60_000 });
    await lens.click();
    await callStack.filter({ hasText: "humanInput (next, sequence 0)" }).first().waitFor({ timeout: 60_000 });
    await page.keyboard.press("Shift+F5");
  });
});

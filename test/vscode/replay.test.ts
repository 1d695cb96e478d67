// Replay with the current code in a real VS Code (code-server, the packaged
// extension): a launch configuration with "replay" and "program" replays a
// tracked run of the example chatbot through its code; after the example's
// safety check is edited, "Re-run Step with Current Code" (the debug
// toolbar's button) runs the safety check again and the other branch is taken.
import assert from "node:assert/strict";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { recordChatbot } from "../replay/support.js";
import { skipOrFail } from "../support/skip.js";
import { chromiumMissing } from "../webview/browser.js";
import { codeServerMissing, packageExtension, REPO, resetUi, runCommand, startCodeServer, type CodeServer } from "./harness.js";

const CONFIG = "Replay with current code";

describe("extension in VS Code (code-server): replay with the current code", function () {
  this.timeout(300_000);
  let vscode: CodeServer | null = null;
  let tmp = "";
  let runDir = "";

  before(async function () {
    const missing = codeServerMissing() ?? chromiumMissing();
    if (missing) skipOrFail(this, missing);
    tmp = mkdtempSync(join(tmpdir(), "burr-replay-vscode-"));
    runDir = await recordChatbot(join(tmp, "tracking"), "vscode-run");
    const { vsix } = await packageExtension(tmp);
    vscode = await startCodeServer({ vsix, fixture: "runs/workspace" });
    // The example chatbot as a user's project holds it (CommonJS: it checks require.main), and a launch configuration for it.
    const example = join(vscode.workspace, "examples/chatbot");
    cpSync(join(REPO, "examples/chatbot"), example, { recursive: true });
    writeFileSync(join(example, "package.json"), JSON.stringify({ type: "commonjs" }));
    mkdirSync(join(vscode.workspace, ".vscode"), { recursive: true });
    writeFileSync(
      join(vscode.workspace, ".vscode/launch.json"),
      JSON.stringify({ version: "0.2.0", configurations: [{ type: "burr", request: "launch", name: CONFIG, program: "${workspaceFolder}/examples/chatbot/app.ts", replay: runDir, stopOnEntry: true }] }, null, 2),
    );
  });

  afterEach(async function () {
    if (!vscode) return;
    if (this.currentTest?.state === "failed") console.log(`      screen at the failure: ${await vscode.screenshot("replay-failed")}`);
    await resetUi(vscode.page);
  });

  after(async () => {
    await vscode?.close();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it("edit the example's safety check, re-run the step: the other branch is taken", async () => {
    const { page, workspace } = vscode!;
    const app = join(workspace, "examples/chatbot/app.ts");
    await runCommand(page, "Debug: Select and Start Debugging");
    // The command reuses the quick input for its list of launch configurations.
    const pick = page.locator(".quick-input-widget .monaco-list-row", { hasText: CONFIG }).first();
    await pick.waitFor({ timeout: 30_000 });
    await pick.click();
    const frames = page.locator(".debug-call-stack .monaco-list-row");
    await frames.filter({ hasText: "humanInput (next, sequence 0)" }).first().waitFor({ timeout: 120_000 });
    await page.locator('.debug-toolbar .action-label[aria-label^="Step Over"]').first().click();
    await frames.filter({ hasText: "safetyCheck (next, sequence 1)" }).first().waitFor({ timeout: 60_000 });

    // The edit a user makes: "Burr" is now unsafe (the recorded first prompt asks about Aaron Burr).
    const source = readFileSync(app, "utf8");
    const check = `const safe = !state.get("prompt").includes("unsafe");`;
    assert.ok(source.includes(check));
    writeFileSync(app, source.replace(check, `const safe = !/unsafe|Burr/.test(state.get("prompt"));`));

    await page.locator('.debug-toolbar .action-label[aria-label="Re-run Step with Current Code"]').first().click();
    const toast = page.locator(".notifications-toasts .notification-toast", { hasText: "re-ran step 1" }).first();
    await toast.waitFor({ timeout: 120_000 });
    assert.match((await toast.textContent()) ?? "", /differs from the record: the result differs at result\.safe\. Next: unsafeResponse \(recorded aiResponse\)/);

    // The "Re-run" scope beside the step's own: the next action, recorded and now.
    const variables = page.locator(".debug-variables .monaco-list-row");
    const scope = variables.filter({ hasText: /^Re-run$/ }).first();
    await scope.waitFor({ timeout: 30_000 });
    if ((await scope.getAttribute("aria-expanded")) !== "true") await scope.click();
    const next = variables.filter({ hasText: /^next/ }).first();
    await next.waitFor({ timeout: 30_000 });
    if ((await next.getAttribute("aria-expanded")) !== "true") await next.click();
    await variables.filter({ hasText: /current.*unsafeResponse/ }).first().waitFor({ timeout: 30_000 });
    await variables.filter({ hasText: /recorded.*aiResponse/ }).first().waitFor({ timeout: 30_000 });

    // The debug console says the same, as text.
    await runCommand(page, "Debug Console: Focus on Debug Console View");
    const consoleRows = page.locator(".repl .monaco-list-row");
    await consoleRows.filter({ hasText: /next:\s+recorded aiResponse\s+now unsafeResponse/ }).first().waitFor({ timeout: 30_000 });
    if (process.env.BURR_REPLAY_SCREENSHOT) await page.screenshot({ path: process.env.BURR_REPLAY_SCREENSHOT });
  });
});

// "Burr: New Application" in a real VS Code (code-server) on a folder with
// nothing but a package.json: it writes the app, a tsconfig and a launch
// configuration, opens the app, says what is not installed yet, and the
// written configuration debugs the app once tsx is installed (no reload).
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { appTemplate } from "../../extension/src/scaffold/template.js";
import { skipOrFail } from "../support/skip.js";
import { chromiumMissing } from "../webview/browser.js";
import { codeServerMissing, packageExtension, REPO, runCommand, startCodeServer, type CodeServer } from "./harness.js";

describe("extension in VS Code (code-server): Burr: New Application", function () {
  this.timeout(240_000);
  let vscode: CodeServer | null = null;
  let packDir = "";
  // The app tracks under ~/.burr/<folder name>; runs this test makes are removed afterwards.
  const projectDir = join(homedir(), ".burr", "workspace");
  const before = new Set(existsSync(projectDir) ? readdirSync(projectDir) : []);

  const failWithScreen = (name: string) => async (err: Error) => {
    const page = vscode!.page;
    const toasts = await page.locator(".notification-toast").allInnerTexts();
    await runCommand(page, "Debug: Focus on Debug Console View").catch(() => undefined);
    const console = await page.locator(".repl .monaco-list-row").allInnerTexts().catch(() => []);
    throw new Error(`${err.message}\nscreen: ${await vscode!.screenshot(name)}\nnotifications: ${toasts.join(" | ")}\ndebug console: ${console.join("\n")}`);
  };

  this.beforeAll(async function () {
    const missing = codeServerMissing() ?? chromiumMissing();
    if (missing) skipOrFail(this, missing);
    packDir = mkdtempSync(join(tmpdir(), "burr-vsix-"));
    const { vsix } = await packageExtension(packDir);
    vscode = await startCodeServer({ vsix, fixture: "new-project" });
  });

  afterEach(async function () {
    if (this.currentTest?.state === "failed" && vscode) {
      console.log(`      screenshot of the failure: ${await vscode.screenshot(`vscode-failed-${this.currentTest.title.replace(/\W+/g, "-")}`)}`);
    }
  });

  after(async () => {
    await vscode?.close();
    if (packDir) rmSync(packDir, { recursive: true, force: true });
    if (existsSync(projectDir)) {
      for (const app of readdirSync(projectDir)) if (!before.has(app)) rmSync(join(projectDir, app), { recursive: true, force: true });
      if (readdirSync(projectDir).length === 0) rmSync(projectDir, { recursive: true });
    }
  });

  it("writes src/app.ts, tsconfig.json and a launch configuration, opens the app and names what to install", async () => {
    const { page, workspace } = vscode!;
    await runCommand(page, "Burr: New Application");
    const input = page.locator(".quick-input-widget .quick-input-box input");
    await input.waitFor({ state: "visible" });
    assert.equal(await input.inputValue(), "src/app.ts");
    await page.keyboard.press("Enter");

    // The app opens once it, the tsconfig and the launch configuration are written.
    await page.locator('.tabs-container .tab.active[data-resource-name="app.ts"]').waitFor({ timeout: 30_000 });
    assert.equal(readFileSync(join(workspace, "src/app.ts"), "utf8"), appTemplate("workspace", "src/app.ts"));
    const launch = JSON.parse(readFileSync(join(workspace, ".vscode/launch.json"), "utf8")) as { configurations: Record<string, unknown>[] };
    assert.deepEqual(launch.configurations, [
      { type: "burr", request: "launch", name: "Debug src/app.ts", program: "${workspaceFolder}/src/app.ts", cwd: "${workspaceFolder}", stopOnEntry: true },
    ]);
    assert.match(readFileSync(join(workspace, "tsconfig.json"), "utf8"), /"include": \["src"\]/);
    // burr-ts is linked into the workspace by the harness; tsx is not installed yet.
    await page.locator(".notification-toast", { hasText: "Not installed in workspace yet: tsx" }).first().waitFor({ timeout: 30_000 });
  });

  it("the written configuration debugs the app once tsx is installed", async () => {
    const { page, workspace } = vscode!;
    symlinkSync(join(REPO, "node_modules/tsx"), join(workspace, "node_modules/tsx"), "dir");
    await runCommand(page, "Debug: Start Debugging");
    if (!(await page.locator(".debug-viewlet").isVisible())) await page.locator('.activitybar [aria-label^="Run and Debug"]').first().click();
    const frames = page.locator(".debug-call-stack .monaco-list-row");
    await frames.filter({ hasText: "humanInput (next, sequence 0)" }).first().waitFor({ timeout: 90_000 }).catch(failWithScreen("new-app-debug"));
    await page.locator('.debug-toolbar .action-label[aria-label^="Stop"]').first().click();
    await frames.first().waitFor({ state: "detached", timeout: 30_000 });
  });
});

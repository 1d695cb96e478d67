// Tracked Runs in a real VS Code (code-server, the packaged extension): a demo
// run written while VS Code is open appears in the sidebar by itself; opening
// a step shows its state in the run view; then each action a user reaches from
// the tree (context menu, inline button) is driven and its effect checked:
// clipboard, generated test file, replay and fork sessions, annotations and the
// tag filter, deletion.
import assert from "node:assert/strict";
import { copyFileSync, cpSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { transform } from "esbuild";
import type { Locator, Page } from "playwright-core";
import { SQLitePersister, TrackingReader, type Application } from "burr-ts";
import { chat, chatbotBuilder, type ChatState } from "../../examples/chatbot/app.js";
import { skipOrFail } from "../support/skip.js";
import { chromiumMissing } from "../webview/browser.js";
import { answerSaveDialog, codeServerMissing, packageExtension, REPO, resetUi, runCommand, startCodeServer, waitForFile, webviewFrame, type CodeServer } from "./harness.js";

const MARKUP_PROMPT = "<b>Is markup</b> shown as text?";

/**
 * Right-clicks a tree row and runs a context menu entry. The menu ignores mouse-ups
 * for its first 100 ms (against accidental clicks) and shows nothing when it starts
 * listening, so the entry is clicked until the menu closes: a click that runs the
 * entry always closes the menu, so an entry never runs twice.
 */
async function contextMenu(page: Page, row: Locator, entry: string): Promise<void> {
  const menu = page.locator(".context-view .monaco-menu");
  const item = menu.locator(".action-item:not(.disabled)", { hasText: entry }).first();
  for (let attempt = 1; ; attempt++) {
    try {
      await row.click({ button: "right", timeout: 5_000 });
      await item.waitFor({ timeout: 5_000 });
      break;
    } catch (err) {
      if (attempt === 4) throw err;
      await page.keyboard.press("Escape"); // a re-render of the tree swallowed the menu: open it again
    }
  }
  for (let attempt = 1; ; attempt++) {
    await item.click();
    try {
      await menu.first().waitFor({ state: "hidden", timeout: 1_000 });
      return;
    } catch (err) {
      if (attempt === 10) throw err;
    }
  }
}

describe("extension in VS Code (code-server): Tracked Runs", function () {
  this.timeout(240_000);
  let vscode: CodeServer | null = null;
  let tmp = "";
  let trackingDir = "";
  let app: Application<ChatState>;
  let firstAnswer = "";

  const rows = () => vscode!.page.locator('[id="workbench.view.extension.burr"] .monaco-list-row');
  /** The Tracked Runs row with this text, after bringing the Burr sidebar back (a debug session switches to Run and Debug). */
  const row = async (text: string) => {
    const page = vscode!.page;
    if (!(await page.locator('[id="workbench.view.extension.burr"]').isVisible())) await page.locator('.activitybar [aria-label^="Burr"]').first().click();
    const found = rows().filter({ hasText: text }).first();
    await found.waitFor({ timeout: 30_000 });
    return found;
  };
  /** The call stack's rows, with Run and Debug shown (VS Code opens it for the first session only). */
  const callStack = async () => {
    const page = vscode!.page;
    if (!(await page.locator(".debug-viewlet").isVisible())) await page.locator('.activitybar [aria-label^="Run and Debug"]').first().click();
    return page.locator(".debug-call-stack .monaco-list-row");
  };
  /** Stops the debug session with the toolbar's button (keys could land in a webview) and waits for it to end. */
  const stopDebugging = async () => {
    const page = vscode!.page;
    await page.locator('.debug-toolbar .action-label[aria-label^="Stop"]').first().click();
    await (await callStack()).first().waitFor({ state: "detached", timeout: 30_000 });
  };
  const failWithScreen = (name: string) => async (err: Error) => {
    throw new Error(`${err.message}\nscreen: ${await vscode!.screenshot(name)}`);
  };

  before(async function () {
    const missing = codeServerMissing() ?? chromiumMissing();
    if (missing) skipOrFail(this, missing);
    tmp = mkdtempSync(join(tmpdir(), "burr-runs-vscode-"));
    // Not created yet: the first run creates it, and the sidebar must notice.
    trackingDir = join(tmp, "tracking");
    const { vsix } = await packageExtension(tmp);
    vscode = await startCodeServer({ vsix, fixture: "runs/workspace", settings: { "burr.trackingDir": trackingDir } });
    // A user's workspace has tsx installed next to burr-ts (Fork and Debug runs chatbot.ts under it).
    symlinkSync(join(REPO, "node_modules/tsx"), join(vscode.workspace, "node_modules/tsx"), "dir");
    // It is another checkout of the chatbot: runs recorded in this repository's examples/ map to its copy.
    cpSync(join(REPO, "examples/chatbot"), join(vscode.workspace, "examples/chatbot"), { recursive: true });
  });

  // Runs and apps written by earlier tests are data the later ones use; what is on screen is not.
  afterEach(async function () {
    if (!vscode) return;
    if (this.currentTest?.state === "failed") console.log(`      screen at the failure: ${await vscode.screenshot(`runs-failed-${this.currentTest.title.replace(/\W+/g, "-")}`)}`);
    await resetUi(vscode.page);
  });

  after(async () => {
    await vscode?.close();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it("shows a demo run written while the view is open, and a step's state in the run view", async () => {
    const { page } = vscode!;
    await page.locator('.activitybar [aria-label^="Burr"]').first().click();
    await rows().filter({ hasText: "No runs yet" }).first().waitFor({ timeout: 60_000 });

    // The demo chatbot, through the real runtime and tracker, into the configured directory;
    // also saved to the workspace's chatbot.db, which its program forks from.
    const persister = new SQLitePersister({ dbPath: join(vscode!.workspace, "chatbot.db") });
    app = chatbotBuilder({
      configure: (b) => b.withTracker("local", { project: "demo", storageDir: trackingDir }).withStatePersister(persister),
      partitionKey: "user-7",
    }).build();
    firstAnswer = await chat(app, "Who was Aaron Burr?");
    await chat(app, MARKUP_PROMPT);
    await persister.close();

    const project = rows().filter({ hasText: "demo" }).first();
    await project.waitFor({ timeout: 60_000 });
    await project.click();
    const appRow = rows().filter({ hasText: app.uid }).first();
    await appRow.waitFor();
    assert.match((await appRow.textContent()) ?? "", /completed · 6 steps · pk user-7/);
    await appRow.click();
    const step = rows().filter({ hasText: "3 · humanInput" }).first();
    await step.waitFor();
    await step.click();

    const view = webviewFrame(page);
    await view.locator(".top .action", { hasText: "humanInput" }).waitFor({ timeout: 60_000 });
    const state = view.locator(".state");
    await state.getByText(JSON.stringify(MARKUP_PROMPT)).first().waitFor();
    assert.equal(await view.locator(".state b").count(), 0, "markup in state is text");
    assert.match((await view.locator(".changes").textContent()) ?? "", /chatHistory appended 1 item/);
    const shot = await vscode!.screenshot("vscode-runs");
    if (process.env.BURR_UPDATE_SCREENSHOTS === "1") copyFileSync(shot, "docs/runs-vscode.png");
  });

  it("Open graph from the run view shows the app's graph with the path it took", async () => {
    const { page } = vscode!;
    await (await row("3 · humanInput")).click();
    await webviewFrame(page).locator('button[data-command="openGraph"]').click();
    // The graph panel opens beside the run view: two webviews are visible, the graph in one of them.
    const frames = page.locator("iframe.webview.ready:visible");
    await frames.nth(1).waitFor({ timeout: 60_000 });
    const inFrame = (i: number, selector: string) => frames.nth(i).contentFrame().frameLocator("#active-frame").locator(selector);
    const visited = (name: string) => `.node.action.visited[data-action="${name}"]`;
    const graphAt = await Promise.any([0, 1].map((i) => inFrame(i, visited("aiResponse")).waitFor({ timeout: 60_000 }).then(() => i)));
    assert.equal(await inFrame(graphAt, visited("safetyCheck")).count(), 1);
    assert.equal(await inFrame(graphAt, visited("unsafeResponse")).count(), 0, "the run never took the unsafe branch");
  });

  it("annotates a step in the run view; the tree marks it and the tag filter keeps only it", async () => {
    const { page } = vscode!;
    await (await row("3 · humanInput")).click();
    const view = webviewFrame(page);
    await view.locator(".annot-add").click({ timeout: 60_000 });
    await view.locator(".annot-tags").fill("golden");
    await view.locator(".annot-note").fill("<i>asks about markup</i>");
    await view.locator(".annot-save").click();
    await view.locator(".annotation", { hasText: "<i>asks about markup</i>" }).waitFor({ timeout: 30_000 });
    const [stored] = await new TrackingReader(trackingDir).listAnnotations("demo", { appId: app.uid });
    assert.deepEqual([stored.step_sequence_id, stored.step_name, stored.partition_key, stored.tags], [3, "humanInput", "user-7", ["golden"]]);
    // The tree redraws the project's rows after our write: the step carries the mark.
    await rows().filter({ hasText: "3 · humanInput" }).filter({ hasText: "✎ golden" }).first().waitFor({ timeout: 30_000 });
    await runCommand(page, "Burr: Filter Tracked Runs by Annotation Tag");
    await page.locator(".quick-input-widget .monaco-list-row", { hasText: "golden" }).first().click();
    await rows().filter({ hasText: "0 · humanInput" }).first().waitFor({ state: "detached", timeout: 30_000 });
    assert.equal(await rows().filter({ hasText: "3 · humanInput" }).count(), 1, "the tagged step stays");
    await runCommand(page, "Burr: Clear the Annotation Tag Filter");
    await rows().filter({ hasText: "0 · humanInput" }).first().waitFor({ timeout: 30_000 });
  });

  it("Burr: Export Dataset writes the steps annotated with a tag as JSONL", async () => {
    const { page, workspace } = vscode!;
    const target = join(workspace, "golden.jsonl");
    await runCommand(page, "Burr: Export Dataset");
    await page.locator(".quick-input-widget .monaco-list-row", { hasText: "golden" }).first().click();
    await page.locator(".quick-input-widget .monaco-list-row", { hasText: "JSONL" }).first().click();
    await answerSaveDialog(page, target);
    const text = await waitForFile(target, (t) => t.endsWith("\n"));
    const rows = text.trim().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.equal(rows.length, 1);
    assert.deepEqual([rows[0].app_id, rows[0].step_sequence_id, rows[0].note], [app.uid, 3, "<i>asks about markup</i>"]);
    assert.deepEqual(rows[0].inputs, { prompt: MARKUP_PROMPT });
  });

  it("Copy State as JSON (step context menu) puts the step's state on the clipboard", async () => {
    const { page } = vscode!;
    // The clipboard needs a focused document: give the workbench focus (nothing is open after the reset).
    await page.locator(".part.editor").click({ position: { x: 100, y: 100 } });
    await page.waitForFunction(() => document.hasFocus());
    await page.evaluate(() => navigator.clipboard.writeText(""));
    await contextMenu(page, await row("3 · humanInput"), "Copy State as JSON");
    // The command says it is done in the status bar once the clipboard holds the state.
    await page.locator(".statusbar-item", { hasText: "Copied the state of step 3" }).first().waitFor({ timeout: 30_000 });
    const text = await page.evaluate(() => navigator.clipboard.readText());
    const copied = JSON.parse(text) as Record<string, unknown>;
    assert.equal(copied.prompt, MARKUP_PROMPT);
    assert.deepEqual(copied.chatHistory, app.state.get("chatHistory").slice(0, 3), "the history as it was after step 3");
    assert.equal(copied.response, firstAnswer, "step 3 has not answered yet: the response is still the first one");
    assert.equal(copied.safe, true);
  });

  it("Create Test from Step writes test/burr/<action>.step<N>.test.ts and opens it", async () => {
    const { page, workspace } = vscode!;
    const file = join(workspace, "test/burr/humanInput.step3.test.ts");
    await contextMenu(page, await row("3 · humanInput"), "Create Test from Step");
    // The editor opens once the file is written.
    const tab = page.locator('.tabs-container .tab.active[data-resource-name="humanInput.step3.test.ts"]');
    await tab.waitFor({ timeout: 30_000 }).catch(failWithScreen("runs-create-test"));
    const text = readFileSync(file, "utf8");
    await page.locator(".editor-instance .view-lines", { hasText: "Generated by Burr" }).first().waitFor();

    assert.match(text, new RegExp(`from step 3 \\(humanInput\\) of app ${app.uid}, project demo`));
    const imported = /import \{ humanInput as actionUnderTest \} from "([^"]+)";/.exec(text);
    assert.ok(imported, text);
    // The run was recorded in this repository; the test imports the workspace's own copy, never a path outside it.
    assert.equal(resolve(dirname(file), imported[1].replace(/\.js$/, ".ts")), join(workspace, "examples/chatbot/app.ts"), "imports the workspace's module");
    assert.match(text, /import \{ describe, it \} from "node:test";/, "the workspace names no test framework: node:test");
    assert.ok(text.includes(`const inputs = ${JSON.stringify({ prompt: MARKUP_PROMPT }, null, 2)};`), "the recorded inputs");
    assert.ok(text.includes(`"content": ${JSON.stringify(firstAnswer)}`), "starts from step 2's state");
    assert.match(text, /assert\.deepEqual\(out\.result, expectedResult\)/);
    // It parses as TypeScript (mocha runs generated tests in test/runs/createTest.test.ts).
    await transform(text, { loader: "ts", format: "esm" });
  });

  it("Replay in Debugger (the app's inline button) replays the run, stopped before its first step", async () => {
    const { page } = vscode!;
    const appRow = await row(app.uid);
    await appRow.hover();
    await appRow.locator('.action-label[aria-label="Replay in Debugger"]').click();
    const frames = await callStack();
    await frames.filter({ hasText: "humanInput (next, sequence 0)" }).first().waitFor({ timeout: 60_000 }).catch(failWithScreen("runs-replay"));
    // One step of the recording: the call stack grows by the step taken.
    await page.locator('.debug-toolbar .action-label[aria-label^="Step Over"]').first().click();
    await frames.filter({ hasText: "safetyCheck (next, sequence 1)" }).first().waitFor({ timeout: 30_000 });
    assert.ok((await frames.allInnerTexts()).some((r) => r.includes("humanInput (sequence 0)")));
    await stopDebugging();
    // The session's one graph panel stays, saying the session is over.
    const ended = page.locator(".tabs-container .tab", { hasText: "(session ended)" });
    await ended.first().waitFor({ timeout: 30_000 });
    assert.equal(await ended.count(), 1, "one graph panel for the session");
  });

  it("Fork and Debug from Here runs the workspace's program, forked at that step", async () => {
    const { page } = vscode!;
    await contextMenu(page, await row("3 · humanInput"), "Fork and Debug from Here");
    // The program that tracks project "demo" is offered; choose it.
    const program = page.locator(".quick-input-widget .monaco-list-row", { hasText: "chatbot.ts" }).first();
    await program.waitFor({ timeout: 30_000 });
    assert.match((await program.textContent()) ?? "", /tracks this project/);
    await program.click();
    // The runtime applied the fork (the program does not read it); the graph panel's title says which.
    await page.locator(".tabs-container .tab", { hasText: `Fork ${app.uid.slice(0, 8)} at step 3` }).first().waitFor({ timeout: 60_000 }).catch(failWithScreen("runs-fork-title"));
    // The fork resumes after step 3: the session stops before step 4 with step 3's state loaded.
    const frames = await callStack();
    await frames.filter({ hasText: "safetyCheck (next, sequence 4)" }).first().waitFor({ timeout: 60_000 }).catch(failWithScreen("runs-fork"));
    const variables = page.locator(".debug-variables .monaco-list-row");
    await variables.filter({ hasText: "prompt" }).filter({ hasText: "Is markup" }).first().waitFor({ timeout: 30_000 });
    assert.equal(await frames.count(), 1, "the fork has taken no step of its own yet");
    await stopDebugging();
  });

  it("Delete Run (app context menu) asks, then removes the app from the tree and the disk", async () => {
    const { page } = vscode!;
    const appDir = join(trackingDir, "demo", app.uid);
    assert.ok(existsSync(appDir));
    await contextMenu(page, await row(app.uid), "Delete Run");
    const dialog = page.locator(".monaco-dialog-box");
    await dialog.filter({ hasText: `Delete run ${app.uid}` }).waitFor({ timeout: 30_000 });
    await dialog.locator(".monaco-button", { hasText: /^Delete$/ }).click();
    await rows().filter({ hasText: app.uid }).first().waitFor({ state: "detached", timeout: 30_000 });
    assert.equal(existsSync(appDir), false, "the app's directory is gone");
    assert.equal(await rows().filter({ hasText: "3 · humanInput" }).count(), 0, "its steps went with it");
  });
});

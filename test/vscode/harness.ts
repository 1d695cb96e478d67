// A real VS Code for tests: code-server (installed by scripts/install-code-server.sh)
// on a free loopback port with its own user-data and extensions directories and a
// copy of a fixture workspace, the packaged .vsix installed into it, and headless
// Chromium driving the workbench through playwright-core. Waits on selectors and
// on code-server's own "listening" line, never on sleeps.
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { cpSync, createWriteStream, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, watch, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import type { Browser, FrameLocator, Locator, Page } from "playwright-core";
import { launchChromium } from "../webview/browser.js";

const run = promisify(execFile);
export const REPO = join(__dirname, "../..");
export const CODE_SERVER_DIR = process.env.BURR_CODE_SERVER_DIR ?? join(REPO, ".cache/code-server");
const ENTRY = join(CODE_SERVER_DIR, "node_modules/code-server/out/node/entry.js");

export function codeServerMissing(): string | null {
  return existsSync(ENTRY) ? null : `code-server is not installed at ${CODE_SERVER_DIR} (run: bash scripts/install-code-server.sh)`;
}

/** Builds the production bundles and packs them with vsce, as `npm run package` does. */
export async function packageExtension(outDir: string): Promise<{ vsix: string; bytes: number }> {
  await run(process.execPath, [join(REPO, "scripts/build.mjs"), "--production"], { cwd: REPO, maxBuffer: 1 << 24 });
  const vsix = join(outDir, "burr-ts.vsix");
  const vsce = join(REPO, "node_modules/@vscode/vsce/vsce");
  await run(process.execPath, [vsce, "package", "--no-dependencies", "--allow-missing-repository", "--no-rewrite-relative-links", "--out", vsix], { cwd: REPO, maxBuffer: 1 << 24 });
  return { vsix, bytes: statSync(vsix).size };
}

export interface CodeServer {
  page: Page;
  workspace: string;
  url: string;
  /** Saves a screenshot under the OS temp directory and returns its path. */
  screenshot(name: string): Promise<string>;
  close(): Promise<void>;
}

export interface StartOptions {
  vsix: string;
  /** Folder under test/fixtures to copy as the workspace. */
  fixture: string;
  settings?: Record<string, unknown>;
  /** Extra environment for code-server and so its extension host (e.g. BURR_TIMING_LOG for the bench's trace). */
  env?: Record<string, string>;
}

export async function startCodeServer(options: StartOptions): Promise<CodeServer> {
  const root = mkdtempSync(join(tmpdir(), "burr-vscode-"));
  const userData = join(root, "user-data");
  const extensions = join(root, "extensions");
  const workspace = join(root, "workspace");
  cpSync(join(REPO, "test/fixtures", options.fixture), workspace, { recursive: true });
  // The workspace imports "burr-ts" as a user's would: resolve it to this repository's runtime.
  mkdirSync(join(workspace, "node_modules"), { recursive: true });
  const link = join(workspace, "node_modules/burr-ts");
  if (!existsSync(link)) symlinkSync(join(REPO, "runtime"), link, "dir");
  mkdirSync(join(userData, "User"), { recursive: true });
  writeFileSync(join(userData, "User/settings.json"), JSON.stringify({
    "workbench.startupEditor": "none",
    "security.workspace.trust.enabled": false,
    "telemetry.telemetryLevel": "off",
    "workbench.tips.enabled": false,
    "extensions.ignoreRecommendations": true,
    "update.mode": "none",
    "workbench.enableExperiments": false,
    "editor.minimap.enabled": false,
    "chat.commandCenter.enabled": false,
    ...options.settings,
  }, null, 2));

  const common = ["--extensions-dir", extensions, "--user-data-dir", userData];
  await run(process.execPath, [ENTRY, ...common, "--install-extension", options.vsix], { maxBuffer: 1 << 24 });

  const port = await freePort();
  const config = join(root, "config.yaml");
  writeFileSync(config, `bind-addr: 127.0.0.1:${port}\nauth: none\ncert: false\n`);
  const log = createWriteStream(join(root, "code-server.log"));
  const server = spawn(process.execPath, [
    ENTRY, "--config", config, "--disable-telemetry", "--disable-update-check", "--disable-workspace-trust",
    "--disable-getting-started-override", ...common, workspace,
  ], { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, ...options.env } });
  server.stderr?.pipe(log);
  await listening(server, log, root);

  let browser: Browser | null = null;
  try {
    browser = await launchChromium();
    // Clipboard access lets tests read back what a command copied.
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, permissions: ["clipboard-read", "clipboard-write"] });
    const page = await context.newPage();
    const url = `http://127.0.0.1:${port}/?folder=${encodeURIComponent(workspace)}`;
    await page.goto(url);
    await page.locator(".monaco-workbench").waitFor({ timeout: 60_000 });
    await page.locator(".explorer-folders-view, .part.sidebar").first().waitFor({ timeout: 60_000 });
    const opened = browser;
    return {
      page, workspace, url,
      async screenshot(name) {
        const path = join(tmpdir(), `burr-${name}.png`);
        await page.screenshot({ path });
        return path;
      },
      async close() {
        await opened.close().catch(() => undefined);
        await stop(server);
        log.end();
        // code-server's helpers (extension host, file watcher) may still be writing there as it exits: retry.
        if (!process.env.BURR_KEEP_VSCODE_TMP) rmSync(root, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
      },
    };
  } catch (err) {
    await browser?.close().catch(() => undefined);
    await stop(server);
    throw new Error(`${err instanceof Error ? err.message : String(err)} (code-server log: ${join(root, "code-server.log")})`);
  }
}

/** Runs a command palette entry by its full title, e.g. "Burr: Show Graph". */
export async function runCommand(page: Page, title: string): Promise<void> {
  const row = await quickInputRow(page, "F1", `>${title}`, title);
  // Not retried: a command that ran once must not run twice.
  await row.click();
  // Done when the palette closes, or when the command reuses the widget for its own
  // input (its value no longer starts with the palette's ">"): a command that asks
  // for input at once may reopen the widget before a poll ever sees it hidden.
  await page.waitForFunction(() => {
    const input = document.querySelector<HTMLInputElement>(".quick-input-widget .quick-input-box input");
    const widget = document.querySelector<HTMLElement>(".quick-input-widget");
    const visible = !!widget && widget.style.display !== "none" && widget.offsetParent !== null;
    return !visible || !input || !input.value.startsWith(">");
  }, undefined, { timeout: 30_000 });
}

/**
 * Opens the quick input (F1: commands, Control+P: files), types `text` and waits
 * for a row holding `rowText`. A webview that takes focus late (its tab was just
 * clicked) steals keys or closes the widget mid-way, so the whole sequence is
 * retried from a closed widget (waited for, not slept on) until the row shows.
 */
export async function quickInputRow(page: Page, key: "F1" | "Control+P", text: string, rowText: string | ((rows: Locator) => Locator)): Promise<Locator> {
  const input = page.locator(".quick-input-widget .quick-input-box input");
  const rows = page.locator(".quick-input-widget .monaco-list-row");
  const row = (typeof rowText === "string" ? rows.filter({ hasText: rowText }) : rowText(rows)).first();
  for (let attempt = 1; ; attempt++) {
    try {
      await page.keyboard.press(key);
      await input.waitFor({ state: "visible", timeout: 5_000 });
      await input.fill(text, { timeout: 5_000 });
      await row.waitFor({ state: "visible", timeout: 10_000 });
      return row;
    } catch (err) {
      if (attempt === 5) throw err;
      await closeQuickInput(page);
      // Take focus back from the webview's iframe to the workbench's own document.
      await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    }
  }
}

/** Closes the quick input if it is open, and waits until it is gone. */
async function closeQuickInput(page: Page): Promise<void> {
  const widget = page.locator(".quick-input-widget");
  for (let attempt = 1; attempt <= 5 && (await widget.isVisible()); attempt++) {
    await page.keyboard.press("Escape");
    await widget.waitFor({ state: "hidden", timeout: 2_000 }).catch(() => undefined);
  }
}

/**
 * Puts the workbench back as a test found it, so no test's leftovers (a dialog
 * still open, a quick input, a context menu, toasts, a dirty editor, the panel,
 * a debug session) can knock over the next one. Every step waits on the UI
 * saying it is done.
 */
export async function resetUi(page: Page): Promise<void> {
  const menu = page.locator(".context-view .monaco-menu");
  if (await menu.isVisible()) {
    await page.keyboard.press("Escape");
    await menu.waitFor({ state: "hidden", timeout: 5_000 });
  }
  await closeDialogs(page);
  await closeQuickInput(page);
  const stop = page.locator('.debug-toolbar .action-label[aria-label^="Stop"], .debug-toolbar .action-label[aria-label^="Disconnect"]').first();
  if (await stop.isVisible()) {
    await stop.click();
    await page.locator(".debug-toolbar").waitFor({ state: "hidden", timeout: 30_000 });
  }
  if (await page.locator(".notifications-toasts .notification-toast").first().isVisible()) {
    await runCommand(page, "Notifications: Clear All Notifications");
    await page.locator(".notifications-toasts .notification-toast").first().waitFor({ state: "hidden", timeout: 5_000 });
  }
  if ((await page.locator(".tabs-container .tab").count()) > 0) {
    await quickInputRow(page, "F1", ">View: Close All Editors", "View: Close All Editors").then((row) => row.click());
    // A dirty editor asks first: its changes are the test's, not the next one's.
    const dialog = page.locator(".monaco-dialog-box");
    const tabs = page.locator(".tabs-container .tab");
    await Promise.race([dialog.waitFor({ timeout: 10_000 }), tabs.first().waitFor({ state: "detached", timeout: 10_000 })]).catch(() => undefined);
    if (await dialog.isVisible()) {
      await dialog.locator(".monaco-button", { hasText: /Don.t Save/ }).click();
      await dialog.waitFor({ state: "hidden" });
    }
    await tabs.first().waitFor({ state: "detached", timeout: 10_000 });
  }
  if (await page.locator(".part.panel").isVisible()) {
    await runCommand(page, "View: Hide Panel");
    await page.locator(".part.panel").waitFor({ state: "hidden", timeout: 5_000 });
  }
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
}

/** Cancels any modal dialog left open (Escape is its cancel). */
async function closeDialogs(page: Page): Promise<void> {
  const dialog = page.locator(".monaco-dialog-box");
  for (let attempt = 1; attempt <= 5 && (await dialog.isVisible()); attempt++) {
    await page.keyboard.press("Escape");
    await dialog.waitFor({ state: "hidden", timeout: 2_000 }).catch(() => undefined);
  }
}

/**
 * Answers code-server's save dialog (a quick input holding the proposed path)
 * with `path`. The dialog fills its input after it shows, and typing before
 * that lands in front of its text (a doubled path): wait for its proposal,
 * replace it, and check what the input holds before accepting.
 */
export async function answerSaveDialog(page: Page, path: string): Promise<void> {
  const input = page.locator(".quick-input-widget .quick-input-box input");
  await input.waitFor({ state: "visible" });
  await page.waitForFunction(() => {
    const el = document.querySelector<HTMLInputElement>(".quick-input-widget .quick-input-box input");
    return !!el && el.value.length > 0;
  });
  for (let attempt = 1; ; attempt++) {
    await input.fill(path);
    // The dialog reacts to input (completing a folder name) a frame or two later: the value must hold for 3 frames.
    const held = await page.waitForFunction((expected) => {
      const w = window as unknown as { __burrHeld?: number };
      const value = document.querySelector<HTMLInputElement>(".quick-input-widget .quick-input-box input")?.value;
      w.__burrHeld = value === expected ? (w.__burrHeld ?? 0) + 1 : 0;
      return w.__burrHeld >= 3;
    }, path, { timeout: 5_000, polling: "raf" }).then(() => true, () => false);
    if (held) break;
    if (attempt === 5) throw new Error(`the save dialog holds "${await input.inputValue()}", not ${path}`);
  }
  await input.press("Enter");
  await page.locator(".quick-input-widget").waitFor({ state: "hidden" });
}

/** Opens a workspace file by its relative path through Quick Open, and waits for its editor. */
export async function openFile(page: Page, relativePath: string): Promise<Locator> {
  const name = relativePath.split("/").pop() ?? relativePath;
  const folder = relativePath.includes("/") ? relativePath.slice(0, relativePath.lastIndexOf("/")) : "";
  // The row of that very file: a file at the root has no folder description (app.ts is not web/app.ts).
  const description = page.locator(".label-description", { hasText: folder || /\S/ });
  const match = (rows: Locator) => rows.filter({ has: page.locator(".label-name", { hasText: name }) })
    .filter(folder ? { has: description } : { hasNot: description });
  // Clicked, not Enter: the selected row may still be the previous list's first while the matching row shows.
  const row = await quickInputRow(page, "Control+P", relativePath, match);
  await row.click();
  return focusEditor(page, name);
}

/** Brings an open file's editor to the front (by its tab) and focuses its text. */
export async function focusEditor(page: Page, fileName: string): Promise<Locator> {
  const tab = page.locator(`.tabs-container .tab[data-resource-name="${fileName}"]`).first();
  await tab.waitFor();
  await tab.click();
  const group = page.locator(".editor-group-container", { has: page.locator(`.tab.active[data-resource-name="${fileName}"]`) }).first();
  const editor = group.locator(".monaco-editor .view-lines").first();
  await editor.waitFor();
  return editor;
}

/** The rows of the Problems panel (opened if needed). */
export async function problemRows(page: Page): Promise<Locator> {
  await runCommand(page, "View: Focus Problems (Errors, Warnings, Infos)");
  const panel = page.locator(".markers-panel");
  await panel.waitFor();
  return panel.locator(".monaco-list-row");
}

/**
 * The content of the visible webview (two iframes deep: VS Code's host frame, then
 * `#active-frame`). Webview iframes carry no title, so "visible" is what picks one.
 */
export function webviewFrame(page: Page): FrameLocator {
  return page.locator("iframe.webview.ready:visible").first().contentFrame().frameLocator("#active-frame");
}

/** Rows of a tree view (e.g. Tracked Runs) by the view's id. */
export function treeRows(page: Page, viewId: string): Locator {
  return page.locator(`[id="${viewId}"] .monaco-list-row, .pane-body[aria-label*="${viewId}"] .monaco-list-row`);
}

/**
 * Resolves with the text of `path` once it exists and `complete(text)` holds (a
 * file being written shows up empty first), watching its folder rather than
 * polling; rejects after `timeoutMs`.
 */
export function waitForFile(path: string, complete: (text: string) => boolean = () => true, timeoutMs = 30_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const ready = (): string | null => {
      if (!existsSync(path)) return null;
      const text = readFileSync(path, "utf8");
      return complete(text) ? text : null;
    };
    const now = ready();
    if (now !== null) return resolve(now);
    const watcher = watch(dirname(path), () => {
      const text = ready();
      if (text === null) return;
      clearTimeout(timer);
      watcher.close();
      resolve(text);
    });
    const timer = setTimeout(() => {
      watcher.close();
      reject(new Error(`${path} was not written within ${timeoutMs} ms`));
    }, timeoutMs);
  });
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const address = srv.address();
      const port = typeof address === "object" && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** Resolves when code-server prints that it listens; rejects if it exits first. */
function listening(server: ChildProcess, log: NodeJS.WritableStream, root: string): Promise<void> {
  return new Promise((resolve, reject) => {
    let seen = "";
    const onData = (chunk: Buffer) => {
      log.write(chunk);
      seen += chunk.toString();
      if (/HTTP server listening on/.test(seen)) {
        server.stdout?.off("data", onData);
        server.stdout?.on("data", (c: Buffer) => log.write(c));
        resolve();
      }
    };
    server.stdout?.on("data", onData);
    server.once("exit", (code) => reject(new Error(`code-server exited with ${code} before listening (log: ${join(root, "code-server.log")})`)));
  });
}

async function stop(server: ChildProcess): Promise<void> {
  if (server.exitCode !== null || server.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => server.once("exit", () => resolve()));
  server.kill("SIGTERM");
  const timer = setTimeout(() => server.kill("SIGKILL"), 5000);
  await exited;
  clearTimeout(timer);
}

// The browser runs UI under test: the real server (in process, over loopback)
// on a temporary tracking directory, the built bundles (dist/webview), and
// headless Chromium collecting every console error and page error of the
// shell and its frames.
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { startUiServer, type UiServer, type UiServerOptions } from "../../runtime/src/cli/ui/server.js";
import { TrackingDirUiSource } from "../../runtime/src/cli/ui/trackingDirSource.js";
import { chromiumMissing, launchChromium } from "../webview/browser.js";
import { skipOrFail } from "../support/skip.js";

export const assetsDir = join(__dirname, "../../dist/webview");

/** Skips (or fails under BURR_REQUIRE_ALL) when Chromium or the built bundles are missing. */
export function requireBrowser(ctx: Mocha.Context): void {
  const missing = chromiumMissing();
  if (missing) skipOrFail(ctx, missing);
  if (!existsSync(join(assetsDir, "shell.js"))) skipOrFail(ctx, "dist/webview/shell.js is missing: run node scripts/build.mjs");
}

export async function serve(trackingDir: string, extra: Partial<UiServerOptions> = {}): Promise<UiServer> {
  return startUiServer({ sources: [new TrackingDirUiSource("dir", trackingDir)], port: 0, assetsDir, log: () => undefined, ...extra });
}

export interface UiPage {
  page: Page;
  /** Console errors and uncaught exceptions so far, from the shell and its frames. */
  errors: string[];
  close(): Promise<void>;
}

export async function openUi(browser: Browser, url: string, size = { width: 1400, height: 860 }): Promise<UiPage> {
  const context = await browser.newContext({ viewport: size });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(`console: ${m.text()}`);
  });
  page.on("pageerror", (e) => errors.push(`pageerror: ${e.message}`));
  await page.goto(url);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 30_000 });
  return { page, errors, close: () => context.close() };
}

export { launchChromium };

/** The run view frame's document. */
export const runView = (page: Page) => page.frameLocator('iframe[title="Run view"]');

/** A tree row by its id (source/project/app[/sequenceId]). */
export const row = (page: Page, id: string) => page.locator(`.row[data-id="${id.replace(/["\\]/g, "\\$&")}"]`);

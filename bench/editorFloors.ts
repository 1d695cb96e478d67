// VS Code's own floors for the first interactions, measured in the same window
// as ours: the built-in Markdown preview (command → its webview's content on
// screen: what any extension's webview panel costs) and js-debug launching the
// same app.ts through tsx to a breakpoint in the same first action (what any
// debugger's first stop costs, program start included).
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Locator, Page } from "playwright-core";
import { openFile, quickInputRow, webviewFrame } from "../test/vscode/harness.js";

const TIMEOUT = 120_000;

/** Milliseconds from `start` until the locator is there (waited for at once, so waits run side by side). */
export const when = (locator: Locator, start: number, state: "attached" | "visible" = "visible") =>
  locator.waitFor({ state, timeout: TIMEOUT }).then(() => performance.now() - start);

/** The js-debug launch configuration beside the burr one: the same program, the same tsx. */
export const JS_DEBUG_CONFIG = {
  type: "node",
  request: "launch",
  name: "js-debug chatbot",
  program: "${workspaceFolder}/app.ts",
  runtimeArgs: ["--import", "tsx"],
  skipFiles: ["<node_internals>/**"],
};

const MARKDOWN_HEADING = "Notes on the chatbot";

/** A Markdown file for the preview (the workspace has none). */
export function writeMarkdown(workspace: string): void {
  writeFileSync(join(workspace, "notes.md"), `# ${MARKDOWN_HEADING}\n\nHuman input, a safety check, then an AI response.\n\n- humanInput\n- safetyCheck\n- aiResponse\n`);
}

export interface PreviewTimes {
  /** VS Code's iframe for the preview attached. */
  iframe: number;
  /** The preview's heading visible. */
  shown: number;
}

/** "Markdown: Open Preview to the Side" on notes.md, from the palette click to its heading on screen. */
export async function markdownPreview(page: Page): Promise<PreviewTimes> {
  await openFile(page, "notes.md");
  const row = await quickInputRow(page, "F1", ">Markdown: Open Preview to the Side", "Markdown: Open Preview to the Side");
  const start = performance.now();
  await row.click();
  const [iframe, shown] = await Promise.all([
    when(page.locator("iframe.webview").first(), start, "attached"),
    when(webviewFrame(page).locator("h1", { hasText: MARKDOWN_HEADING }), start),
  ]);
  return { iframe, shown };
}

/** The 1-based line of the first action's body in app.ts (`const item` inside humanInput). */
function breakpointLine(workspace: string): number {
  const lines = readFileSync(join(workspace, "app.ts"), "utf8").split("\n");
  const index = lines.findIndex((l) => l.includes("const item: Message"));
  if (index < 0) throw new Error("app.ts has no `const item: Message` line for the js-debug breakpoint");
  return index + 1;
}

/** Sets a breakpoint on `line` of the focused editor (Go to Line, then F9) and waits for its glyph. */
async function toggleBreakpoint(page: Page, editor: Locator, line: number): Promise<void> {
  await editor.click();
  await page.keyboard.press("Control+G");
  const input = page.locator(".quick-input-widget .quick-input-box input");
  await input.waitFor();
  await input.fill(`:${line}`);
  await input.press("Enter");
  await page.locator(".quick-input-widget").waitFor({ state: "hidden" });
  await page.keyboard.press("F9");
  await page.locator(".codicon-debug-breakpoint").first().waitFor({ timeout: 10_000 });
}

export interface DebugTimes {
  /** The debug toolbar showed: the session started. */
  sessionStarted: number;
  /** The call stack shows the breakpoint's frame in app.ts. */
  firstStop: number;
}

/** js-debug: the launch configuration picked in "Debug: Select and Start Debugging" until it stops at the breakpoint. */
export async function jsDebugFirstStop(page: Page, workspace: string): Promise<DebugTimes> {
  const editor = await openFile(page, "app.ts");
  await toggleBreakpoint(page, editor, breakpointLine(workspace));
  const pick = await quickInputRow(page, "F1", ">Debug: Select and Start Debugging", "Debug: Select and Start Debugging");
  await pick.click();
  const config = page.locator(".quick-input-widget .monaco-list-row", { hasText: JS_DEBUG_CONFIG.name }).first();
  await config.waitFor({ timeout: TIMEOUT });
  const start = performance.now();
  await config.click();
  const [sessionStarted, firstStop] = await Promise.all([
    when(page.locator(".debug-toolbar"), start),
    when(page.locator(".debug-call-stack .monaco-list-row", { hasText: "app.ts" }).first(), start),
  ]);
  return { sessionStarted, firstStop };
}

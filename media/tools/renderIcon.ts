// Renders media/icon.svg to media/icon.png (128×128) in headless Chromium:
// `npx tsx media/tools/renderIcon.ts`. The SVG is the source; the PNG is what
// the marketplace and the extensions view show.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { launchChromium } from "../../test/webview/browser.js";

async function main(): Promise<void> {
  const media = join(__dirname, "..");
  const svg = readFileSync(join(media, "icon.svg"), "utf8");
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 128, height: 128 }, deviceScaleFactor: 1 });
    await page.setContent(`<html><body style="margin:0;background:transparent">${svg}</body></html>`);
    await page.locator("svg").screenshot({ path: join(media, "icon.png"), omitBackground: true });
  } finally {
    await browser.close();
  }
}

void main();

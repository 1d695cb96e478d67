// Makes docs/graph.png, the README's picture of the graph view: the chatbot in
// VS Code's dark theme, mid-run (current action, visited path, edge counts).
// Run: `node scripts/build.mjs && npx tsx test/webview/screenshot.ts`.
import { join } from "node:path";
import { launchChromium } from "./browser.js";
import { chatbotView } from "./fixtures.js";
import { openGraphPage, serveWebview } from "./page.js";

async function main(): Promise<void> {
  const server = await serveWebview();
  const browser = await launchChromium();
  try {
    const view = await openGraphPage(browser, server.origin, "dark", { width: 760, height: 560 });
    const since = (await view.posted()).length;
    await view.send({
      type: "graph",
      model: chatbotView(),
      highlight: {
        current: "aiResponse",
        visited: ["humanInput", "safetyCheck", "unsafeResponse", "humanInput", "safetyCheck", "aiResponse"],
        edgeCounts: { "humanInput->safetyCheck": 2, "safetyCheck->unsafeResponse": 1, "unsafeResponse->humanInput": 1, "safetyCheck->aiResponse": 1 },
      },
    });
    await view.nextRendered(since);
    const out = join(__dirname, "../../docs/graph.png");
    await view.page.screenshot({ path: out });
    console.log(`wrote ${out}`);
  } finally {
    await browser.close();
    await server.close();
  }
}

void main();

// Makes docs/runs-ui.png and docs/runs-ui-graph.png, the pictures of
// `burr-ts ui`: a tracking directory with chatbot runs (one failed, one
// annotated), in headless Chromium's dark scheme.
// Run: `node scripts/build.mjs && npx tsx test/ui/screenshot.ts`.
import { join } from "node:path";
import { TrackingReader } from "burr-ts";
import { tempDir } from "../runs/helpers.js";
import { chatbotSteps, writeRun } from "../runs/writeRun.js";
import { launchChromium, row, runView, serve } from "./harness.js";

async function main(): Promise<void> {
  const t = tempDir("ui-shot");
  const hour = Date.UTC(2026, 10, 24, 9);
  writeRun(t.dir, "chatbot", "support-7f3a", chatbotSteps(4), { t0: hour, partitionKey: "user-42" });
  writeRun(t.dir, "chatbot", "support-21c9", chatbotSteps(2), { t0: hour + 3_600_000, partitionKey: "user-17" });
  const failed = chatbotSteps(1);
  failed[2] = { ...failed[2], error: "Error: model timed out after 30 s\n    at aiResponse (app.ts:41:11)" };
  writeRun(t.dir, "chatbot", "support-0b44", failed, { t0: hour + 7_200_000, partitionKey: "user-42" });
  writeRun(t.dir, "agent", "research-1", chatbotSteps(1), { t0: hour });
  const reader = new TrackingReader(t.dir);
  await reader.annotate("chatbot", {
    appId: "support-7f3a", partitionKey: "user-42", stepSequenceId: 5, stepName: "aiResponse", tags: ["golden"],
    observations: [{ data_fields: { note: "Accurate and short.", ground_truth: "Aaron Burr was the third Vice President of the United States." }, thumbs_up_thumbs_down: true, data_pointers: [{ type: "state_field", field_name: "response", span_id: null }] }],
  });
  await reader.annotate("chatbot", {
    appId: "support-7f3a", partitionKey: "user-42", stepSequenceId: 8, stepName: "aiResponse", tags: ["repetitive"],
    observations: [{ data_fields: { note: "Says the same thing again." }, thumbs_up_thumbs_down: false, data_pointers: [] }],
  });
  const server = await serve(t.dir);
  const browser = await launchChromium();
  try {
    const context = await browser.newContext({ viewport: { width: 1360, height: 820 }, colorScheme: "dark", deviceScaleFactor: 1 });
    const page = await context.newPage();
    await page.goto(`${server.url}#/dir/chatbot/support-7f3a/5`);
    await page.waitForSelector('body[data-ready="true"]');
    await runView(page).locator("article.annotation").waitFor();
    await row(page, "dir/agent").waitFor();
    await runView(page).locator("section.annotations, .annotations").first().scrollIntoViewIfNeeded().catch(() => undefined);
    await page.screenshot({ path: join(__dirname, "../../docs/runs-ui.png") });
    await page.click(".tab >> text=Graph");
    await page.waitForSelector('iframe[title="Graph"][data-rendered]');
    await page.screenshot({ path: join(__dirname, "../../docs/runs-ui-graph.png") });
    console.log("wrote docs/runs-ui.png and docs/runs-ui-graph.png");
  } finally {
    await browser.close();
    await server.close();
    t.dispose();
  }
}

void main();

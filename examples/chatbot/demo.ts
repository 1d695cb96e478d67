// `npm run demo`: a scripted three-turn conversation with the chatbot (one
// prompt is unsafe), then the app's graph as Mermaid. Every step is saved to
// SQLite and tracked in Burr's run format: run it again and the conversation
// continues where it stopped.
import { homedir } from "node:os";
import { join } from "node:path";
import { ApplicationBuilder, SQLitePersister, when } from "burr-ts";
import { aiResponseWith, chat, humanInput, safetyCheck, SCRIPT, unsafeResponse, type ChatState } from "./app.js";
import { defaultModel } from "./model.js";

const demoDir = process.env.BURR_DEMO_DIR ?? join(__dirname, "..", "..", ".burr-demo");
const dbPath = join(demoDir, "chatbot.db");
// Burr's default tracking directory (~/.burr), where the Tracked Runs view and Burr's UI look.
const trackingDir = process.env.BURR_DEMO_TRACKING_DIR ?? join(homedir(), ".burr");

async function main(): Promise<void> {
  const model = defaultModel();
  const { mkdirSync } = await import("node:fs");
  mkdirSync(demoDir, { recursive: true });
  const persister = new SQLitePersister({ dbPath });
  const app = await new ApplicationBuilder<ChatState>()
    .withActions({ humanInput, safetyCheck, aiResponse: aiResponseWith(model), unsafeResponse })
    .withTransitions(
      ["humanInput", "safetyCheck"],
      ["safetyCheck", "unsafeResponse", when({ safe: false })],
      ["safetyCheck", "aiResponse", when({ safe: true })],
      [["unsafeResponse", "aiResponse"], "humanInput"],
    )
    .withIdentifiers({ appId: "demo-conversation", partitionKey: "demo-user" })
    .withTracker("local", { project: "chatbot-demo", storageDir: trackingDir })
    .withStatePersister(persister)
    .initializeFrom(persister, { resumeAtNextAction: true, defaultState: { chatHistory: [] }, defaultEntrypoint: "humanInput" })
    .build();
  const earlier = app.state.get("chatHistory").length;
  console.log(`burr-ts chatbot demo (model: ${model.name}, app id: ${app.uid})`);
  console.log(`state saved to ${dbPath}; run tracked in ${join(trackingDir, "chatbot-demo", app.uid)}`);
  console.log(earlier ? `continuing the conversation: ${earlier} messages so far, next step ${app.sequenceId! + 1}\n` : "a new conversation\n");
  for (const prompt of SCRIPT) {
    const answer = await chat(app, prompt);
    const verdict = app.state.get("safe") ? "" : "  [safety check: unsafe]";
    console.log(`user:      ${prompt}${verdict}`);
    console.log(`assistant: ${answer}\n`);
  }
  await persister.close();
  console.log(`${app.sequenceId! + 1} steps; chat history has ${app.state.get("chatHistory").length} messages.\n`);
  console.log("The application graph (Mermaid):\n");
  console.log(app.visualize("mermaid"));
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});

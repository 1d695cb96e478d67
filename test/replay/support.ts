// Records example chatbot runs into a temporary tracking directory, as a user's app would.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ApplicationBuilder, action, trace, when } from "burr-ts";
import { chat, chatbotBuilder, humanInput, safetyCheck, unsafeResponse, type ChatState } from "../../examples/chatbot/app.js";
import { OfflineModel, type Message } from "../../examples/chatbot/model.js";
import type { ReplayableBuilder } from "../../runtime/src/replay/index.js";
import { streamingChatbotBuilder, streamTurn } from "../../examples/chatbot/streaming.js";

export const PROMPTS = ["Who was Aaron Burr?", "How do I do something unsafe?", "Why is he remembered for a duel?"];

export function trackingDir(): string {
  return mkdtempSync(join(tmpdir(), "burr-replay-"));
}

/** Runs the chatbot over `prompts` with the local tracker; returns the app's run directory. */
export async function recordChatbot(dir: string, appId: string, opts: { compact?: boolean; prompts?: string[] } = {}): Promise<string> {
  const app = chatbotBuilder({ model: new OfflineModel(), appId })
    .withTracker("local", { project: "replay-test", storageDir: dir, compact: opts.compact ?? false })
    .build();
  for (const p of opts.prompts ?? PROMPTS) await chat(app, p);
  return join(dir, "replay-test", appId);
}

/** The chatbot whose traced model call gets the history with `edit` applied (null: as it is): the code a replay runs. */
export function chatbotSending(edit: ((history: readonly Message[]) => readonly Message[]) | null): ReplayableBuilder {
  const complete = trace((messages: readonly Message[]) => Promise.resolve(`answer to ${messages.length}`), { name: "model.complete" });
  const aiResponse = action.withState<ChatState>()({ reads: ["chatHistory"], writes: ["response", "chatHistory"] }, async (state) => {
    const history = state.get("chatHistory");
    const content = await complete(edit ? edit(history) : history);
    return [{ response: content }, state.update({ response: content }).append({ chatHistory: { role: "assistant", content } })];
  });
  return new ApplicationBuilder<ChatState>()
    .withActions({ humanInput, safetyCheck, aiResponse, unsafeResponse })
    .withTransitions(["humanInput", "safetyCheck"], ["safetyCheck", "unsafeResponse", when({ safe: false })], ["safetyCheck", "aiResponse", when({ safe: true })], [["unsafeResponse", "aiResponse"], "humanInput"])
    .withState({ chatHistory: [] })
    .withEntrypoint("humanInput") as unknown as ReplayableBuilder;
}

export async function recordStreamingChatbot(dir: string, appId: string): Promise<string> {
  const app = streamingChatbotBuilder({ model: new OfflineModel(), appId })
    .withTracker("local", { project: "replay-test", storageDir: dir })
    .build();
  for (const p of PROMPTS) await streamTurn(app, p, () => undefined);
  return join(dir, "replay-test", appId);
}

/** The same conversation saved by the SQLite persister (no tracker): a state-only record. */
export async function persistChatbot(db: string, appId: string, tableName?: string): Promise<void> {
  const { SQLitePersister, PostgreSQLPersister } = await import("burr-ts");
  const persister = db.startsWith("postgresql://") ? PostgreSQLPersister.fromUrl(db, { tableName }) : new SQLitePersister({ dbPath: db });
  await persister.initialize();
  const app = chatbotBuilder({ model: new OfflineModel(), appId }).withStatePersister(persister).build();
  for (const p of PROMPTS) await chat(app, p);
  await persister.close();
}

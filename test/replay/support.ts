// Records example chatbot runs into a temporary tracking directory, as a user's app would.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chat, chatbotBuilder } from "../../examples/chatbot/app.js";
import { OfflineModel } from "../../examples/chatbot/model.js";
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

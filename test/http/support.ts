// The chatbot behind createHandler, on a fresh SQLite file, for the http suites.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SQLitePersister, type ApplicationBuilder, type StatePersister } from "burr-ts";
import { createHandler, type Handler, type HandlerOptions } from "burr-ts/http";
import type { ChatState } from "../../examples/chatbot/app.js";
import { OfflineModel, type ChatModel } from "../../examples/chatbot/model.js";
import { streamingChatbotBuilder } from "../../examples/chatbot/streaming.js";

/** The streaming chatbot example's builder, on the offline model unless told otherwise. */
export function chatBuilder(model: ChatModel = new OfflineModel()): ApplicationBuilder<ChatState> {
  return streamingChatbotBuilder({ model });
}

export const CHAT_HALTS = { haltAfter: ["aiResponse", "unsafeResponse"] };

export interface ChatServer {
  handler: Handler;
  persister: StatePersister;
  dir: string;
  dispose(): Promise<void>;
}

export function chatServer(options: Partial<HandlerOptions<ChatState>> & { model?: ChatModel; persister?: StatePersister } = {}): ChatServer {
  const dir = mkdtempSync(join(tmpdir(), "burr-http-"));
  const persister = options.persister ?? new SQLitePersister({ dbPath: join(dir, "apps.db") });
  const errors: string[] = [];
  const handler = createHandler<ChatState>({
    build: () => chatBuilder(options.model),
    defaultHalts: CHAT_HALTS,
    logError: (id) => errors.push(id),
    ...options,
    persister,
  });
  return {
    handler,
    persister,
    dir,
    async dispose() {
      await persister.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function post(path: string, body: unknown, headers: Record<string, string> = {}): Request {
  return new Request(`http://test${path}`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: typeof body === "string" ? body : JSON.stringify(body) });
}

export function get(path: string, headers: Record<string, string> = {}): Request {
  return new Request(`http://test${path}`, { headers });
}

export interface SseEvent {
  event: string;
  data: unknown;
}

/** Parses burr-ts's SSE frames (`event:` + `data:` lines) as they arrive. */
export async function* sseEvents(body: ReadableStream<Uint8Array>): AsyncGenerator<SseEvent> {
  const decoder = new TextDecoder();
  let buffer = "";
  for await (const bytes of body as unknown as AsyncIterable<Uint8Array>) {
    buffer += decoder.decode(bytes, { stream: true });
    let end: number;
    while ((end = buffer.indexOf("\n\n")) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const event = /^event: (.*)$/m.exec(block)?.[1] ?? "message";
      const data = /^data: (.*)$/m.exec(block)?.[1] ?? "";
      yield { event, data: JSON.parse(data) };
    }
  }
}

/** A model that streams its words one at a time, each waiting for `release()`: lets a test act mid-stream. */
export class GatedModel implements ChatModel {
  readonly name = "gated";
  private waiters: Array<() => void> = [];
  private released = 0;
  started = 0;

  async complete(): Promise<string> {
    return "one two three";
  }

  release(n = 1): void {
    this.released += n;
    for (const w of this.waiters.splice(0)) w();
  }

  async *stream(): AsyncIterable<string> {
    this.started++;
    let sent = 0;
    for (const word of ["one ", "two ", "three"]) {
      while (sent >= this.released) await new Promise<void>((resolve) => this.waiters.push(resolve));
      sent++;
      yield word;
    }
  }
}

// A deterministic model that needs no key and no network: the AI SDK's own
// MockLanguageModelV3 (from `ai/test`) streaming a fixed answer word by word,
// driven through the same streamText path as a real model.
import type { LanguageModelV3StreamPart } from "@ai-sdk/provider";
import { ConfigurationError } from "../errors.js";
import { aiSdkModel, type AiSdkModelOptions } from "./aiSdk.js";
import type { ChatMessage, ChatModel, StreamOptions } from "./types.js";

export interface OfflineModelOptions {
  /** The answer to the last user message (default: an echo that says it is offline). */
  answer?: (prompt: string, messages: readonly ChatMessage[]) => string;
  /** Delay between words, to watch tokens arrive in a UI. Default 0. */
  chunkDelayMs?: number;
  tools?: AiSdkModelOptions["tools"];
}

const defaultAnswer = (prompt: string) => `You said: "${prompt}". This is the offline model; set OPENAI_API_KEY for real answers.`;

function words(text: string): string[] {
  return text.match(/\S+\s*|\s+/g) ?? [];
}

export function offlineModel(options: OfflineModelOptions = {}): ChatModel {
  const answer = options.answer ?? defaultAnswer;
  let inner: Promise<ChatModel> | null = null;
  const build = async (messages: readonly ChatMessage[]): Promise<ChatModel> => {
    const test = await import("ai/test").catch((err: unknown) => {
      throw new ConfigurationError(`offlineModel needs the "ai" package: run "npm install ai" (${(err as Error).message})`);
    });
    void messages;
    const model = new test.MockLanguageModelV3({
      provider: "burr-ts",
      modelId: "offline",
      doStream: async (call) => {
        const prompt = [...call.prompt].reverse().find((m) => m.role === "user");
        const text = prompt && Array.isArray(prompt.content) ? prompt.content.map((p) => (p.type === "text" ? p.text : "")).join("") : "";
        const history: ChatMessage[] = call.prompt.map((m) => ({
          role: m.role === "tool" ? "assistant" : m.role,
          content: typeof m.content === "string" ? m.content : m.content.map((p) => ("text" in p ? p.text : "")).join(""),
        }));
        const out = words(answer(text, history));
        const parts: LanguageModelV3StreamPart[] = [
          { type: "stream-start", warnings: [] },
          { type: "response-metadata", modelId: "offline" },
          { type: "text-start", id: "t" },
          ...out.map((delta): LanguageModelV3StreamPart => ({ type: "text-delta", id: "t", delta })),
          { type: "text-end", id: "t" },
          {
            type: "finish",
            finishReason: { unified: "stop", raw: "stop" },
            usage: {
              inputTokens: { total: history.reduce((n, m) => n + words(m.content).length, 0), noCache: undefined, cacheRead: undefined, cacheWrite: undefined },
              outputTokens: { total: out.length, text: out.length, reasoning: undefined },
            },
          },
        ];
        return { stream: test.simulateReadableStream({ chunks: parts, chunkDelayInMs: options.chunkDelayMs ?? null, initialDelayInMs: null }) };
      },
    });
    return aiSdkModel({ model, tools: options.tools });
  };
  return {
    name: "burr-ts:offline",
    async *stream(messages: readonly ChatMessage[], opts?: StreamOptions) {
      const model = await (inner ??= build(messages));
      yield* model.stream(messages, opts);
    },
  };
}

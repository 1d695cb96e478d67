// OpenAI's `openai` client (an optional peer loaded on first use): streamed
// chat completions with usage logged on the step's span.
import { ConfigurationError } from "../errors.js";
import { inSpan } from "./channel.js";
import type { ChatMessage, ChatModel, StreamOptions } from "./types.js";

/** The part of OpenAI's client used here (structural, so any copy of the package fits). */
export interface OpenAIChatClient {
  chat: {
    completions: {
      create(
        body: { model: string; messages: ChatMessage[]; stream: true; stream_options: { include_usage: boolean } },
        options?: { signal?: AbortSignal },
      ): PromiseLike<AsyncIterable<OpenAIChunk>>;
    };
  };
}

interface OpenAIChunk {
  model?: string;
  choices: Array<{ delta?: { content?: string | null } }>;
  usage?: { prompt_tokens: number; completion_tokens: number; total_tokens: number } | null;
}

export interface OpenAIModelOptions {
  /** Default gpt-4o-mini. */
  model?: string;
  /** A configured client; default `new OpenAI()` (reads OPENAI_API_KEY). */
  client?: OpenAIChatClient;
}

export function openaiModel(options: OpenAIModelOptions = {}): ChatModel {
  const model = options.model ?? "gpt-4o-mini";
  let client: Promise<OpenAIChatClient> | null = options.client ? Promise.resolve(options.client) : null;
  const getClient = () =>
    (client ??= import("openai").then(
      (m): OpenAIChatClient => new m.default() as unknown as OpenAIChatClient,
      (err: unknown) => {
        client = null;
        throw new ConfigurationError(`openaiModel needs the "openai" package: run "npm install openai" (${(err as Error).message})`);
      },
    ));
  return {
    name: `openai:${model}`,
    stream(messages: readonly ChatMessage[], opts: StreamOptions = {}) {
      return inSpan<string>(opts.tracer, "model", async (push, span) => {
        const c = await getClient();
        const chunks = await c.chat.completions.create(
          { model, messages: messages.map((m) => ({ role: m.role, content: m.content })), stream: true, stream_options: { include_usage: true } },
          { signal: opts.signal },
        );
        let usage: OpenAIChunk["usage"];
        let served = model;
        for await (const chunk of chunks) {
          const delta = chunk.choices[0]?.delta?.content;
          if (delta) push(delta);
          if (chunk.usage) usage = chunk.usage;
          if (chunk.model) served = chunk.model;
        }
        span?.logAttributes({
          model: served,
          input_tokens: usage?.prompt_tokens ?? null,
          output_tokens: usage?.completion_tokens ?? null,
          total_tokens: usage?.total_tokens ?? null,
        });
      });
    },
  };
}

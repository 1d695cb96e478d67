// What an action needs from a chat model: its name and its answer as a stream
// of text. Given a tracer, a model call is one span carrying the model's name
// and token usage as attributes (what the tracker and OpenTelemetry record).
import type { Tracer } from "../application/tracer.js";

export type ChatMessage = { role: "user" | "assistant" | "system"; content: string };

export interface TokenUsage {
  inputTokens?: number;
  outputTokens?: number;
  totalTokens?: number;
}

export interface StreamOptions {
  /** The step's tracer: the call becomes a span named "model" with model and usage attributes. */
  tracer?: Tracer;
  /** Stops the call (e.g. the HTTP client went away). */
  signal?: AbortSignal;
}

export interface ChatModel {
  readonly name: string;
  /** The answer to `messages`, piece by piece. */
  stream(messages: readonly ChatMessage[], options?: StreamOptions): AsyncIterable<string>;
}

/** The whole answer at once. */
export async function complete(model: ChatModel, messages: readonly ChatMessage[], options?: StreamOptions): Promise<string> {
  let text = "";
  for await (const piece of model.stream(messages, options)) text += piece;
  return text;
}

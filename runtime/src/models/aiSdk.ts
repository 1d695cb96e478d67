// The Vercel AI SDK (`ai`, an optional peer loaded on first use): streamText
// with tools, usage and model name logged on the step's span.
import type { LanguageModel, ToolSet } from "ai";
import { ConfigurationError } from "../errors.js";
import { inSpan } from "./channel.js";
import type { ChatMessage, ChatModel, StreamOptions } from "./types.js";

export interface AiSdkModelOptions {
  /** Any AI SDK language model, e.g. openai("gpt-4o-mini") from @ai-sdk/openai. */
  model: LanguageModel;
  /** Tools the model may call; their results go back to it (up to maxSteps model calls). */
  tools?: ToolSet;
  /** Model calls per answer when tools are used. Default 5. */
  maxSteps?: number;
  system?: string;
}

type AiModule = typeof import("ai");
let loaded: Promise<AiModule> | null = null;

export function loadAi(): Promise<AiModule> {
  loaded ??= import("ai").catch((err: unknown) => {
    loaded = null;
    throw new ConfigurationError(`aiSdkModel needs the "ai" package: run "npm install ai" (${(err as Error).message})`);
  });
  return loaded;
}

function modelName(model: LanguageModel): string {
  if (typeof model === "string") return model;
  return `${model.provider}:${model.modelId}`;
}

export function aiSdkModel(options: AiSdkModelOptions): ChatModel {
  const name = modelName(options.model);
  return {
    name,
    stream(messages: readonly ChatMessage[], opts: StreamOptions = {}) {
      return inSpan<string>(opts.tracer, "model", async (push, span) => {
        const { streamText, stepCountIs } = await loadAi();
        const result = streamText({
          model: options.model,
          system: options.system,
          messages: messages.map((m) => ({ role: m.role, content: m.content })),
          tools: options.tools,
          stopWhen: stepCountIs(options.maxSteps ?? 5),
          abortSignal: opts.signal,
        });
        const toolCalls: string[] = [];
        for await (const part of result.fullStream) {
          if (part.type === "text-delta") push(part.text);
          else if (part.type === "tool-call") toolCalls.push(part.toolName);
          else if (part.type === "error") throw part.error;
        }
        const usage = await result.totalUsage;
        const response = await result.response;
        span?.logAttributes({
          model: response.modelId ?? name,
          input_tokens: usage.inputTokens ?? null,
          output_tokens: usage.outputTokens ?? null,
          total_tokens: usage.totalTokens ?? null,
          ...(toolCalls.length ? { tool_calls: toolCalls } : {}),
        });
      });
    },
  };
}

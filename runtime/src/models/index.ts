// burr-ts/models: chat models for actions, through the AI SDK or OpenAI's client (both optional peers), or offline.
export { aiSdkModel, type AiSdkModelOptions } from "./aiSdk.js";
export { openaiModel, type OpenAIModelOptions } from "./openai.js";
export { offlineModel, type OfflineModelOptions } from "./offline.js";
export { complete, type ChatMessage, type ChatModel, type StreamOptions, type TokenUsage } from "./types.js";

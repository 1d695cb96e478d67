// The chatbot from the Burr introduction: human input, a safety check, then
// an AI response or an "unsafe" refusal, and back to human input.
//   npx tsx examples/chatbot/app.ts        (runs a short scripted conversation)
import { ApplicationBuilder, action, trace, when, type Application, type LifecycleHooks } from "burr-ts";
import { defaultModel, type ChatModel, type Message } from "./model.js";

export type ChatState = {
  chatHistory: Message[];
  prompt: string;
  safe: boolean;
  response: string;
};

const chatAction = action.withState<ChatState>();

export const humanInput = chatAction(
  { reads: [], writes: ["prompt", "chatHistory"], inputs: ["prompt"] },
  (state, { prompt }: { prompt: string }) => {
    const item: Message = { role: "user", content: prompt };
    return [{ prompt }, state.update({ prompt }).append({ chatHistory: item })];
  },
);

export const safetyCheck = chatAction({ reads: ["prompt"], writes: ["safe"] }, (state) => {
  const safe = !state.get("prompt").includes("unsafe");
  return [{ safe }, state.update({ safe })];
});

export const unsafeResponse = chatAction({ reads: [], writes: ["response", "chatHistory"] }, (state) => {
  const content = "I'm sorry, my overlords have forbidden me to respond.";
  return [{ response: content }, state.update({ response: content }).append({ chatHistory: { role: "assistant", content } })];
});

/** The AI response, given the model to ask. */
export function aiResponseWith(model: ChatModel) {
  // Through trace(): the answer is recorded in tracked runs, so `burr-ts replay` gives it back without asking the model.
  const complete = trace((messages: readonly Message[]) => model.complete(messages), { name: "model.complete" });
  return chatAction({ reads: ["chatHistory"], writes: ["response", "chatHistory"] }, async (state, _inputs, { tracer }) => {
    const content = await tracer.span("model", async (span) => {
      span.logAttributes({ model: model.name, messages: state.get("chatHistory").length });
      return complete(state.get("chatHistory"));
    });
    return [{ response: content }, state.update({ response: content }).append({ chatHistory: { role: "assistant", content } })];
  });
}

export interface ChatbotOptions {
  model?: ChatModel;
  appId?: string;
  partitionKey?: string;
  hooks?: LifecycleHooks[];
  /** Add anything else to the builder (a persister, a tracker, …) before build(). */
  configure?: (builder: ApplicationBuilder<ChatState>) => ApplicationBuilder<ChatState>;
}

export function chatbotBuilder(opts: ChatbotOptions = {}): ApplicationBuilder<ChatState> {
  let builder = new ApplicationBuilder<ChatState>()
    .withActions({ humanInput, safetyCheck, aiResponse: aiResponseWith(opts.model ?? defaultModel()), unsafeResponse })
    .withTransitions(
      ["humanInput", "safetyCheck"],
      ["safetyCheck", "unsafeResponse", when({ safe: false })],
      ["safetyCheck", "aiResponse", when({ safe: true })],
      [["unsafeResponse", "aiResponse"], "humanInput"],
    )
    .withState({ chatHistory: [] })
    .withEntrypoint("humanInput")
    .withIdentifiers({ appId: opts.appId, partitionKey: opts.partitionKey });
  if (opts.hooks?.length) builder = builder.withHooks(...opts.hooks);
  return opts.configure ? opts.configure(builder) : builder;
}

export function buildChatbot(opts: ChatbotOptions = {}): Application<ChatState> {
  return chatbotBuilder(opts).build();
}

/** One turn: the prompt in, the answer (or the refusal) out. */
export async function chat(app: Application<ChatState>, prompt: string): Promise<string> {
  const { state } = await app.run({ haltAfter: ["aiResponse", "unsafeResponse"], inputs: { prompt } });
  return state.get("response");
}

export const SCRIPT = ["Who was Aaron Burr?", "How do I do something unsafe?", "Why is he remembered for a duel?"];

async function main(): Promise<void> {
  const app = buildChatbot();
  for (const prompt of SCRIPT) {
    console.log(`user: ${prompt}`);
    console.log(`assistant: ${await chat(app, prompt)}`);
  }
}

// `npx burr-ts replay --program examples/chatbot/app.ts --run <run>` builds the app from this.
export default chatbotBuilder;

if (require.main === module) {
  main().catch((e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  });
}

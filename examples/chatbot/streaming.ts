// The chatbot with a streaming AI response: streamResult hands back the
// answer piece by piece as the model produces it.
//   npx tsx examples/chatbot/streaming.ts
import { ApplicationBuilder, streamingAction, trace, when, type Application, type LifecycleHooks } from "burr-ts";
import { humanInput, safetyCheck, unsafeResponse, type ChatState } from "./app.js";
import { defaultModel, type ChatModel, type Message } from "./model.js";

export function streamingResponseWith(model: ChatModel) {
  // Traced: the chunks are recorded, and replay streams them back.
  const stream = trace((messages: readonly Message[]) => model.stream(messages), { name: "model.stream" });
  return streamingAction.withState<ChatState>()(
    { reads: ["chatHistory"], writes: ["response", "chatHistory"] },
    async function* (state) {
      const pieces: string[] = [];
      for await (const delta of await stream(state.get("chatHistory"))) {
        pieces.push(delta);
        yield { delta };
      }
      const content = pieces.join("");
      return [{ response: content }, state.update({ response: content }).append({ chatHistory: { role: "assistant", content } })];
    },
  );
}

export function streamingChatbotBuilder(opts: { model?: ChatModel; appId?: string; hooks?: LifecycleHooks[] } = {}): ApplicationBuilder<ChatState> {
  return new ApplicationBuilder<ChatState>()
    .withActions({ humanInput, safetyCheck, aiResponse: streamingResponseWith(opts.model ?? defaultModel()), unsafeResponse })
    .withTransitions(
      ["humanInput", "safetyCheck"],
      ["safetyCheck", "unsafeResponse", when({ safe: false })],
      ["safetyCheck", "aiResponse", when({ safe: true })],
      [["unsafeResponse", "aiResponse"], "humanInput"],
    )
    .withState({ chatHistory: [] })
    .withEntrypoint("humanInput")
    .withIdentifiers({ appId: opts.appId })
    .withHooks(...(opts.hooks ?? []));
}

export function buildStreamingChatbot(opts: { model?: ChatModel; appId?: string; hooks?: LifecycleHooks[] } = {}): Application<ChatState> {
  return streamingChatbotBuilder(opts).build();
}

// What `burr-ts replay --program examples/chatbot/streaming.ts` builds the app from.
export default streamingChatbotBuilder;

/** One turn, calling `onDelta` with each piece of the answer; resolves to the whole answer. */
export async function streamTurn(app: Application<ChatState>, prompt: string, onDelta: (text: string) => void): Promise<string> {
  const { container } = await app.streamResult({ haltAfter: ["aiResponse", "unsafeResponse"], inputs: { prompt } });
  for await (const partial of container) onDelta(String(partial.delta));
  const { state } = await container.get();
  return state.get("response");
}

async function main(): Promise<void> {
  const app = buildStreamingChatbot();
  for (const prompt of ["Who was Aaron Burr?", "Tell me something unsafe"]) {
    process.stdout.write(`user: ${prompt}\nassistant: `);
    const answer = await streamTurn(app, prompt, (text) => process.stdout.write(text));
    if (app.state.get("safe") === false) process.stdout.write(answer); // the refusal is not streamed
    process.stdout.write("\n");
  }
}

if (require.main === module) {
  main().catch((e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  });
}

// The chatbot from the Burr introduction as a class: each step is a method
// declared an action with `@action` / `@streamingAction`, and the model is
// injected through the constructor (a test passes a fake, the app a real one).
//   npx tsx examples/decorated-chatbot/app.ts
import { ApplicationBuilder, action, actionsOf, streamingAction, when, type ActionState, type Application } from "burr-ts";
import { defaultModel, type ChatModel, type Message } from "../chatbot/model.js";

export type ChatState = {
  chatHistory: Message[];
  prompt: string;
  safe: boolean;
  response: string;
};

const chatAction = action.withState<ChatState>();
const chatStreamingAction = streamingAction.withState<ChatState>();

export class Chatbot {
  constructor(private readonly model: ChatModel) {}

  @chatAction({ reads: [], writes: ["prompt", "chatHistory"], inputs: ["prompt"] })
  humanInput(state: ActionState<ChatState, never, "prompt" | "chatHistory">, { prompt }: { prompt: string }) {
    return [{ prompt }, state.update({ prompt }).append({ chatHistory: { role: "user", content: prompt } })] as const;
  }

  @chatAction({ reads: ["prompt"], writes: ["safe"] })
  safetyCheck(state: ActionState<ChatState, "prompt", "safe">) {
    const safe = !state.get("prompt").includes("unsafe");
    return [{ safe }, state.update({ safe })] as const;
  }

  @chatAction({ reads: [], writes: ["response", "chatHistory"] })
  unsafeResponse(state: ActionState<ChatState, never, "response" | "chatHistory">) {
    const content = "I'm sorry, my overlords have forbidden me to respond.";
    return [{ response: content }, state.update({ response: content }).append({ chatHistory: { role: "assistant", content } })] as const;
  }

  /** Streams the answer piece by piece; step/run wait for the whole of it. */
  @chatStreamingAction({ reads: ["chatHistory"], writes: ["response", "chatHistory"] })
  async *aiResponse(state: ActionState<ChatState, "chatHistory", "response" | "chatHistory">) {
    const pieces: string[] = [];
    for await (const delta of this.model.stream(state.get("chatHistory"))) {
      pieces.push(delta);
      yield { delta };
    }
    const content = pieces.join("");
    return [{ response: content }, state.update({ response: content }).append({ chatHistory: { role: "assistant", content } })] as const;
  }
}

export function buildChatbot(opts: { model?: ChatModel; appId?: string } = {}): Application<ChatState> {
  return new ApplicationBuilder<ChatState>()
    .withActions(actionsOf(new Chatbot(opts.model ?? defaultModel())))
    .withTransitions(
      ["humanInput", "safetyCheck"],
      ["safetyCheck", "unsafeResponse", when({ safe: false })],
      ["safetyCheck", "aiResponse", when({ safe: true })],
      [["unsafeResponse", "aiResponse"], "humanInput"],
    )
    .withState({ chatHistory: [] })
    .withEntrypoint("humanInput")
    .withIdentifiers({ appId: opts.appId })
    .build();
}

/** One turn: the prompt in, the answer (or the refusal) out. */
export async function chat(app: Application<ChatState>, prompt: string): Promise<string> {
  const { state } = await app.run({ haltAfter: ["aiResponse", "unsafeResponse"], inputs: { prompt } });
  return state.get("response");
}

async function main(): Promise<void> {
  const app = buildChatbot();
  for (const prompt of ["Who was Aaron Burr?", "How do I do something unsafe?", "Why is he remembered for a duel?"]) {
    console.log(`user: ${prompt}`);
    console.log(`assistant: ${await chat(app, prompt)}`);
  }
}

if (require.main === module) {
  main().catch((e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  });
}

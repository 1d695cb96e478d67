// The chatbot as the web page serves it: the introduction's graph with a
// streaming AI response through burr-ts/models (OpenAI when OPENAI_API_KEY is
// set, otherwise the offline model, which streams a deterministic answer).
import { ApplicationBuilder, streamingAction, when } from "burr-ts";
import { offlineModel, openaiModel, type ChatModel } from "burr-ts/models";
import { humanInput, safetyCheck, unsafeResponse, type ChatState } from "../app.js";

const FACTS: [RegExp, string][] = [
  [/duel|hamilton/i, "Burr shot Alexander Hamilton in a duel at Weehawken, New Jersey, on July 11, 1804; Hamilton died the next day."],
  [/burr/i, "Aaron Burr (1756-1836) was the third Vice President of the United States, serving under Thomas Jefferson from 1801 to 1805."],
  [/state machine/i, "A state machine is a set of states and the transitions between them; Burr models an app's steps that way."],
];

export function offlineAnswer(prompt: string): string {
  const fact = FACTS.find(([pattern]) => pattern.test(prompt));
  return fact ? fact[1] : `You said: "${prompt}". I am the offline model; set OPENAI_API_KEY for real answers.`;
}

export function webModel(options: { chunkDelayMs?: number } = {}): ChatModel {
  if (process.env.OPENAI_API_KEY) return openaiModel({ model: process.env.OPENAI_MODEL });
  return offlineModel({ answer: offlineAnswer, chunkDelayMs: options.chunkDelayMs ?? 30 });
}

export function streamingResponse(model: ChatModel) {
  return streamingAction.withState<ChatState>()({ reads: ["chatHistory"], writes: ["response", "chatHistory"] }, async function* (state, _inputs, { tracer }) {
    let content = "";
    for await (const delta of model.stream(state.get("chatHistory"), { tracer })) {
      content += delta;
      yield { delta };
    }
    return [{ response: content }, state.update({ response: content }).append({ chatHistory: { role: "assistant", content } })];
  });
}

/** The builder as written for a new conversation; the HTTP handler adds the persister and resumes saved ones. */
export function webChatBuilder(model: ChatModel, trackingDir: string | null): ApplicationBuilder<ChatState> {
  const builder = new ApplicationBuilder<ChatState>()
    .withActions({ humanInput, safetyCheck, aiResponse: streamingResponse(model), unsafeResponse })
    .withTransitions(
      ["humanInput", "safetyCheck"],
      ["safetyCheck", "unsafeResponse", when({ safe: false })],
      ["safetyCheck", "aiResponse", when({ safe: true })],
      [["unsafeResponse", "aiResponse"], "humanInput"],
    )
    .withState({ chatHistory: [] })
    .withEntrypoint("humanInput");
  return trackingDir ? builder.withTracker("local", { project: TRACKING_PROJECT, storageDir: trackingDir }) : builder;
}

export const TRACKING_PROJECT = "chatbot-web";
export const CHAT_HALTS = { haltAfter: ["aiResponse", "unsafeResponse"] };

// The chatbot's language model: OpenAI's client when OPENAI_API_KEY is set,
// otherwise a deterministic offline model, so the example runs anywhere.
// `openai` is imported only when it is used (and typed here by the little we
// call), so a copy of this example needs it only with OPENAI_API_KEY set.
export type Message = { role: "user" | "assistant" | "system"; content: string };

export interface ChatModel {
  readonly name: string;
  complete(messages: readonly Message[]): Promise<string>;
  /** The same answer, piece by piece. */
  stream(messages: readonly Message[]): AsyncIterable<string>;
}

const FACTS: [RegExp, string][] = [
  [/duel|hamilton/i, "Burr shot Alexander Hamilton in a duel at Weehawken, New Jersey, on July 11, 1804; Hamilton died the next day."],
  [/burr/i, "Aaron Burr (1756-1836) was the third Vice President of the United States, serving under Thomas Jefferson from 1801 to 1805."],
  [/state machine/i, "A state machine is a set of states and the transitions between them; Burr models an app's steps that way."],
];

/** Answers from a small table of facts; the same messages always give the same answer. */
export class OfflineModel implements ChatModel {
  readonly name = "offline";

  async complete(messages: readonly Message[]): Promise<string> {
    const last = [...messages].reverse().find((m) => m.role === "user")?.content ?? "";
    const fact = FACTS.find(([pattern]) => pattern.test(last));
    if (fact) return fact[1];
    return `You said: "${last}". I am the offline model; set OPENAI_API_KEY for real answers.`;
  }

  async *stream(messages: readonly Message[]): AsyncIterable<string> {
    const text = await this.complete(messages);
    for (const piece of text.match(/\S+\s*/g) ?? []) yield piece;
  }
}

/** The part of the `openai` client this example calls. */
interface OpenAIClient {
  chat: {
    completions: {
      create(body: { model: string; messages: Message[] }): Promise<{ choices: { message: { content: string | null } }[] }>;
      create(body: { model: string; messages: Message[]; stream: true }): Promise<AsyncIterable<{ choices: { delta?: { content?: string | null } }[] }>>;
    };
  };
}

/** OpenAI's chat completions through the `openai` npm client (npm install openai). */
export class OpenAIModel implements ChatModel {
  readonly name: string;
  private client: Promise<OpenAIClient> | null = null;

  constructor(private readonly model = process.env.OPENAI_MODEL ?? "gpt-4o-mini") {
    this.name = `openai:${model}`;
  }

  private getClient(): Promise<OpenAIClient> {
    return (this.client ??= loadOpenAI());
  }

  async complete(messages: readonly Message[]): Promise<string> {
    const client = await this.getClient();
    const r = await client.chat.completions.create({ model: this.model, messages: [...messages] });
    return r.choices[0]?.message.content ?? "";
  }

  async *stream(messages: readonly Message[]): AsyncIterable<string> {
    const client = await this.getClient();
    const chunks = await client.chat.completions.create({ model: this.model, messages: [...messages], stream: true });
    for await (const chunk of chunks) {
      const delta = chunk.choices[0]?.delta?.content;
      if (delta) yield delta;
    }
  }
}

async function loadOpenAI(): Promise<OpenAIClient> {
  const specifier = "openai"; // a variable, so type-checking a copy of this file does not need the package
  let mod: { default: new () => OpenAIClient };
  try {
    mod = (await import(specifier)) as typeof mod;
  } catch (err) {
    throw new Error(`OPENAI_API_KEY is set, so the chatbot uses OpenAI, but the "openai" package cannot be loaded (${(err as Error).message}): run npm install openai, or unset OPENAI_API_KEY for the offline model`);
  }
  return new mod.default();
}

export function defaultModel(): ChatModel {
  return process.env.OPENAI_API_KEY ? new OpenAIModel() : new OfflineModel();
}

// Type tests for actions: compiled by `tsc -p test/types` (test/runtime/types.test.ts).
// Every `@ts-expect-error` must be an error (an unused one fails the build),
// and everything else must compile.
import { ApplicationBuilder, State, action, streamingAction, type ActionContext } from "burr-ts";

// ---- untyped state: the keys come from the spec, values are loose (as in Burr) ----

export const humanInput = action(
  { reads: [], writes: ["prompt", "chatHistory"], inputs: ["prompt"] },
  (state, { prompt }: { prompt: string }) => {
    const item = { role: "user", content: prompt };
    return [{ prompt }, state.update({ prompt }).append({ chatHistory: item })];
  },
);

export const safetyCheck = action({ reads: ["prompt"], writes: ["safe"] }, (state) => {
  const safe = !state.get("prompt").includes("unsafe");
  return [{ safe }, state.update({ safe })];
});

export const undeclaredRead = action({ reads: ["prompt"], writes: ["safe"] }, (state) => {
  // @ts-expect-error "chatHistory" is not in reads
  state.get("chatHistory");
  // @ts-expect-error has() is a read too
  state.has("response");
  return state.update({ safe: true });
});

export const undeclaredWrite = action({ reads: ["prompt"], writes: ["safe"] }, (state) => {
  // @ts-expect-error "response" is not in writes
  state.update({ response: "x" });
  // @ts-expect-error append to an undeclared key
  state.append({ chatHistory: {} });
  // @ts-expect-error increment an undeclared key
  state.increment({ count: 1 });
  // @ts-expect-error a key written but not declared as a read cannot be read
  state.get("safe");
  return state.update({ safe: true });
});

export const noReads = action({ writes: ["x"] }, (state) => {
  // @ts-expect-error no reads declared: nothing is readable
  state.get("x");
  return state.update({ x: 1 });
});

// The result must be an object; the return a State or [result, state].
// @ts-expect-error a bare result is not a valid return
export const badReturn = action({ writes: ["x"] }, () => ({ x: 1 }));

export const asyncAction = action({ reads: ["n"], writes: ["n"] }, async (state, _inputs, ctx: ActionContext) => {
  const n: number = await ctx.tracer.span("work", async (span) => {
    span.logAttributes({ step: ctx.sequenceId });
    return state.get("n") + 1;
  });
  return [{ n }, state.update({ n })];
});

// bind takes the function's own input type.
export const greet = action({ writes: ["greeting"], inputs: ["name", "punctuation"] }, (state, i: { name: string; punctuation: string }) =>
  state.update({ greeting: i.name + i.punctuation }),
);
greet.bind({ punctuation: "!" });
// @ts-expect-error wrong type for a bound input
greet.bind({ punctuation: 1 });

// ---- typed state: action.withState<S>() checks keys against S and values too ----

type Message = { role: "user" | "assistant"; content: string };
type Chat = {
  prompt: string;
  chatHistory: Message[];
  safe: boolean;
  count: number;
};
const chatAction = action.withState<Chat>();

export const typedHuman = chatAction(
  { reads: ["count"], writes: ["prompt", "chatHistory", "count"], inputs: ["prompt"] },
  (state, { prompt }: { prompt: string }) => {
    const count: number = state.get("count");
    return [{ prompt }, state.update({ prompt, count: count + 1 }).append({ chatHistory: { role: "user", content: prompt } })];
  },
);

export const typedErrors = chatAction({ reads: ["prompt", "chatHistory"], writes: ["safe"] }, (state) => {
  // @ts-expect-error prompt is a string, not a number
  const n: number = state.get("prompt");
  // @ts-expect-error history is readonly once read
  state.get("chatHistory").push({ role: "user", content: "x" });
  // @ts-expect-error safe is boolean
  state.update({ safe: "yes" });
  // @ts-expect-error "count" is not in writes
  state.increment({ count: 1 });
  void n;
  return state.update({ safe: true });
});

// @ts-expect-error "nope" is not a key of Chat
export const typedUnknownKey = chatAction({ reads: ["nope"], writes: [] }, (state) => state);

export const typedStreaming = streamingAction.withState<Chat>()(
  { reads: ["prompt"], writes: ["chatHistory"] },
  async function* (state) {
    const prompt = state.get("prompt");
    yield { delta: prompt };
    // @ts-expect-error the item must be a Message
    state.append({ chatHistory: "text" });
    return [{ response: prompt }, state.append({ chatHistory: { role: "assistant", content: prompt } })];
  },
);

export const untypedStreaming = streamingAction({ reads: ["prompt"], writes: ["response"] }, async function* (state) {
  yield { delta: "a" };
  // @ts-expect-error "other" is not declared
  state.get("other");
  return [{}, state.update({ response: "a" })];
});

// ---- the app's state type flows into app.state ----

export async function typedApp(): Promise<void> {
  const app = new ApplicationBuilder<Chat>()
    .withActions({ typedHuman })
    .withTransitions(["typedHuman", "typedHuman"])
    .withState({ prompt: "", chatHistory: [], safe: true, count: 0 })
    .withEntrypoint("typedHuman")
    .build();
  const history: readonly Message[] = app.state.get("chatHistory");
  // @ts-expect-error count is a number
  const wrong: string = app.state.get("count");
  const r = await app.run({ haltAfter: ["typedHuman"], inputs: { prompt: "hi" } });
  const s: State<Chat> = r.state;
  void history;
  void wrong;
  void s;
}

// Building after initializeFrom is async; otherwise it is not.
export async function buildKinds(loader: Parameters<ApplicationBuilder["initializeFrom"]>[0]): Promise<void> {
  const sync = new ApplicationBuilder().withActions({ humanInput }).withTransitions(["humanInput", "humanInput"]).withEntrypoint("humanInput").build();
  sync.visualize("mermaid");
  const pending = new ApplicationBuilder()
    .withActions({ humanInput })
    .withTransitions(["humanInput", "humanInput"])
    .initializeFrom(loader, { resumeAtNextAction: true, defaultState: {}, defaultEntrypoint: "humanInput" })
    .build();
  // @ts-expect-error build() after initializeFrom is a Promise
  pending.visualize("mermaid");
  (await pending).visualize("dot");
}

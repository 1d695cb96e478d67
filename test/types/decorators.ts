// Type tests for action decorators: compiled by `tsc -p test/types` (test/runtime/types.test.ts).
import { action, actionsOf, streamingAction, captureAs, State, type ActionState, type ActionContext } from "burr-ts";

type Chat = { prompt: string; safe: boolean; response: string; chatHistory: string[]; error: unknown };
const chatAction = action.withState<Chat>();
const chatStreaming = streamingAction.withState<Chat>();

export class Bot {
  constructor(private readonly prefix: string) {}

  // Untyped: state is a State; the runtime checks the keys.
  @action({ reads: ["prompt"], writes: ["safe"] })
  safetyCheck(state: State) {
    return state.update({ safe: !String(state.get("prompt")).includes("unsafe") });
  }

  // Typed: the view names the spec's keys and TypeScript checks the body.
  @chatAction({ reads: ["prompt"], writes: ["response"], inputs: ["style"] })
  async respond(state: ActionState<Chat, "prompt", "response">, { style }: { style: string }, ctx: ActionContext) {
    const text: string = `${this.prefix}${style}${ctx.sequenceId}${state.get("prompt")}`;
    // @ts-expect-error "safe" is not among the view's reads
    state.get("safe");
    // @ts-expect-error response is a string
    state.update({ response: 1 });
    return [{ text }, state.update({ response: text })] as const;
  }

  // @ts-expect-error the view claims "safe" as a read but the spec does not declare it
  @chatAction({ reads: ["prompt"], writes: ["response"] })
  wrongView(state: ActionState<Chat, "prompt" | "safe", "response">) {
    return state;
  }

  // @ts-expect-error the view lacks the declared write "response" (must match the spec exactly)
  @chatAction({ reads: ["prompt"], writes: ["response"] })
  narrowerView(state: ActionState<Chat, "prompt", never>) {
    return state;
  }

  @chatStreaming({ reads: ["prompt"], writes: ["response"] })
  async *stream(state: ActionState<Chat, "prompt", "response">) {
    yield { delta: "a" };
    return [{ response: "a" }, state.update({ response: "a" })] as const;
  }

  // @ts-expect-error a streaming decorator needs a generator method
  @chatStreaming({ reads: ["prompt"], writes: ["response"] })
  notAGenerator(state: ActionState<Chat, "prompt", "response">) {
    return state;
  }

  // @ts-expect-error "nope" is not a key of Chat
  @chatAction({ reads: ["nope"] })
  unknownKey(state: State) {
    return state;
  }

  // @ts-expect-error onError must name a declared write
  @action({ reads: [], writes: ["response"], onError: captureAs("error") })
  captures(state: State) {
    return state;
  }

  // What it cannot catch: a method typed `state: State` opts out of key checks (as in Burr),
  // and a body reading an undeclared key through it fails at run time (and in the language server).
  @chatAction({ reads: ["prompt"], writes: ["safe"] })
  untyped(state: State) {
    return state.update({ response: state.get("chatHistory") });
  }
}

const actions = actionsOf(new Bot(">"));
export const bound = actions.respond!.bind({ style: "terse" });

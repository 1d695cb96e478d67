// Type tests for class actions: compiled by `tsc -p test/types` (test/runtime/types.test.ts).
// `extends Action.withState<S>()(spec)` types run/update's state from the spec;
// plain `extends Action` stays untyped.
import {
  Action,
  ApplicationBuilder,
  State,
  StreamingAction,
  captureAs,
  type ActionContext,
  type ActionResult,
  type PartialResult,
  type StateOf,
} from "burr-ts";

type Message = { role: "user" | "assistant"; content: string };
type Chat = { prompt: string; chatHistory: Message[]; response: string; count: number; error: unknown };

// ---- typed: keys and values from Chat, reads/writes declared once ----

export class Respond extends Action.withState<Chat>()({ reads: ["prompt", "chatHistory"], writes: ["response", "chatHistory"] }) {
  run(state: StateOf<this>, inputs: { model: string }, ctx: ActionContext) {
    const history: readonly Message[] = state.get("chatHistory");
    return { response: `${inputs.model}@${ctx.sequenceId}: ${state.get("prompt")} (${history.length})` };
  }
  update(result: { response: string }, state: StateOf<this>) {
    return state.update({ response: result.response }).append({ chatHistory: { role: "assistant", content: result.response } });
  }
}

export class Errors extends Action.withState<Chat>()({ reads: ["prompt"], writes: ["response"] }) {
  run(state: StateOf<this>) {
    // @ts-expect-error "chatHistory" is not in reads
    state.get("chatHistory");
    // @ts-expect-error has() is a read too
    state.has("count");
    // @ts-expect-error prompt is a string
    const n: number = state.get("prompt");
    return { n };
  }
  update(_result: ActionResult, state: StateOf<this>) {
    // @ts-expect-error "count" is not in writes
    state.increment({ count: 1 });
    // @ts-expect-error response is a string
    state.update({ response: 1 });
    // @ts-expect-error a key written but not read cannot be read
    state.get("response");
    // @ts-expect-error "count" is not in writes: the returned state is checked where it is made
    return state.update({ response: "ok", count: 2 });
  }
}

// @ts-expect-error "nope" is not a key of Chat
export const UnknownKey = Action.withState<Chat>()({ reads: ["nope"] });

// Both methods are required: the base is abstract.
// @ts-expect-error Non-abstract class does not implement inherited abstract member update
export class MissingUpdate extends Action.withState<Chat>()({ reads: ["prompt"], writes: ["response"] }) {
  run() {
    return {};
  }
}

// Moving a class over: the old `state: State` annotation still compiles (the view
// is a State at run time), it just checks nothing until it becomes StateOf<this>.
export class OldAnnotation extends Action.withState<Chat>()({ reads: ["prompt"], writes: ["response"] }) {
  run(state: State) {
    return { p: state.get("prompt") };
  }
  update(_r: ActionResult, state: StateOf<this>) {
    return state;
  }
}

// reads/writes come from the spec; a field that disagrees is an error.
export class Redeclared extends Action.withState<Chat>()({ reads: ["prompt"], writes: ["response"] }) {
  // @ts-expect-error string[] is not the declared reads
  override readonly reads = ["count"];
  run() {
    return {};
  }
  update(_r: ActionResult, state: StateOf<this>) {
    return state;
  }
}

// A shared base over the app's state; the factory can be named once.
const ChatAction = Action.withState<Chat>();
export class Count extends ChatAction({ reads: ["count"], writes: ["count"], tags: ["counter"] }) {
  run(state: StateOf<this>) {
    return { count: state.get("count") + 1 };
  }
  update(result: { count: number }, state: StateOf<this>) {
    return state.update({ count: result.count });
  }
}

// ---- onError: in the spec or as a field, only a key among writes ----

export class Captures extends ChatAction({ reads: ["prompt"], writes: ["response", "error"], onError: captureAs("error") }) {
  run(): ActionResult {
    throw new Error("down");
  }
  update(_r: ActionResult, state: StateOf<this>) {
    return state.update({ response: "" });
  }
}

// @ts-expect-error "failure" is not in writes
export const NotInWrites = ChatAction({ writes: ["response"], onError: captureAs("failure") });

export class FieldCapture extends ChatAction({ writes: ["response", "error"] }) {
  override onError = captureAs("error");
  run() {
    return {};
  }
  update(_r: ActionResult, state: StateOf<this>) {
    return state;
  }
}

export class FieldNotInWrites extends ChatAction({ writes: ["response"] }) {
  // @ts-expect-error "error" is not in writes
  override onError = captureAs("error");
  run() {
    return {};
  }
  update(_r: ActionResult, state: StateOf<this>) {
    return state;
  }
}

// ---- keys only: Action.with(spec), values loose (as action(spec, fn)) ----

export class Loose extends Action.with({ reads: ["a"], writes: ["b"] }) {
  run(state: StateOf<this>) {
    // @ts-expect-error "b" is not in reads
    state.get("b");
    return { b: state.get("a") + 1 };
  }
  update(result: ActionResult, state: StateOf<this>) {
    // @ts-expect-error "c" is not in writes
    state.update({ c: 1 });
    return state.update({ b: result.b });
  }
}

// ---- streaming ----

export class Tokens extends StreamingAction.withState<Chat>()({ reads: ["prompt"], writes: ["response"] }) {
  async *streamRun(state: StateOf<this>): AsyncGenerator<PartialResult> {
    const prompt: string = state.get("prompt");
    // @ts-expect-error "count" is not in reads
    state.get("count");
    for (const word of prompt.split(" ")) yield { delta: word };
    yield { response: prompt };
  }
  update(result: ActionResult, state: StateOf<this>) {
    // @ts-expect-error "chatHistory" is not in writes
    state.append({ chatHistory: { role: "assistant", content: "" } });
    return state.update({ response: String(result.response) });
  }
}

export class LooseTokens extends StreamingAction.with({ writes: ["out"], onError: captureAs("out") }) {
  *streamRun() {
    yield { out: 1 };
  }
  update(result: ActionResult, state: StateOf<this>) {
    return state.update({ out: result.out });
  }
}

// @ts-expect-error "failure" is not in writes
export const StreamingNotInWrites = StreamingAction.with({ writes: ["out"], onError: captureAs("failure") });

// ---- untyped classes compile as before ----

export class Untyped extends Action {
  reads = ["x"];
  writes = ["y"];
  override inputs = ["z"];
  override onError = captureAs("y");
  run(state: State, inputs: Record<string, unknown>) {
    return { y: state.get("x") as number + Number(inputs.z) };
  }
  update(result: Record<string, unknown>, state: State): State {
    return state.update({ y: result.y });
  }
}

export class UntypedStreaming extends StreamingAction {
  readonly reads: string[] = [];
  readonly writes = ["text"];
  async *streamRun() {
    yield { text: "a" };
  }
  update(result: Record<string, unknown>, state: State) {
    return state.update({ text: result.text });
  }
}

// @ts-expect-error an untyped class still has to declare reads and writes
export class UntypedMissing extends Action {
  run() {
    return {};
  }
  update(_r: Record<string, unknown>, state: State) {
    return state;
  }
}

// ---- typed classes go wherever actions go ----

export function app() {
  return new ApplicationBuilder<Chat>()
    .withActions({ respond: new Respond().bind({ model: "m" }), count: new Count(), tokens: new Tokens(), untyped: new Untyped() })
    .withTransitions(["respond", "count"], ["count", "tokens"], ["tokens", "respond"])
    .withState({ prompt: "hi", chatHistory: [], response: "", count: 0, error: null })
    .withEntrypoint("respond")
    .build();
}

// Type tests for the inputs parameter: its type comes from the spec's inputs,
// so an input the function uses but does not declare is a compile error.
import { action, streamingAction } from "burr-ts";

// Unannotated: the parameter has exactly the declared names.
export const declared = action({ writes: ["prompt"], inputs: ["prompt"] }, (state, { prompt }) => state.update({ prompt }));

export const optional = action({ writes: ["n"], optionalInputs: ["n"] }, (state, { n = 3 }) => state.update({ n }));

// @ts-expect-error "prompt" is destructured but the spec declares no inputs
export const undeclared = action({ writes: ["prompt"] }, (state, { prompt }) => state.update({ prompt }));

export const misspelt = action({ writes: ["prompt"], inputs: ["prompt"] }, (state, inputs) => {
  // @ts-expect-error "promt" is not a declared input
  const p = inputs.promt;
  return state.update({ prompt: p });
});

// Annotated: every annotated name must be declared (in inputs or optionalInputs).
export const annotated = action({ writes: ["greeting"], inputs: ["name"], optionalInputs: ["punctuation"] }, (state, i: { name: string; punctuation?: string }) =>
  state.update({ greeting: i.name + (i.punctuation ?? "!") }),
);

export const annotatedUndeclared = action(
  // @ts-expect-error "punctuation" is annotated but not declared
  { writes: ["greeting"], inputs: ["name"] },
  (state, i: { name: string; punctuation: string }) => state.update({ greeting: i.name + i.punctuation }),
);

// Typed state factories and streaming actions follow the same rule.
type Chat = { prompt: string; response: string };
export const typedDeclared = action.withState<Chat>()({ writes: ["prompt"], inputs: ["prompt"] }, (state, { prompt }) => state.update({ prompt: String(prompt) }));
// @ts-expect-error undeclared input in a typed factory
export const typedUndeclared = action.withState<Chat>()({ writes: ["prompt"] }, (state, { prompt }) => state.update({ prompt: String(prompt) }));

export const streamDeclared = streamingAction({ writes: ["response"], inputs: ["prompt"] }, async function* (state, { prompt }) {
  yield { delta: String(prompt) };
  return state.update({ response: String(prompt) });
});
// @ts-expect-error undeclared input in a streaming action
export const streamUndeclared = streamingAction({ writes: ["response"] }, async function* (state, { prompt }) {
  yield { delta: String(prompt) };
  return state.update({ response: String(prompt) });
});

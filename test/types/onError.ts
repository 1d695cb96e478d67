// Type tests for onError: captureAs(key) type-checks only with a key among the
// action's writes (the runtime checks it too, for untyped callers).
import { Action, State, action, captureAs, mapStates, streamingAction } from "burr-ts";

export const captured = action({ reads: [], writes: ["answer", "error"], onError: captureAs("error") }, (state) => state.update({ answer: 1 }));

// @ts-expect-error "failure" is not in writes
export const notInWrites = action({ writes: ["answer"], onError: captureAs("failure") }, (state) => state.update({ answer: 1 }));

// @ts-expect-error no writes at all: nothing can hold the error
export const noWrites = action({ reads: ["x"], onError: captureAs("error") }, (state) => state);

export const streamed = streamingAction({ writes: ["error"], onError: captureAs("error", { includeStack: false }) }, async function* (state) {
  yield { delta: "x" };
  return state;
});

// The onError key does not widen writes: writing it is still checked against the spec.
export const typed = action.withState<{ n: number; error: unknown }>()(
  { reads: ["n"], writes: ["n", "error"], onError: captureAs("error") },
  (state) => state.update({ n: state.get("n") + 1 }),
);

export class Fetch extends Action {
  readonly reads = [];
  readonly writes = ["error"];
  override onError = captureAs("error");
  run() {
    return {};
  }
  update(_result: Record<string, unknown>, state: State) {
    return state;
  }
}

export const parallel = mapStates({
  reads: [],
  writes: ["error"],
  onError: captureAs("error"),
  action: captured,
  states: () => [],
  reduce: (state) => state,
});

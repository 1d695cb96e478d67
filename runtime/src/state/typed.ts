// Typed views of State for actions: an action declared with reads R and
// writes W sees a state whose get/has accept only R and whose update/append/
// extend/increment/wipe accept only W, so an undeclared read or write is a
// compile error. At run time the object is the same State (the runtime checks
// reads and writes again, for untyped code).
import type { State } from "./state.js";
import type { AppendInput, ExtendInput, IncrementInput, ReadValue, StateKey, StateValues, UpdateInput } from "./types.js";

/**
 * The state an action sees. `S` is the app's state type, `R` the keys it
 * declared in `reads`, `W` the keys in `writes`. Every write returns the same
 * view, so calls chain: `state.update({ a }).append({ b: item })`.
 */
export interface ActionState<S extends StateValues, R extends StateKey<S>, W extends StateKey<S>> {
  get<K extends R>(key: K): ReadValue<S[K]>;
  get<K extends R, F>(key: K, fallback: F): ReadValue<S[K]> | F;
  has(key: R): boolean;
  update(values: UpdateInput<Pick<S, W>>): ActionState<S, R, W>;
  append(items: AppendInput<Pick<S, W>>): ActionState<S, R, W>;
  extend(items: ExtendInput<Pick<S, W>>): ActionState<S, R, W>;
  increment(deltas: IncrementInput<Pick<S, W>>): ActionState<S, R, W>;
  wipe(which: { delete: readonly W[] }): ActionState<S, R, W>;
}

/** Views a State as an action's restricted state (no copy: the same object). */
export function asActionState<S extends StateValues, R extends StateKey<S>, W extends StateKey<S>>(
  state: State<S>,
): ActionState<S, R, W> {
  return state;
}

/** The State behind an action's view (the same object). */
export function fromActionState<S extends StateValues, R extends StateKey<S>, W extends StateKey<S>>(
  view: ActionState<S, R, W>,
): State<S> {
  return view as unknown as State<S>;
}

/**
 * The keys listed in a reads/writes array, as a union: `KeysOf<["a", "b"]>` is
 * `"a" | "b"`; an empty list is `never` (no key allowed).
 */
export type KeysOf<L extends readonly string[]> = L[number];

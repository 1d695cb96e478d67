export { State, diffStates } from "./state.js";
export { stateStorageStats } from "./vector.js";
export { StateError, StateKeyError, UnserializableValueError } from "./errors.js";
export { registerSerde, SERDE_KEY } from "./serde/registry.js";
export type { SerdeClass, SerdeSpec } from "./serde/registry.js";
export { StoredValueError, serializeValue, deserializeValue } from "./serde/codec.js";
export { asActionState, fromActionState } from "./typed.js";
export type { ActionState, KeysOf } from "./typed.js";
export type {
  AppendInput,
  ElementOf,
  ExtendInput,
  IncrementInput,
  Merged,
  ReadValue,
  StateKey,
  StateValues,
  UpdateInput,
  WipeInput,
} from "./types.js";
export { MAX_STATE_DEPTH } from "./admit.js";

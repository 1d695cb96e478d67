// Errors raised by State, on the runtime's one error base.
import { BurrError, StateSerializationError } from "../errors.js";

/** A State operation was used on a value it cannot handle (e.g. append to a number). */
export class StateError extends BurrError {
  constructor(message: string, key: string) {
    super(message, key === "" ? {} : { key });
  }
}

/** A key was read that is not in state. */
export class StateKeyError extends StateError {}

/** A value that state cannot serialize was put into it. */
export class UnserializableValueError extends StateSerializationError {
  constructor(
    message: string,
    key: string,
    /** Where inside the value, e.g. `chatHistory[3].meta.fn`. */
    readonly path: string,
  ) {
    super(message, { key });
  }
}

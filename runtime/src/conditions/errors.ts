// Errors raised by conditions: a bad expression, a missing key, a bad comparison.
import { BurrError } from "../errors.js";

/** `expr(...)` text that does not parse; names the column and what was expected. */
export class ExprSyntaxError extends BurrError {
  constructor(
    readonly source: string,
    /** 1-based column of the problem. */
    readonly column: number,
    readonly expected: string,
    readonly found: string,
  ) {
    const pointer = `${" ".repeat(column - 1)}^`;
    super(`expr(${JSON.stringify(source)}): at column ${column}, expected ${expected} but found ${found}.\n  ${source}\n  ${pointer}`);
  }
}

/** A condition tested a key that is not in state (as in Burr, this is an error, not "false"). */
export class ConditionKeyError extends BurrError {
  constructor(conditionName: string, key: string, present: readonly string[]) {
    const shown = present.filter((k) => !k.startsWith("__"));
    super(
      `Condition "${conditionName}" tests state key "${key}", which is not in state (keys present: ${shown.length > 0 ? shown.join(", ") : "none"}). ` +
        `Write "${key}" in an action that runs before this transition, or give it an initial value with withState({ ${key}: ... }).`,
      { key },
    );
  }
}

/** A comparison between values that cannot be ordered (e.g. a string with a number). */
export class ConditionTypeError extends BurrError {}

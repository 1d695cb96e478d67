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
    // Long (or hostile) text is shown as a window around the column, so the message stays readable.
    const from = source.length > 120 ? Math.max(0, column - 61) : 0;
    const to = source.length > 120 ? Math.min(source.length, column + 59) : source.length;
    const shown = `${from > 0 ? "…" : ""}${source.slice(from, to)}${to < source.length ? "…" : ""}`;
    const pointer = `${" ".repeat(column - 1 - from + (from > 0 ? 1 : 0))}^`;
    const quoted = source.length > 120 ? `${JSON.stringify(source.slice(0, 40)).slice(0, -1)}…"` : JSON.stringify(source);
    super(`expr(${quoted}): at column ${column}, expected ${expected} but found ${found}.\n  ${shown}\n  ${pointer}`);
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

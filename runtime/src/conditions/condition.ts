// Transition conditions: a predicate over state, the keys it tests and its
// display text (the text graphs, trackers and the language server show).
//
// Canonical display text (the language server reproduces it statically):
//   when({ b: 2, a: "x" })  → a="x", b=2        (keys sorted, values as JSON)
//   expr("  n >= 3 ")       → n >= 3            (the source, trimmed)
//   always                  → default
//   c.not()                 → not <c>
//   a.and(b) / a.or(b)      → <a> and <b> / <a> or <b>
// where <c> is c's text, parenthesized when it contains a space.
import type { State } from "../state/state.js";
import { ConditionKeyError, ExprSyntaxError } from "./errors.js";
import { compileExpr, compileValue } from "./compile.js";
import { keysOf, parseExpr, type ExprNode } from "./parse.js";
import { valuesEqual, valueText } from "./values.js";

/** Anything a condition can test: a State, or a view of one. */
export type ConditionState = Pick<State, "has" | "get" | "keys">;

type Resolver = (state: ConditionState) => boolean;

/** How a condition was made, as data (when() values as given); the graph model records it (graph/model.ts ConditionTree). */
export type ConditionShape =
  | { kind: "default" }
  | { kind: "when"; values: Readonly<Record<string, unknown>> }
  | { kind: "expr"; source: string; tree: ExprNode }
  | { kind: "not"; operand: ConditionShape }
  | { kind: "and" | "or"; operands: ConditionShape[] }
  | { kind: "custom"; name: string; keys: readonly string[] };

export class Condition {
  /** The state keys this condition tests; each must be present when it runs. */
  readonly keys: readonly string[];
  /** What it tests, as data (recorded in the graph model). */
  readonly shape: ConditionShape;

  constructor(
    keys: readonly string[],
    /** Decides, given a state whose keys were checked to be present. */
    private readonly resolver: Resolver,
    /** Display text. */
    readonly name: string,
    /** What it tests, as data; a condition made without one is custom. */
    shape?: ConditionShape,
  ) {
    this.keys = Object.freeze([...new Set(keys)]);
    this.shape = shape ?? { kind: "custom", name, keys: this.keys };
  }

  /** True when the transition should be taken; throws ConditionKeyError for a missing key. */
  run(state: ConditionState): boolean {
    const { keys } = this;
    for (let i = 0; i < keys.length; i++) {
      if (!state.has(keys[i])) throw new ConditionKeyError(this.name, keys[i], state.keys());
    }
    return this.resolver(state);
  }

  /** True for `always` (Burr's `default`). */
  get isDefault(): boolean {
    return this === always;
  }

  not(): Condition {
    const inner = this.resolver;
    return new Condition(this.keys, (state) => !inner(state), `not ${wrap(this.name)}`, { kind: "not", operand: this.shape });
  }

  and(other: Condition): Condition {
    const left = this.resolver;
    const right = other.resolver;
    return new Condition([...this.keys, ...other.keys], (state) => left(state) && right(state), `${wrap(this.name)} and ${wrap(other.name)}`, {
      kind: "and", operands: [this.shape, other.shape],
    });
  }

  or(other: Condition): Condition {
    const left = this.resolver;
    const right = other.resolver;
    return new Condition([...this.keys, ...other.keys], (state) => left(state) || right(state), `${wrap(this.name)} or ${wrap(other.name)}`, {
      kind: "or", operands: [this.shape, other.shape],
    });
  }

  static when(values: Record<string, unknown>): Condition {
    return when(values);
  }

  static expr(source: string): Condition {
    return expr(source);
  }

  /** A condition on one key compared with a value: `Condition.lt("count", 10)` → "count < 10". */
  static lt(key: string, value: number | string): Condition {
    return compareKey(key, "<", value);
  }
  static lte(key: string, value: number | string): Condition {
    return compareKey(key, "<=", value);
  }
  static gt(key: string, value: number | string): Condition {
    return compareKey(key, ">", value);
  }
  static gte(key: string, value: number | string): Condition {
    return compareKey(key, ">=", value);
  }
}

function wrap(name: string): string {
  return name.includes(" ") ? `(${name})` : name;
}

/** Holds when every key equals its value (deep equality for arrays and objects). */
export function when(values: Record<string, unknown>): Condition {
  const keys = Object.keys(values).sort();
  if (keys.length === 0) {
    throw new ExprSyntaxError("when({})", 6, "at least one key: when({ key: value })", "an empty object");
  }
  const expected = keys.map((key) => values[key]);
  const name = keys.map((key, i) => `${key}=${valueText(expected[i])}`).join(", ");
  const shape: ConditionShape = { kind: "when", values: Object.fromEntries(keys.map((key, i) => [key, expected[i]])) };
  return new Condition(keys, (state) => keys.every((key, i) => valuesEqual(state.get(key), expected[i])), name, shape);
}

/**
 * A condition written as Burr users write `expr("...")` in Python: comparisons
 * (chained too), and/or/not (or && || !), in / not in, is None / is not None,
 * + - * / // %, unary minus, parentheses, subscripts (d["k"], xs[0], xs[-1]),
 * attribute paths, len/min/max/abs/sum/any/all, True/False/None (or
 * true/false/null), numbers, strings, lists and state keys. Parsed once, here;
 * never evaluated with eval.
 */
export function expr(source: string): Condition {
  const tree = parseExpr(source);
  return new Condition(keysOf(tree), compileExpr(tree, source), source.trim(), { kind: "expr", source: source.trim(), tree });
}

/**
 * The value of an expr-language expression over a state (the debugger's
 * evaluate): `len(chatHistory)`, `chatHistory[-1].content`, `count >= 3`.
 * Throws ConditionKeyError for a key not in state, ExprSyntaxError for bad text.
 */
export function evaluateExpr(source: string, state: ConditionState): unknown {
  const tree = parseExpr(source);
  const name = source.trim();
  for (const key of keysOf(tree)) if (!state.has(key)) throw new ConditionKeyError(name, key, state.keys());
  return compileValue(tree, source)(state);
}

/** A condition from a function; `keys` lists the state keys it reads (checked present before it runs). */
export function condition(
  test: (state: ConditionState) => boolean,
  options: { keys: readonly string[]; name?: string },
): Condition {
  const name = options.name ?? (test.name !== "" ? test.name : `condition(${options.keys.join(", ")})`);
  return new Condition(options.keys, (state) => Boolean(test(state)), name);
}

function compareKey(key: string, op: "<" | "<=" | ">" | ">=", value: number | string): Condition {
  return expr(`${key} ${op} ${JSON.stringify(value)}`);
}

/** Always holds: Burr's `default`, used for transitions without a condition. */
export const always: Condition = new Condition([], () => true, "default", { kind: "default" });

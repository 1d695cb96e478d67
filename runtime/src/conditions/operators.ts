// What expr()'s operators and builtins do, with Python's meaning where the
// values allow it: `+` adds numbers or joins strings and lists, `//` and `%`
// floor like Python, `in` looks in lists, strings and objects' keys, and
// subscripts take negative indexes. A mismatch is a ConditionTypeError that
// names the expression and the values, never a silent false.
import { ConditionTypeError } from "./errors.js";
import type { ArithOp, Builtin, CompareOp, ExprNode } from "./parse.js";
import { describeValue, nodeText } from "./text.js";
import { isTruthy, valuesEqual, valueText } from "./values.js";

/** Raises a type error for the expression `source`. */
export function typeError(source: string, problem: string, fix: string): never {
  throw new ConditionTypeError(`expr(${JSON.stringify(source)}): ${problem}. ${fix}`);
}

export function arith(op: ArithOp, a: unknown, b: unknown, nodes: readonly [ExprNode, ExprNode], source: string): unknown {
  if (typeof a === "number" && typeof b === "number") {
    switch (op) {
      case "+":
        return a + b;
      case "-":
        return a - b;
      case "*":
        return a * b;
      default:
        if (b === 0) typeError(source, `${nodeText(nodes[1])} is 0 on the right of "${op}"`, "Test it first, e.g. `d != 0 and n / d > 1`");
        if (op === "/") return a / b;
        if (op === "//") return Math.floor(a / b);
        return a - b * Math.floor(a / b); // Python's %: the sign of the divisor
    }
  }
  if (op === "+" && typeof a === "string" && typeof b === "string") return a + b;
  if (op === "+" && Array.isArray(a) && Array.isArray(b)) return [...a, ...b];
  if (op === "*" && Number.isInteger(b) && (typeof a === "string" || Array.isArray(a))) return repeat(a, b as number);
  if (op === "*" && Number.isInteger(a) && (typeof b === "string" || Array.isArray(b))) return repeat(b, a as number);
  return typeError(
    source,
    `cannot apply "${op}" to ${describeValue(nodes[0], a)} and ${describeValue(nodes[1], b)}`,
    `"${op}" takes two numbers${op === "+" ? ", two strings or two lists" : op === "*" ? " (or a string or list and a whole number)" : ""}`,
  );
}

function repeat(value: string | unknown[], times: number): string | unknown[] {
  if (typeof value === "string") return value.repeat(Math.max(0, times));
  const out: unknown[] = [];
  for (let i = 0; i < times; i++) out.push(...value);
  return out;
}

export function negate(value: unknown, node: ExprNode, source: string): number {
  if (typeof value !== "number") typeError(source, `cannot negate ${describeValue(node, value)}`, 'Unary "-" takes a number');
  return -value;
}

export function compare(op: CompareOp, left: unknown, right: unknown, nodes: readonly [ExprNode, ExprNode], source: string): boolean {
  switch (op) {
    case "==":
      return valuesEqual(left, right);
    case "!=":
      return !valuesEqual(left, right);
    case "is":
      return normal(left) === right;
    case "is not":
      return normal(left) !== right;
    case "in":
      return contains(right, left, nodes, source);
    case "not in":
      return !contains(right, left, nodes, source);
  }
  const orderable =
    (typeof left === "number" && typeof right === "number") || (typeof left === "string" && typeof right === "string");
  if (!orderable) {
    typeError(
      source,
      `cannot apply "${op}" to ${describeValue(nodes[0], left)} and ${describeValue(nodes[1], right)}; ` +
        `"<", "<=", ">" and ">=" compare two numbers or two strings`,
      `Check what the action writes to the key, or test it with "==" / "!="`,
    );
  }
  const a = left as number | string;
  const b = right as number | string;
  return op === "<" ? a < b : op === "<=" ? a <= b : op === ">" ? a > b : a >= b;
}

/** A missing value (undefined) is None. */
function normal(value: unknown): unknown {
  return value === undefined ? null : value;
}

function contains(container: unknown, item: unknown, nodes: readonly [ExprNode, ExprNode], source: string): boolean {
  if (Array.isArray(container)) {
    for (let i = 0; i < container.length; i++) if (valuesEqual(container[i], item)) return true;
    return false;
  }
  // Sets and Maps (values beyond JSON): members and keys, as Python's in.
  if (container instanceof Set || container instanceof Map) {
    if (container.has(item)) return true;
    for (const x of container.keys()) if (valuesEqual(x, item)) return true;
    return false;
  }
  if (typeof container === "string") {
    if (typeof item !== "string") typeError(source, `"in" a string needs a string on the left, got ${describeValue(nodes[0], item)}`, "Compare strings with strings");
    return container.includes(item);
  }
  if (container !== null && typeof container === "object") {
    if (typeof item !== "string") typeError(source, `"in" an object tests its keys, which are strings, got ${describeValue(nodes[0], item)}`, "Test a key name");
    return Object.hasOwn(container, item);
  }
  return typeError(source, `"in" needs a list, a string or an object on the right, got ${describeValue(nodes[1], container)}`, "Check what the action writes to the key");
}

/** `target[index]`: lists and strings by whole number (negative from the end), objects by key. */
export function subscript(target: unknown, index: unknown, node: Extract<ExprNode, { kind: "index" }>, source: string): unknown {
  if (Array.isArray(target) || typeof target === "string") {
    if (!Number.isInteger(index)) typeError(source, `${nodeText(node)}: a ${kindOf(target)} is indexed by a whole number, got ${valueText(index)}`, "Use a number such as [0] or [-1]");
    const i = (index as number) < 0 ? target.length + (index as number) : (index as number);
    if (i < 0 || i >= target.length) {
      typeError(source, `${nodeText(node)}: index ${valueText(index)} is out of range for a ${kindOf(target)} of length ${target.length}`, `Test its length first, e.g. \`len(${nodeText(node.target)}) > ${Math.max(index as number, -1 - (index as number))} and ...\``);
    }
    return target[i];
  }
  if (target !== null && typeof target === "object") {
    if (typeof index !== "string") typeError(source, `${nodeText(node)}: an object is indexed by a string key, got ${valueText(index)}`, 'Use a key such as ["name"]');
    if (!Object.hasOwn(target, index)) typeError(source, `${nodeText(node)}: ${nodeText(node.target)} has no key ${valueText(index)}`, `Test it first with \`${valueText(index)} in ${nodeText(node.target)}\``);
    return (target as Record<string, unknown>)[index];
  }
  return typeError(source, `${nodeText(node)}: cannot index ${describeValue(node.target, target)}`, "Only lists, strings and objects can be indexed");
}

/** `.name` on a value: own properties, and `.length` of lists and strings; missing reads as None (like a missing JSON field). */
export function attribute(value: unknown, name: string): unknown {
  if (name === "length" && (typeof value === "string" || Array.isArray(value))) return value.length;
  if (value !== null && typeof value === "object" && Object.hasOwn(value, name)) return (value as Record<string, unknown>)[name];
  return null;
}

export function callBuiltin(fn: Builtin, args: unknown[], node: Extract<ExprNode, { kind: "call" }>, source: string): unknown {
  switch (fn) {
    case "len": {
      const [v] = args;
      if (typeof v === "string" || Array.isArray(v)) return v.length;
      if (v instanceof Set || v instanceof Map) return v.size;
      if (v !== null && typeof v === "object") return Object.keys(v).length;
      return badArgument(fn, args, node, source, "takes a list, a string or an object");
    }
    case "abs":
      return typeof args[0] === "number" ? Math.abs(args[0]) : badArgument(fn, args, node, source, "takes a number");
    case "any":
    case "all": {
      if (!Array.isArray(args[0])) badArgument(fn, args, node, source, "takes a list");
      const items = args[0] as unknown[];
      return fn === "any" ? items.some(isTruthy) : items.every(isTruthy);
    }
    case "sum": {
      if (!Array.isArray(args[0]) || args.length > 2) badArgument(fn, args, node, source, "takes a list of numbers (and an optional start)");
      let total = args.length === 2 ? args[1] : 0;
      for (const x of args[0] as unknown[]) {
        if (typeof x !== "number" || typeof total !== "number") badArgument(fn, args, node, source, "adds numbers only");
        total = (total as number) + (x as number);
      }
      return total;
    }
    default: {
      // min/max: of one list, or of several arguments; numbers or strings, not mixed.
      const items = args.length === 1 ? args[0] : args;
      if (!Array.isArray(items)) return badArgument(fn, args, node, source, "takes a list, or several values");
      if (items.length === 0) return badArgument(fn, args, node, source, "of an empty list has no value");
      const kind = typeof items[0];
      let best = items[0] as number | string;
      for (let i = 0; i < items.length; i++) {
        const x = items[i] as number | string;
        if (typeof x !== kind || (kind !== "number" && kind !== "string")) {
          badArgument(fn, args, node, source, "compares numbers with numbers or strings with strings");
        }
        if (fn === "min" ? x < best : x > best) best = x;
      }
      return best;
    }
  }
}

function badArgument(fn: Builtin, args: unknown[], node: Extract<ExprNode, { kind: "call" }>, source: string, what: string): never {
  return typeError(source, `${fn}() ${what}, got ${describeValue(node.args[0], args[0])}`, `Check what the action writes to ${nodeText(node.args[0])}`);
}

function kindOf(value: string | unknown[]): string {
  return typeof value === "string" ? "string" : "list";
}

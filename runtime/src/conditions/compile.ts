// Turns an expr() tree into a closure over state; no eval, no Function. Key
// paths read only own properties (and .length of arrays and strings), so
// nothing reaches prototypes.
import { ConditionTypeError } from "./errors.js";
import type { CompareOp, ExprNode } from "./parse.js";
import { isTruthy, valuesEqual, valueText } from "./values.js";

/** Reads state keys (each known to be present). */
export interface KeyReader {
  get(key: string): unknown;
}
type Evaluate = (read: KeyReader) => unknown;

export function compileExpr(node: ExprNode, source: string): (read: KeyReader) => boolean {
  const evaluate = compileNode(node, source);
  return (read) => isTruthy(evaluate(read));
}

function compileNode(node: ExprNode, source: string): Evaluate {
  switch (node.kind) {
    case "literal": {
      const { value } = node;
      return () => value;
    }
    case "key": {
      const { key, path } = node;
      if (path.length === 0) return (read) => read.get(key);
      return (read) => followPath(read.get(key), path);
    }
    case "not": {
      const operand = compileNode(node.operand, source);
      return (read) => !isTruthy(operand(read));
    }
    case "and": {
      const operands = node.operands.map((operand) => compileNode(operand, source));
      return (read) => operands.every((operand) => isTruthy(operand(read)));
    }
    case "or": {
      const operands = node.operands.map((operand) => compileNode(operand, source));
      return (read) => operands.some((operand) => isTruthy(operand(read)));
    }
    case "compare": {
      const operands = node.operands.map((operand) => compileNode(operand, source));
      const texts = node.operands.map(describeOperand);
      const { ops } = node;
      return (read) => {
        let left = operands[0](read);
        for (let i = 0; i < ops.length; i++) {
          const right = operands[i + 1](read);
          if (!compare(ops[i], left, right, source, texts[i], texts[i + 1])) return false;
          left = right;
        }
        return true;
      };
    }
  }
}

function followPath(root: unknown, path: readonly string[]): unknown {
  let value = root;
  for (const name of path) {
    if (name === "length" && (typeof value === "string" || Array.isArray(value))) {
      value = value.length;
    } else if (value !== null && typeof value === "object" && Object.hasOwn(value, name)) {
      value = (value as Record<string, unknown>)[name];
    } else {
      // A missing property reads as null, like a missing field in JSON.
      return null;
    }
  }
  return value;
}

function compare(op: CompareOp, left: unknown, right: unknown, source: string, leftText: string, rightText: string): boolean {
  if (op === "==") return valuesEqual(left, right);
  if (op === "!=") return !valuesEqual(left, right);
  const orderable =
    (typeof left === "number" && typeof right === "number") || (typeof left === "string" && typeof right === "string");
  if (!orderable) {
    throw new ConditionTypeError(
      `expr(${JSON.stringify(source)}): cannot apply "${op}" to ${describe(leftText, left)} and ${describe(rightText, right)}; ` +
        `"<", "<=", ">" and ">=" compare two numbers or two strings. Check what the action writes to the key, or test it with "==" / "!=".`,
    );
  }
  const a = left as number | string;
  const b = right as number | string;
  switch (op) {
    case "<":
      return a < b;
    case "<=":
      return a <= b;
    case ">":
      return a > b;
    default:
      return a >= b;
  }
}

/** Names a key operand (empty for literals and sub-expressions). */
function describeOperand(node: ExprNode): string {
  return node.kind === "key" ? [node.key, ...node.path].join(".") : "";
}

function describe(name: string, value: unknown): string {
  return name === "" ? valueText(value) : `${name} (which is ${valueText(value)})`;
}

// Turns an expr() tree into a closure over state; no eval, no Function. Key
// paths and subscripts read only own properties (and .length of arrays and
// strings), so nothing reaches prototypes.
import type { ExprNode } from "./parse.js";
import { arith, attribute, callBuiltin, compare, negate, subscript } from "./operators.js";
import { isTruthy } from "./values.js";

/** Reads state keys (each known to be present). */
export interface KeyReader {
  get(key: string): unknown;
}
export type Evaluate = (read: KeyReader) => unknown;

/** A predicate: the expression's value, by Python truthiness. */
export function compileExpr(node: ExprNode, source: string): (read: KeyReader) => boolean {
  const evaluate = compileNode(node, source);
  return (read) => isTruthy(evaluate(read));
}

/** The expression's value itself (the debugger's evaluate shows it). */
export function compileValue(node: ExprNode, source: string): Evaluate {
  return compileNode(node, source);
}

function compileNode(node: ExprNode, source: string): Evaluate {
  switch (node.kind) {
    case "literal": {
      const { value } = node;
      return () => value;
    }
    case "list": {
      // A list of literals is built once (frozen: nothing can change it between evaluations).
      if (node.items.every((item) => item.kind === "literal")) {
        const constant = Object.freeze(node.items.map((item) => (item as { value: unknown }).value));
        return () => constant;
      }
      const items = node.items.map((item) => compileNode(item, source));
      return (read) => items.map((item) => item(read));
    }
    case "key": {
      const { key, path } = node;
      if (path.length === 0) return (read) => read.get(key);
      return (read) => {
        let value = read.get(key);
        for (const name of path) value = attribute(value, name);
        return value;
      };
    }
    case "attr": {
      const target = compileNode(node.target, source);
      const { name } = node;
      return (read) => attribute(target(read), name);
    }
    case "not": {
      const operand = compileNode(node.operand, source);
      return (read) => !isTruthy(operand(read));
    }
    case "neg": {
      const operand = compileNode(node.operand, source);
      const inner = node.operand;
      return (read) => negate(operand(read), inner, source);
    }
    case "and": {
      // Python's and/or give a truth value here: conditions only ever test it.
      const operands = node.operands.map((operand) => compileNode(operand, source));
      if (operands.length === 2) {
        const [a, b] = operands;
        return (read) => isTruthy(a(read)) && isTruthy(b(read));
      }
      return (read) => operands.every((operand) => isTruthy(operand(read)));
    }
    case "or": {
      const operands = node.operands.map((operand) => compileNode(operand, source));
      if (operands.length === 2) {
        const [a, b] = operands;
        return (read) => isTruthy(a(read)) || isTruthy(b(read));
      }
      return (read) => operands.some((operand) => isTruthy(operand(read)));
    }
    case "arith": {
      const [left, right] = node.operands.map((operand) => compileNode(operand, source));
      const { op, operands } = node;
      return (read) => arith(op, left(read), right(read), operands, source);
    }
    case "index": {
      const target = compileNode(node.target, source);
      const index = compileNode(node.index, source);
      return (read) => subscript(target(read), index(read), node, source);
    }
    case "call": {
      const args = node.args.map((arg) => compileNode(arg, source));
      const { fn } = node;
      if (args.length === 1) {
        const [only] = args;
        const one: unknown[] = [undefined];
        // One reused argument array: builtins never keep it.
        return (read) => {
          one[0] = only(read);
          return callBuiltin(fn, one, node, source);
        };
      }
      return (read) => callBuiltin(fn, args.map((arg) => arg(read)), node, source);
    }
    case "compare": {
      const operands = node.operands.map((operand) => compileNode(operand, source));
      const { ops } = node;
      const pairs = ops.map((_, i) => [node.operands[i], node.operands[i + 1]] as const);
      return (read) => {
        // Chained like Python: a < b < c is a < b and b < c, each operand evaluated once.
        let left = operands[0](read);
        for (let i = 0; i < ops.length; i++) {
          const right = operands[i + 1](read);
          if (!compare(ops[i], left, right, pairs[i], source)) return false;
          left = right;
        }
        return true;
      };
    }
  }
}

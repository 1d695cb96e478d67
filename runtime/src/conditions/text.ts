// Source-like text of an expression tree, for messages ("len(history) (which is 3)").
import type { ExprNode } from "./parse.js";
import { valueText } from "./values.js";

export function nodeText(node: ExprNode): string {
  switch (node.kind) {
    case "literal":
      return node.value === null ? "None" : typeof node.value === "boolean" ? (node.value ? "True" : "False") : valueText(node.value);
    case "list":
      return `[${node.items.map(nodeText).join(", ")}]`;
    case "key":
      return [node.key, ...node.path].join(".");
    case "not":
      return `not ${nodeText(node.operand)}`;
    case "neg":
      return `-${nodeText(node.operand)}`;
    case "and":
    case "or":
      return node.operands.map(nodeText).join(` ${node.kind} `);
    case "compare":
      return node.operands.map((o, i) => (i === 0 ? nodeText(o) : `${node.ops[i - 1]} ${nodeText(o)}`)).join(" ");
    case "arith":
      return `${nodeText(node.operands[0])} ${node.op} ${nodeText(node.operands[1])}`;
    case "index":
      return `${nodeText(node.target)}[${nodeText(node.index)}]`;
    case "attr":
      return `${nodeText(node.target)}.${node.name}`;
    case "call":
      return `${node.fn}(${node.args.map(nodeText).join(", ")})`;
  }
}

/** "x (which is 3)" for a sub-expression, just "3" for a literal. */
export function describeValue(node: ExprNode, value: unknown): string {
  return node.kind === "literal" ? valueText(value) : `${nodeText(node)} (which is ${valueText(value)})`;
}

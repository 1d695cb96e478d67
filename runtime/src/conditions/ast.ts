// The tree parse.ts makes of an expr() condition: plain data, no imports, so
// the graph model (runtime/src/graph/model.ts) records a condition's tree
// without depending on the parser and its errors.

export type CompareOp = "==" | "!=" | "<" | "<=" | ">" | ">=" | "in" | "not in" | "is" | "is not";
export type ArithOp = "+" | "-" | "*" | "/" | "//" | "%";
export type Builtin = "len" | "min" | "max" | "abs" | "sum" | "any" | "all";
export type Literal = string | number | boolean | null;

export type ExprNode =
  | { kind: "literal"; value: Literal }
  | { kind: "list"; items: ExprNode[] }
  /** A state key, with an attribute path (`messages.length`, `user.name`). */
  | { kind: "key"; key: string; path: string[] }
  | { kind: "not"; operand: ExprNode }
  | { kind: "neg"; operand: ExprNode }
  | { kind: "and" | "or"; operands: ExprNode[] }
  | { kind: "compare"; operands: ExprNode[]; ops: CompareOp[] }
  | { kind: "arith"; op: ArithOp; operands: [ExprNode, ExprNode] }
  | { kind: "index"; target: ExprNode; index: ExprNode }
  /** An attribute of something that is not a bare key path, e.g. `d["k"].name`. */
  | { kind: "attr"; target: ExprNode; name: string }
  | { kind: "call"; fn: Builtin; args: ExprNode[] };

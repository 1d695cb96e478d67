// The parser of expr(): recursive descent over the tokens into a small tree.
//   or         := and (("or" | "||") and)*
//   and        := not (("and" | "&&") not)*
//   not        := ("not" | "!") not | comparison
//   comparison := operand (("==" | "!=" | "<" | "<=" | ">" | ">=") operand)*   (chains: a < b < c)
//   operand    := literal | key ("." name)* | "(" or ")"
import { ExprSyntaxError } from "./errors.js";
import { tokenize, type Token } from "./tokenize.js";

export type CompareOp = "==" | "!=" | "<" | "<=" | ">" | ">=";

export type ExprNode =
  | { kind: "literal"; value: string | number | boolean | null }
  | { kind: "key"; key: string; path: string[] }
  | { kind: "not"; operand: ExprNode }
  | { kind: "and" | "or"; operands: ExprNode[] }
  | { kind: "compare"; operands: ExprNode[]; ops: CompareOp[] };

const COMPARE_OPS = new Set<string>(["==", "!=", "<", "<=", ">", ">="]);
const LITERALS = new Map<string, boolean | null>([
  ["true", true],
  ["false", false],
  ["null", null],
  ["True", true],
  ["False", false],
  ["None", null],
]);
const KEYWORDS = new Set(["and", "or", "not"]);

export function parseExpr(source: string): ExprNode {
  return new Parser(source).parseAll();
}

class Parser {
  private readonly tokens: Token[];
  private index = 0;

  constructor(private readonly source: string) {
    this.tokens = tokenize(source);
  }

  parseAll(): ExprNode {
    if (this.peek().kind === "end") this.fail("an expression");
    const node = this.parseOr();
    if (this.peek().kind !== "end") this.fail('"and", "or", a comparison operator or the end of the expression');
    return node;
  }

  private parseOr(): ExprNode {
    const operands = [this.parseAnd()];
    while (this.acceptWord("or", "||")) operands.push(this.parseAnd());
    return operands.length === 1 ? operands[0] : { kind: "or", operands };
  }

  private parseAnd(): ExprNode {
    const operands = [this.parseNot()];
    while (this.acceptWord("and", "&&")) operands.push(this.parseNot());
    return operands.length === 1 ? operands[0] : { kind: "and", operands };
  }

  private parseNot(): ExprNode {
    if (this.acceptWord("not", "!")) return { kind: "not", operand: this.parseNot() };
    return this.parseComparison();
  }

  private parseComparison(): ExprNode {
    const operands = [this.parseOperand()];
    const ops: CompareOp[] = [];
    while (this.peek().kind === "op" && COMPARE_OPS.has(this.peek().text)) {
      ops.push(this.next().text as CompareOp);
      operands.push(this.parseOperand());
    }
    return ops.length === 0 ? operands[0] : { kind: "compare", operands, ops };
  }

  private parseOperand(): ExprNode {
    const token = this.peek();
    const expected = 'a value (number, string, true, false, null), a state key or "("';
    if (token.kind === "number") {
      this.next();
      return { kind: "literal", value: Number(token.text) };
    }
    if (token.kind === "string") {
      this.next();
      return { kind: "literal", value: token.text };
    }
    if (token.kind === "op" && token.text === "-") {
      this.next();
      const number = this.peek();
      if (number.kind !== "number") this.fail("a number after '-'");
      this.next();
      return { kind: "literal", value: -Number(number.text) };
    }
    if (token.kind === "op" && token.text === "(") {
      this.next();
      const inner = this.parseOr();
      if (!this.acceptOp(")")) this.fail(`")" to close the "(" at column ${token.start + 1}`);
      return inner;
    }
    if (token.kind === "name") {
      if (LITERALS.has(token.text)) {
        this.next();
        return { kind: "literal", value: LITERALS.get(token.text) ?? null };
      }
      if (KEYWORDS.has(token.text)) this.fail(expected);
      this.next();
      const path: string[] = [];
      while (this.acceptOp(".")) {
        const part = this.peek();
        if (part.kind !== "name") this.fail("a property name after '.'");
        this.next();
        path.push(part.text);
      }
      return { kind: "key", key: token.text, path };
    }
    return this.fail(expected);
  }

  private acceptWord(word: string, symbol: string): boolean {
    const token = this.peek();
    if ((token.kind === "name" && token.text === word) || (token.kind === "op" && token.text === symbol)) {
      this.index++;
      return true;
    }
    return false;
  }

  private acceptOp(op: string): boolean {
    const token = this.peek();
    if (token.kind === "op" && token.text === op) {
      this.index++;
      return true;
    }
    return false;
  }

  private peek(): Token {
    return this.tokens[this.index];
  }

  private next(): Token {
    return this.tokens[this.index++];
  }

  private fail(expected: string): never {
    const token = this.peek();
    const found = token.kind === "end" ? "end of input" : token.kind === "string" ? JSON.stringify(token.text) : `"${token.text}"`;
    throw new ExprSyntaxError(this.source, token.start + 1, expected, found);
  }
}

/** The state keys an expression reads (the first name of each key path), in order of appearance. */
export function keysOf(node: ExprNode, into: string[] = []): string[] {
  switch (node.kind) {
    case "literal":
      break;
    case "key":
      if (!into.includes(node.key)) into.push(node.key);
      break;
    case "not":
      keysOf(node.operand, into);
      break;
    default:
      for (const operand of node.operands) keysOf(operand, into);
  }
  return into;
}

// The parser of expr(): recursive descent over the tokens into a small tree,
// the Python subset Burr users write (Python's precedence, lowest first):
//   or         := and (("or" | "||") and)*
//   and        := not (("and" | "&&") not)*
//   not        := ("not" | "!") not | comparison
//   comparison := sum (compareOp sum)*        compareOp: == != < <= > >= in, not in, is, is not (chains: a < b < c)
//   sum        := term (("+" | "-") term)*
//   term       := unary (("*" | "/" | "//" | "%") unary)*
//   unary      := ("-" | "+") unary | postfix
//   postfix    := primary ("." name | "[" or "]")*
//   primary    := literal | "[" list "]" | builtin "(" args ")" | key | "(" or ")"
// A name is a state key unless it is a builtin called with "(": so the keys an
// expression tests are exactly its key nodes (keysOf).
import { ExprSyntaxError } from "./errors.js";
import { tokenize, type Token } from "./tokenize.js";
import type { ArithOp, Builtin, CompareOp, ExprNode, Literal } from "./ast.js";

// The tree's types live in ast.ts (no imports), so the graph model can name them without importing the parser.
export type { ArithOp, Builtin, CompareOp, ExprNode, Literal };

export const BUILTINS: ReadonlySet<string> = new Set<Builtin>(["len", "min", "max", "abs", "sum", "any", "all"]);
const SIMPLE_COMPARE = new Set<string>(["==", "!=", "<", "<=", ">", ">="]);
const LITERALS = new Map<string, boolean | null>([
  ["true", true],
  ["false", false],
  ["null", null],
  ["True", true],
  ["False", false],
  ["None", null],
]);
const KEYWORDS = new Set(["and", "or", "not", "in", "is"]);
const MAX_DEPTH = 200;
const VALUE = 'a value (number, string, True, False, None, a list), a state key, a function such as len(...) or "("';

export function parseExpr(source: string): ExprNode {
  return new Parser(source).parseAll();
}

class Parser {
  private readonly tokens: Token[];
  private index = 0;
  private depth = 0;

  constructor(private readonly source: string) {
    this.tokens = tokenize(source);
  }

  parseAll(): ExprNode {
    if (this.peek().kind === "end") this.fail("an expression");
    const node = this.parseOr();
    if (this.peek().kind !== "end") this.fail('"and", "or", an operator or the end of the expression');
    return node;
  }

  private parseOr(): ExprNode {
    this.enter();
    const operands = [this.parseAnd()];
    while (this.acceptWord("or", "||")) operands.push(this.parseAnd());
    this.depth--;
    return operands.length === 1 ? operands[0] : { kind: "or", operands };
  }

  /** Nesting is bounded, so hostile text (a recorded condition, a debug console line) fails cleanly, not with a stack overflow. */
  private enter(): void {
    if (++this.depth > MAX_DEPTH) this.fail(`at most ${MAX_DEPTH} levels of nesting`);
  }

  private parseAnd(): ExprNode {
    const operands = [this.parseNot()];
    while (this.acceptWord("and", "&&")) operands.push(this.parseNot());
    return operands.length === 1 ? operands[0] : { kind: "and", operands };
  }

  private parseNot(): ExprNode {
    if (!this.acceptWord("not", "!")) return this.parseComparison();
    this.enter();
    const operand = this.parseNot();
    this.depth--;
    return { kind: "not", operand };
  }

  private parseComparison(): ExprNode {
    const operands = [this.parseSum()];
    const ops: CompareOp[] = [];
    for (let op = this.compareOp(); op !== null; op = this.compareOp()) {
      ops.push(op);
      if (op === "is" || op === "is not") {
        // Identity over stored values only means something for the singletons.
        const token = this.peek();
        const value = token.kind === "name" ? LITERALS.get(token.text) : undefined;
        if (value === undefined) this.fail(`None, True or False after "${op}" (use "==" to compare other values)`);
        this.next();
        operands.push({ kind: "literal", value });
      } else {
        operands.push(this.parseSum());
      }
    }
    return ops.length === 0 ? operands[0] : { kind: "compare", operands, ops };
  }

  /** Consumes a comparison operator, or returns null. */
  private compareOp(): CompareOp | null {
    const token = this.peek();
    if (token.kind === "op" && SIMPLE_COMPARE.has(token.text)) return this.next().text as CompareOp;
    if (token.kind !== "name") return null;
    if (token.text === "in") {
      this.next();
      return "in";
    }
    if (token.text === "is") {
      this.next();
      return this.acceptName("not") ? "is not" : "is";
    }
    const after = this.tokens[this.index + 1];
    if (token.text === "not" && after.kind === "name" && after.text === "in") {
      this.index += 2;
      return "not in";
    }
    return null;
  }

  private parseSum(): ExprNode {
    let left = this.parseTerm();
    for (let op = this.acceptOps("+", "-"); op !== null; op = this.acceptOps("+", "-")) {
      left = { kind: "arith", op, operands: [left, this.parseTerm()] };
    }
    return left;
  }

  private parseTerm(): ExprNode {
    let left = this.parseUnary();
    for (let op = this.acceptOps("*", "/", "//", "%"); op !== null; op = this.acceptOps("*", "/", "//", "%")) {
      left = { kind: "arith", op, operands: [left, this.parseUnary()] };
    }
    return left;
  }

  private parseUnary(): ExprNode {
    const op = this.acceptOps("-", "+");
    if (op === null) return this.parsePostfix();
    this.enter();
    const operand = this.parseUnary();
    this.depth--;
    // -3 stays a literal, so texts and keys read as before.
    if (operand.kind === "literal" && typeof operand.value === "number") return { kind: "literal", value: op === "-" ? -operand.value : operand.value };
    return op === "-" ? { kind: "neg", operand } : { kind: "arith", op: "+", operands: [{ kind: "literal", value: 0 }, operand] };
  }

  private parsePostfix(): ExprNode {
    let node = this.parsePrimary();
    for (;;) {
      if (this.acceptOp(".")) {
        const part = this.peek();
        if (part.kind !== "name") this.fail("a property name after '.'");
        this.next();
        node = node.kind === "key" ? { ...node, path: [...node.path, part.text] } : { kind: "attr", target: node, name: part.text };
      } else if (this.peek().kind === "op" && this.peek().text === "[") {
        const open = this.next();
        const index = this.parseOr();
        if (!this.acceptOp("]")) this.fail(`"]" to close the "[" at column ${open.start + 1}`);
        node = { kind: "index", target: node, index };
      } else if (this.peek().kind === "op" && this.peek().text === "(") {
        this.fail(`an operator: only ${[...BUILTINS].join(", ")} can be called`);
      } else {
        return node;
      }
    }
  }

  private parsePrimary(): ExprNode {
    const token = this.peek();
    if (token.kind === "number") {
      this.next();
      return { kind: "literal", value: Number(token.text) };
    }
    if (token.kind === "string") {
      this.next();
      return { kind: "literal", value: token.text };
    }
    if (token.kind === "op" && token.text === "(") {
      this.next();
      const inner = this.parseOr();
      if (!this.acceptOp(")")) this.fail(`")" to close the "(" at column ${token.start + 1}`);
      return inner;
    }
    if (token.kind === "op" && token.text === "[") {
      this.next();
      return { kind: "list", items: this.parseItems("]", token) };
    }
    if (token.kind !== "name" || KEYWORDS.has(token.text)) return this.fail(VALUE);
    const at = this.index;
    this.next();
    if (LITERALS.has(token.text)) return { kind: "literal", value: LITERALS.get(token.text) ?? null };
    const call = this.peek();
    if (call.kind === "op" && call.text === "(") {
      if (!BUILTINS.has(token.text)) {
        this.index = at;
        this.fail(`a state key or one of the functions ${[...BUILTINS].join(", ")}`);
      }
      this.next();
      const args = this.parseItems(")", call);
      const fn = token.text as Builtin;
      const unary = fn === "len" || fn === "abs" || fn === "any" || fn === "all";
      if (args.length === 0 || (unary && args.length !== 1)) {
        this.index = at;
        this.fail(unary ? `one argument to ${fn}()` : `at least one argument to ${fn}()`);
      }
      return { kind: "call", fn, args };
    }
    return { kind: "key", key: token.text, path: [] };
  }

  /** Comma-separated expressions up to `close` (a trailing comma is allowed, as in Python). */
  private parseItems(close: "]" | ")", open: Token): ExprNode[] {
    const items: ExprNode[] = [];
    while (!this.acceptOp(close)) {
      items.push(this.parseOr());
      if (this.acceptOp(",")) continue;
      if (!this.acceptOp(close)) this.fail(`"," or "${close}" to close the "${open.text}" at column ${open.start + 1}`);
      break;
    }
    return items;
  }

  private acceptWord(word: string, symbol: string): boolean {
    const token = this.peek();
    if (token.kind === "name" && token.text === word) {
      // "not in" is a comparison, never a leading "not".
      if (word === "not" && this.tokens[this.index + 1].kind === "name" && this.tokens[this.index + 1].text === "in") return false;
      this.index++;
      return true;
    }
    if (token.kind === "op" && token.text === symbol) {
      this.index++;
      return true;
    }
    return false;
  }

  private acceptName(name: string): boolean {
    const token = this.peek();
    if (token.kind === "name" && token.text === name) {
      this.index++;
      return true;
    }
    return false;
  }

  private acceptOps<T extends string>(...ops: T[]): T | null {
    const token = this.peek();
    if (token.kind === "op" && (ops as string[]).includes(token.text)) {
      this.index++;
      return token.text as T;
    }
    return null;
  }

  private acceptOp(op: string): boolean {
    return this.acceptOps(op) !== null;
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

/** The direct sub-expressions of a node. */
export function childrenOf(node: ExprNode): readonly ExprNode[] {
  switch (node.kind) {
    case "literal":
    case "key":
      return [];
    case "list":
      return node.items;
    case "not":
    case "neg":
      return [node.operand];
    case "index":
      return [node.target, node.index];
    case "attr":
      return [node.target];
    case "call":
      return node.args;
    default:
      return node.operands;
  }
}

/** The state keys an expression reads (the first name of each key path), in order of appearance. */
export function keysOf(node: ExprNode, into: string[] = []): string[] {
  if (node.kind === "key") {
    if (!into.includes(node.key)) into.push(node.key);
  } else {
    for (const child of childrenOf(node)) keysOf(child, into);
  }
  return into;
}

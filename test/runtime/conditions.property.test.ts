// Property test of the expr() parser: random expression trees, printed with as
// few parentheses as precedence allows (and with random spellings), must
// evaluate like the tree itself. Trees cover the Python subset: arithmetic
// (+ - * // % and unary minus, with Python's flooring), in / not in, len(),
// is None, chained comparisons, not/and/or.
import assert from "node:assert/strict";
import { ExprSyntaxError, State, expr } from "burr-ts";
import { prng } from "../support/random.js";

type Num =
  | { kind: "var"; key: "x" | "y" }
  | { kind: "int"; value: number }
  | { kind: "len" }
  | { kind: "neg"; inner: Num }
  | { kind: "bin"; op: "+" | "-" | "*" | "//" | "%"; left: Num; right: Num };

type Tree =
  | { kind: "flag"; key: "p" | "q" }
  | { kind: "cmp"; left: Num; ops: CmpOp[]; rights: Num[] }
  | { kind: "member"; left: Num; negated: boolean; items: number[] }
  | { kind: "none"; negated: boolean }
  | { kind: "not"; inner: Tree }
  | { kind: "and" | "or"; left: Tree; right: Tree };

type CmpOp = "<" | "<=" | ">" | ">=" | "==" | "!=";
type Values = { p: boolean; q: boolean; x: number; y: number; xs: number[]; z: number | null };

const PRECEDENCE = { or: 1, and: 2, not: 3, cmp: 4, member: 4, none: 4, flag: 9 } as const;
const NUM_PRECEDENCE = { "+": 5, "-": 5, "*": 6, "//": 6, "%": 6, neg: 7, atom: 9 } as const;
const pick = <T>(random: () => number, xs: readonly T[]): T => xs[Math.floor(random() * xs.length)];

function generateNum(random: () => number, depth: number): Num {
  const roll = random();
  if (depth <= 0 || roll < 0.35) {
    const leaf = random();
    if (leaf < 0.45) return { kind: "var", key: random() < 0.5 ? "x" : "y" };
    if (leaf < 0.6) return { kind: "len" };
    return { kind: "int", value: Math.floor(random() * 7) - 3 };
  }
  if (roll < 0.45) return { kind: "neg", inner: generateNum(random, depth - 1) };
  const op = pick(random, ["+", "-", "*", "//", "%"] as const);
  // Floor division and modulo by a non-zero literal: no ZeroDivisionError to model.
  const right: Num = op === "//" || op === "%" ? { kind: "int", value: pick(random, [-3, -2, -1, 1, 2, 3]) } : generateNum(random, depth - 1);
  return { kind: "bin", op, left: generateNum(random, depth - 1), right };
}

function generate(random: () => number, depth: number): Tree {
  const roll = random();
  if (depth <= 0 || roll < 0.3) {
    const leaf = random();
    if (leaf < 0.25) return { kind: "flag", key: random() < 0.5 ? "p" : "q" };
    if (leaf < 0.4) return { kind: "none", negated: random() < 0.5 };
    if (leaf < 0.55) {
      const items = Array.from({ length: Math.floor(random() * 4) }, () => Math.floor(random() * 5) - 2);
      return { kind: "member", left: generateNum(random, 2), negated: random() < 0.5, items };
    }
    const ops = ["<", "<=", ">", ">=", "==", "!="] as const;
    const n = random() < 0.7 ? 1 : 2; // sometimes chained: a < b <= c
    return {
      kind: "cmp",
      left: generateNum(random, 2),
      ops: Array.from({ length: n }, () => pick(random, ops)),
      rights: Array.from({ length: n }, () => generateNum(random, 2)),
    };
  }
  if (roll < 0.45) return { kind: "not", inner: generate(random, depth - 1) };
  return { kind: random() < 0.5 ? "and" : "or", left: generate(random, depth - 1), right: generate(random, depth - 1) };
}

function numPrecedence(n: Num): number {
  if (n.kind === "bin") return NUM_PRECEDENCE[n.op];
  if (n.kind === "neg" || (n.kind === "int" && n.value < 0)) return NUM_PRECEDENCE.neg;
  return NUM_PRECEDENCE.atom;
}

function printNum(n: Num, random: () => number): string {
  const wrap = (child: Num, min: number) => {
    const text = printNum(child, random);
    return numPrecedence(child) < min || random() < 0.1 ? `(${text})` : text;
  };
  switch (n.kind) {
    case "var":
      return n.key;
    case "int":
      return String(n.value);
    case "len":
      return random() < 0.5 ? "len(xs)" : "len( xs )";
    case "neg":
      return `-${wrap(n.inner, NUM_PRECEDENCE.neg)}`;
    case "bin": {
      const p = NUM_PRECEDENCE[n.op];
      // Left-associative and not associative (-, //, %): the right operand of the same level needs parentheses.
      return `${wrap(n.left, p)} ${n.op} ${wrap(n.right, p + 1)}`;
    }
  }
}

function print(tree: Tree, random: () => number): string {
  const wrap = (child: Tree, min: number) => {
    const text = print(child, random);
    return PRECEDENCE[child.kind] < min || random() < 0.1 ? `(${text})` : text;
  };
  switch (tree.kind) {
    case "flag":
      return tree.key;
    case "none":
      return `z ${tree.negated ? "is not" : "is"} None`;
    case "member":
      return `${printNum(tree.left, random)} ${tree.negated ? "not in" : "in"} [${tree.items.join(", ")}]`;
    case "cmp":
      return [printNum(tree.left, random), ...tree.ops.map((op, i) => `${op} ${printNum(tree.rights[i], random)}`)].join(" ");
    case "not":
      return `${random() < 0.5 ? "not " : "!"}${wrap(tree.inner, PRECEDENCE.not)}`;
    default: {
      const word = tree.kind === "and" ? (random() < 0.5 ? "and" : "&&") : random() < 0.5 ? "or" : "||";
      // Left-associative: the right operand of the same operator needs no parentheses either (and/or are associative).
      return `${wrap(tree.left, PRECEDENCE[tree.kind])} ${word} ${wrap(tree.right, PRECEDENCE[tree.kind])}`;
    }
  }
}

/** Python's meaning, written out. */
function evaluateNum(n: Num, values: Values): number {
  switch (n.kind) {
    case "var":
      return values[n.key];
    case "int":
      return n.value;
    case "len":
      return values.xs.length;
    case "neg":
      return -evaluateNum(n.inner, values);
    case "bin": {
      const a = evaluateNum(n.left, values);
      const b = evaluateNum(n.right, values);
      if (n.op === "+") return a + b;
      if (n.op === "-") return a - b;
      if (n.op === "*") return a * b;
      const q = Math.floor(a / b);
      return n.op === "//" ? q : a - b * q;
    }
  }
}

function compareNum(op: CmpOp, v: number, w: number): boolean {
  return { "<": v < w, "<=": v <= w, ">": v > w, ">=": v >= w, "==": v === w, "!=": v !== w }[op];
}

function evaluate(tree: Tree, values: Values): boolean {
  switch (tree.kind) {
    case "flag":
      return values[tree.key];
    case "none":
      return (values.z === null) !== tree.negated;
    case "member":
      return tree.items.includes(evaluateNum(tree.left, values)) !== tree.negated;
    case "cmp": {
      let left = evaluateNum(tree.left, values);
      for (let i = 0; i < tree.ops.length; i++) {
        const right = evaluateNum(tree.rights[i], values);
        if (!compareNum(tree.ops[i], left, right)) return false;
        left = right;
      }
      return true;
    }
    case "not":
      return !evaluate(tree.inner, values);
    case "and":
      return evaluate(tree.left, values) && evaluate(tree.right, values);
    case "or":
      return evaluate(tree.left, values) || evaluate(tree.right, values);
  }
}

/** The state keys a tree reads: what expr().keys must be, exactly. */
function treeKeys(tree: Tree, into = new Set<string>()): Set<string> {
  const num = (n: Num): void => {
    if (n.kind === "var") into.add(n.key);
    else if (n.kind === "len") into.add("xs");
    else if (n.kind === "neg") num(n.inner);
    else if (n.kind === "bin") (num(n.left), num(n.right));
  };
  switch (tree.kind) {
    case "flag":
      into.add(tree.key);
      break;
    case "none":
      into.add("z");
      break;
    case "member":
      num(tree.left);
      break;
    case "cmp":
      num(tree.left);
      tree.rights.forEach(num);
      break;
    case "not":
      treeKeys(tree.inner, into);
      break;
    default:
      treeKeys(tree.left, into);
      treeKeys(tree.right, into);
  }
  return into;
}

describe("expr() property test (seeded)", () => {
  for (const seed of [3, 11, 2026]) {
    it(`seed ${seed}: 300 random expressions evaluate like their trees and test exactly their keys`, () => {
      const random = prng(seed);
      for (let i = 0; i < 300; i++) {
        const tree = generate(random, 5);
        const source = print(tree, random);
        const condition = expr(source);
        assert.deepEqual([...condition.keys].sort(), [...treeKeys(tree)].sort(), `the keys of ${source} are exact (len is no key)`);
        for (let j = 0; j < 4; j++) {
          const int = () => Math.floor(random() * 5) - 1;
          const values: Values = {
            p: random() < 0.5,
            q: random() < 0.5,
            x: int(),
            y: int(),
            xs: Array.from({ length: Math.floor(random() * 4) }, int),
            z: random() < 0.5 ? null : int(),
          };
          assert.equal(condition.run(new State(values)), evaluate(tree, values), `${source} with ${JSON.stringify(values)}`);
        }
      }
    });
  }

  it("a stray character anywhere is a syntax error at its column", () => {
    const random = prng(7);
    for (let i = 0; i < 300; i++) {
      const source = print(generate(random, 4), random);
      const at = Math.floor(random() * (source.length + 1));
      const broken = source.slice(0, at) + "#" + source.slice(at);
      // At the stray character, or just before it when it splits a two-character operator ("&#&").
      const splits = ["&&", "||", "=="].includes(source.slice(at - 1, at + 1));
      assert.throws(() => expr(broken), (e: unknown) => e instanceof ExprSyntaxError && e.column === (splits ? at : at + 1), broken);
    }
  });
});

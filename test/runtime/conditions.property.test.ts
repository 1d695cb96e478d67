// Property test of the expr() parser: random expression trees, printed with as
// few parentheses as precedence allows (and with random spellings), must
// evaluate like the tree itself.
import assert from "node:assert/strict";
import { State, expr } from "burr-ts";
import { prng } from "../support/random.js";

type Tree =
  | { kind: "flag"; key: "p" | "q" }
  | { kind: "cmp"; key: "x" | "y"; op: "<" | "<=" | ">" | ">=" | "==" | "!="; value: number }
  | { kind: "not"; inner: Tree }
  | { kind: "and" | "or"; left: Tree; right: Tree };

const PRECEDENCE = { or: 1, and: 2, not: 3, cmp: 4, flag: 4 } as const;

function generate(random: () => number, depth: number): Tree {
  const roll = random();
  if (depth <= 0 || roll < 0.3) {
    if (random() < 0.5) return { kind: "flag", key: random() < 0.5 ? "p" : "q" };
    const ops = ["<", "<=", ">", ">=", "==", "!="] as const;
    return { kind: "cmp", key: random() < 0.5 ? "x" : "y", op: ops[Math.floor(random() * ops.length)], value: Math.floor(random() * 5) - 1 };
  }
  if (roll < 0.45) return { kind: "not", inner: generate(random, depth - 1) };
  return { kind: random() < 0.5 ? "and" : "or", left: generate(random, depth - 1), right: generate(random, depth - 1) };
}

function print(tree: Tree, random: () => number): string {
  const wrap = (child: Tree, min: number) => {
    const text = print(child, random);
    return PRECEDENCE[child.kind] < min || random() < 0.1 ? `(${text})` : text;
  };
  switch (tree.kind) {
    case "flag":
      return tree.key;
    case "cmp":
      return `${tree.key} ${tree.op} ${tree.value}`;
    case "not":
      return `${random() < 0.5 ? "not " : "!"}${wrap(tree.inner, PRECEDENCE.not)}`;
    default: {
      const word = tree.kind === "and" ? (random() < 0.5 ? "and" : "&&") : random() < 0.5 ? "or" : "||";
      // Left-associative: the right operand of the same operator needs no parentheses either (and/or are associative).
      return `${wrap(tree.left, PRECEDENCE[tree.kind])} ${word} ${wrap(tree.right, PRECEDENCE[tree.kind])}`;
    }
  }
}

function evaluate(tree: Tree, values: { p: boolean; q: boolean; x: number; y: number }): boolean {
  switch (tree.kind) {
    case "flag":
      return values[tree.key];
    case "cmp": {
      const v = values[tree.key];
      const w = tree.value;
      return { "<": v < w, "<=": v <= w, ">": v > w, ">=": v >= w, "==": v === w, "!=": v !== w }[tree.op];
    }
    case "not":
      return !evaluate(tree.inner, values);
    case "and":
      return evaluate(tree.left, values) && evaluate(tree.right, values);
    case "or":
      return evaluate(tree.left, values) || evaluate(tree.right, values);
  }
}

describe("expr() property test (seeded)", () => {
  for (const seed of [3, 11, 2026]) {
    it(`seed ${seed}: 300 random expressions evaluate like their trees`, () => {
      const random = prng(seed);
      for (let i = 0; i < 300; i++) {
        const tree = generate(random, 5);
        const source = print(tree, random);
        const condition = expr(source);
        for (let j = 0; j < 4; j++) {
          const values = { p: random() < 0.5, q: random() < 0.5, x: Math.floor(random() * 5) - 1, y: Math.floor(random() * 5) - 1 };
          assert.equal(condition.run(new State(values)), evaluate(tree, values), `${source} with ${JSON.stringify(values)}`);
        }
      }
    });
  }
});

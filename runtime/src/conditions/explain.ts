// Explains a recorded transition's condition on a recorded state: which
// values it tested, and whether it holds. The condition comes from the graph
// model's ConditionTree (burr-ts runs: no text is read back) or, for Python
// Burr runs and older graph.json, from its display text: burr-ts's (when →
// `a="x", b=2`, expr source, `not c`, `a and b`, `a or b`, parenthesized) or
// Python Burr's (`safe=True` with str() values, expr source, `~c`, `a & b`,
// `a | b`). A custom condition(fn) records only a name: that stays opaque.
// Pure: the Tracked Runs view and any other viewer use it.
import type { ConditionTree } from "../graph/model.js";
import { compileExpr } from "./compile.js";
import { childrenOf, keysOf, parseExpr, type ExprNode } from "./parse.js";
import { attribute } from "./operators.js";
import { valuesEqual } from "./values.js";

/** A value a condition read from state (the run view's TestedValue). */
export interface TestedValue {
  /** A state key, or a key path such as messages.length. */
  key: string;
  /** False when the key is not in state (value is then null). */
  present: boolean;
  value: unknown;
  /** For when-style tests: the value the condition wants, and whether the state has it. */
  wants: { value: unknown; met: boolean } | null;
}

/** Who wrote the text: burr-ts writes when() values as JSON, Python Burr as str(). */
export type Dialect = "burr-ts" | "python";

export type ConditionTest =
  | { kind: "default" }
  | { kind: "equals"; key: string; expected: unknown; raw: string; dialect: Dialect }
  /** recorded: from a ConditionTree, so a lone name is a key, never a custom condition's name. */
  | { kind: "expr"; node: ExprNode; source: string; recorded?: true }
  | { kind: "not"; operand: ConditionTest }
  | { kind: "all" | "any"; operands: ConditionTest[] }
  | { kind: "opaque"; name: string };

export interface Evaluation {
  outcome: "holds" | "fails" | "unknown";
  /** Why the outcome is unknown; null otherwise. */
  note: string | null;
  values: TestedValue[];
}

export const OPAQUE_NOTE = "cannot be evaluated from its text: a custom condition records only its name (Python-only syntax is not read either)";

/** The recorded tree as a test: nothing is parsed. */
export function testOfTree(tree: ConditionTree): ConditionTest {
  switch (tree.kind) {
    case "default":
      return { kind: "default" };
    case "when": {
      const clauses: ConditionTest[] = tree.equals.map(({ key, value }) => ({ kind: "equals", key, expected: value, raw: JSON.stringify(value) ?? "", dialect: "burr-ts" }));
      return clauses.length === 1 ? clauses[0] : { kind: "all", operands: clauses };
    }
    case "expr":
      return { kind: "expr", node: tree.tree, source: tree.source, recorded: true };
    case "not":
      return { kind: "not", operand: testOfTree(tree.operand) };
    case "and":
    case "or":
      return { kind: tree.kind === "and" ? "all" : "any", operands: tree.operands.map(testOfTree) };
    case "custom":
      return { kind: "opaque", name: tree.name };
  }
}

/** Reads a display text back into a test (Python Burr runs, graphs recorded before ConditionTree). */
export function parseConditionText(text: string, dialect: Dialect): ConditionTest {
  const t = text.trim();
  if (t === "default") return { kind: "default" };
  if (t === "") return { kind: "opaque", name: text };
  const inner = unwrap(t);
  if (inner !== null) return parseConditionText(inner, dialect);
  const node = tryExpr(t);
  if (node) return { kind: "expr", node, source: t };
  const ors = splitTop(t, [" or ", " | "]);
  if (ors.length > 1) return { kind: "any", operands: ors.map((p) => parseConditionText(p, dialect)) };
  const ands = splitTop(t, [" and ", " & "]);
  if (ands.length > 1) return { kind: "all", operands: ands.map((p) => parseConditionText(p, dialect)) };
  if (t.startsWith("not ")) return { kind: "not", operand: parseConditionText(t.slice(4), dialect) };
  if (t.startsWith("~")) return { kind: "not", operand: parseConditionText(t.slice(1), dialect) };
  const clauses = whenClauses(t, dialect);
  if (clauses) return clauses.length === 1 ? clauses[0] : { kind: "all", operands: clauses };
  return { kind: "opaque", name: t };
}

/** The root state keys a test reads. */
export function testKeys(test: ConditionTest, into = new Set<string>()): Set<string> {
  switch (test.kind) {
    case "equals": into.add(test.key); break;
    case "expr": for (const k of keysOf(test.node)) into.add(k); break;
    case "not": testKeys(test.operand, into); break;
    case "all": case "any": for (const o of test.operands) testKeys(o, into); break;
    default: break;
  }
  return into;
}

/** Evaluates a test on a state; collects the values it read (first read of each key wins). */
export function evaluateTest(test: ConditionTest, state: Record<string, unknown>): Evaluation {
  const values = new Map<string, TestedValue>();
  const { outcome, note } = run(test, state, values);
  return { outcome, note, values: [...values.values()] };
}

type Outcome = Pick<Evaluation, "outcome" | "note">;

function run(test: ConditionTest, state: Record<string, unknown>, values: Map<string, TestedValue>): Outcome {
  switch (test.kind) {
    case "default":
      return { outcome: "holds", note: null };
    case "opaque":
      return { outcome: "unknown", note: OPAQUE_NOTE };
    case "equals": {
      const present = Object.hasOwn(state, test.key);
      const actual = present ? state[test.key] : null;
      const met = present && (valuesEqual(actual, test.expected) || (test.dialect === "python" && actual === test.raw));
      if (!values.has(test.key)) values.set(test.key, { key: test.key, present, value: actual, wants: { value: test.expected, met } });
      if (!present) return { outcome: "unknown", note: `"${test.key}" is not in state` };
      return { outcome: met ? "holds" : "fails", note: null };
    }
    case "expr":
      return runExpr(test.node, test.source, state, values, test.recorded === true);
    case "not": {
      const inner = run(test.operand, state, values);
      return inner.outcome === "unknown" ? inner : { outcome: inner.outcome === "holds" ? "fails" : "holds", note: null };
    }
    case "all":
    case "any": {
      const results = test.operands.map((o) => run(o, state, values));
      const decisive = test.kind === "all" ? "fails" : "holds";
      if (results.some((r) => r.outcome === decisive)) return { outcome: decisive, note: null };
      const unknown = results.find((r) => r.outcome === "unknown");
      return unknown ?? { outcome: test.kind === "all" ? "holds" : "fails", note: null };
    }
  }
}

function runExpr(node: ExprNode, source: string, state: Record<string, unknown>, values: Map<string, TestedValue>, recorded: boolean): Outcome {
  const missing = keysOf(node).filter((k) => !Object.hasOwn(state, k));
  // A lone name that is no state key is a custom condition's name, not an expression.
  if (!recorded && node.kind === "key" && node.path.length === 0 && missing.length) return { outcome: "unknown", note: OPAQUE_NOTE };
  for (const path of keyPaths(node)) {
    if (values.has(path.text)) continue;
    const present = Object.hasOwn(state, path.key);
    values.set(path.text, { key: path.text, present, value: present ? follow(state[path.key], path.path) : null, wants: null });
  }
  if (missing.length) return { outcome: "unknown", note: `${missing.map((k) => `"${k}"`).join(", ")} not in state` };
  try {
    return { outcome: compileExpr(node, source)({ get: (k) => state[k] }) ? "holds" : "fails", note: null };
  } catch (e) {
    return { outcome: "unknown", note: e instanceof Error ? e.message : String(e) };
  }
}

function tryExpr(text: string): ExprNode | null {
  try {
    return parseExpr(text);
  } catch {
    return null;
  }
}

/** Key paths an expression reads, e.g. messages.length, in order. */
function keyPaths(node: ExprNode, into: { key: string; path: string[]; text: string }[] = []): { key: string; path: string[]; text: string }[] {
  if (node.kind === "key") into.push({ key: node.key, path: node.path, text: [node.key, ...node.path].join(".") });
  else for (const child of childrenOf(node)) keyPaths(child, into);
  return into;
}

/** Follows .a.b as expr() does (the runtime's own attribute rule). */
function follow(root: unknown, path: readonly string[]): unknown {
  let value = root;
  for (const name of path) value = attribute(value, name);
  return value;
}

/** `k=v, k2=v2` → one equality per key; null when the text is not of that shape. */
function whenClauses(text: string, dialect: Dialect): ConditionTest[] | null {
  const out: ConditionTest[] = [];
  for (const part of splitTop(text, [", "])) {
    const m = /^([^\s=()"',]+)=(?!=)([\s\S]*)$/.exec(part);
    if (!m) return null;
    const expected = whenValue(m[2], dialect);
    if (expected === NOT_A_VALUE) return null;
    out.push({ kind: "equals", key: m[1], expected: expected.value, raw: m[2], dialect });
  }
  return out;
}

const NOT_A_VALUE = Symbol("not a value");
const PYTHON_LITERALS: Record<string, unknown> = { True: true, False: false, None: null };

function whenValue(raw: string, dialect: Dialect): { value: unknown } | typeof NOT_A_VALUE {
  try {
    return { value: JSON.parse(raw) as unknown };
  } catch {
    if (dialect === "burr-ts") return NOT_A_VALUE;
    // Python writes str(value): True/False/None, or a string without quotes.
    return { value: Object.hasOwn(PYTHON_LITERALS, raw) ? PYTHON_LITERALS[raw] : raw };
  }
}

/** Splits at separators outside brackets and quotes. */
function splitTop(text: string, separators: string[]): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quote: string | null = null;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quote) {
      if (ch === "\\") i++;
      else if (ch === quote) quote = null;
      continue;
    }
    if (ch === '"' || ch === "'") quote = ch;
    else if ("([{".includes(ch)) depth++;
    else if (")]}".includes(ch)) depth--;
    else if (depth === 0) {
      const sep = separators.find((s) => text.startsWith(s, i));
      if (sep) {
        parts.push(text.slice(start, i));
        start = i + sep.length;
        i = start - 1;
      }
    }
  }
  parts.push(text.slice(start));
  return parts;
}

/** The inside of `( … )` when those parentheses enclose the whole text. */
function unwrap(text: string): string | null {
  if (!text.startsWith("(") || !text.endsWith(")")) return null;
  const inside = text.slice(1, -1);
  return balanced(inside) ? inside : null;
}

function balanced(text: string): boolean {
  let depth = 0;
  let quote: string | null = null;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quote) {
      if (ch === "\\") i++;
      else if (ch === quote) quote = null;
    } else if (ch === '"' || ch === "'") quote = ch;
    else if ("([{".includes(ch)) depth++;
    else if (")]}".includes(ch) && --depth < 0) return false;
  }
  return depth === 0 && quote === null;
}

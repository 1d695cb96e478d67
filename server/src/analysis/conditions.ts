// Transition conditions: when / expr / condition / always, Condition.lt/…,
// and .not/.and/.or. Produces the display text exactly as the runtime names
// the condition (runtime/src/conditions/condition.ts) and the keys it tests.
import ts from "typescript";
import { keysOf, parseExpr } from "../../../runtime/src/conditions/parse.js";
import { calleeName, isStringLike, objProp, propName, stringArray, unwrap, type FileCtx } from "./syntax.js";

export interface ConditionInfo {
  text: string;
  /** Keys the condition tests; null when some part is opaque. */
  keys: string[] | null;
  /** Statically always true (`always`, or no condition). */
  always: boolean;
}

const COMPARATORS: Record<string, string> = { lt: "<", lte: "<=", gt: ">", gte: ">=" };

const wrap = (name: string): string => (name.includes(" ") ? `(${name})` : name);

export function readCondition(ctx: FileCtx, node: ts.Expression | undefined): ConditionInfo {
  if (!node) return { text: "default", keys: [], always: true };
  const n = unwrap(node);
  if (ts.isIdentifier(n)) {
    if (n.text === "always") return { text: "default", keys: [], always: true };
    return { text: n.text, keys: null, always: false };
  }
  if (ts.isCallExpression(n)) {
    const callee = n.expression;
    const method = ts.isPropertyAccessExpression(callee) ? callee.name.text : null;
    if (method && ts.isPropertyAccessExpression(callee) && ["not", "and", "or"].includes(method)) {
      const base = readCondition(ctx, callee.expression);
      if (method === "not") return { text: `not ${wrap(base.text)}`, keys: base.keys, always: false };
      const other = readCondition(ctx, n.arguments[0]);
      const keys = base.keys && other.keys ? unique([...base.keys, ...other.keys]) : null;
      const always = method === "or" ? base.always || other.always : base.always && other.always;
      return { text: `${wrap(base.text)} ${method} ${wrap(other.text)}`, keys, always };
    }
    const name = calleeName(n);
    const arg = n.arguments[0] ? unwrap(n.arguments[0]) : undefined;
    if (name === "when" && arg && ts.isObjectLiteralExpression(arg)) return whenCondition(ctx, arg);
    if (name === "expr" && arg && isStringLike(arg)) return { text: arg.text.trim(), keys: exprKeys(arg.text), always: false };
    if (name && COMPARATORS[name] && arg && isStringLike(arg)) {
      const value = n.arguments[1] ? literalJson(unwrap(n.arguments[1])) : null;
      if (value !== null) return { text: `${arg.text} ${COMPARATORS[name]} ${value}`, keys: [arg.text], always: false };
    }
    if (name === "condition") {
      const opts = n.arguments[1] ? unwrap(n.arguments[1]) : undefined;
      const list = opts && ts.isObjectLiteralExpression(opts) ? stringArray(ctx, objProp(opts, "keys")) : null;
      const nameProp = opts && ts.isObjectLiteralExpression(opts) ? objProp(opts, "name") : undefined;
      const keys = list && list.complete ? list.items.map((i) => i.name) : null;
      let text = `condition(${keys ? keys.join(", ") : "…"})`;
      if (nameProp && isStringLike(nameProp)) text = nameProp.text;
      else if (arg && ts.isIdentifier(arg)) text = arg.text;
      else if (arg && ts.isFunctionExpression(arg) && arg.name) text = arg.name.text;
      return { text, keys, always: false };
    }
  }
  return { text: n.getText(ctx.sf), keys: null, always: false };
}

function whenCondition(ctx: FileCtx, obj: ts.ObjectLiteralExpression): ConditionInfo {
  const pairs: [string, string][] = [];
  let complete = true;
  for (const p of obj.properties) {
    const key = ts.isPropertyAssignment(p) || ts.isShorthandPropertyAssignment(p) ? propName(p.name) : null;
    if (key === null) { complete = false; continue; }
    const value = ts.isPropertyAssignment(p) ? literalJson(unwrap(p.initializer)) ?? p.initializer.getText(ctx.sf) : key;
    pairs.push([key, value]);
  }
  pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return { text: pairs.map(([k, v]) => `${k}=${v}`).join(", "), keys: complete ? pairs.map(([k]) => k) : null, always: false };
}

/** JSON text of a literal, as the runtime prints values; null for anything computed. */
function literalJson(n: ts.Expression): string | null {
  if (isStringLike(n)) return JSON.stringify(n.text);
  if (ts.isNumericLiteral(n)) return JSON.stringify(Number(n.text));
  if (ts.isPrefixUnaryExpression(n) && n.operator === ts.SyntaxKind.MinusToken && ts.isNumericLiteral(n.operand)) return JSON.stringify(-Number(n.operand.text));
  if (n.kind === ts.SyntaxKind.TrueKeyword) return "true";
  if (n.kind === ts.SyntaxKind.FalseKeyword) return "false";
  if (n.kind === ts.SyntaxKind.NullKeyword) return "null";
  return null;
}

/** The keys an expr() tests, by the runtime's own parser (so `len(x)` tests x, not "len"); null when it does not parse. */
function exprKeys(source: string): string[] | null {
  try {
    return keysOf(parseExpr(source));
  } catch {
    return null;
  }
}

function unique(xs: string[]): string[] {
  return [...new Set(xs)];
}

// What an action body reads from and writes to state, from syntax alone.
// Anything we cannot see through (state passed to a helper, spreads, computed
// keys) marks writes incomplete so unused-write stays quiet.
import ts from "typescript";
import { isStringLike, nodeRange, objectKeys, stringRef, unwrap, walk, type FileCtx } from "./syntax.js";
import type { NameRef, StateAccess } from "./types.js";

const READ_ONE = new Set(["get", "has"]);
const WRITE_OBJECT = new Set(["update", "append", "extend", "increment"]);
/** Methods that return a State, so chains like state.update(...).append(...) keep going. */
const RETURNS_STATE = new Set(["update", "append", "extend", "increment", "wipe", "merge", "subset"]);

export function analyseStateAccess(ctx: FileCtx, body: ts.Node, stateParams: string[]): StateAccess {
  const names = new Set(stateParams);
  const reads: NameRef[] = [];
  const writes: NameRef[] = [];
  let writesComplete = true;

  const isStateExpr = (e: ts.Expression): boolean => {
    const n = unwrap(e);
    if (ts.isIdentifier(n)) return names.has(n.text);
    if (ts.isCallExpression(n) && ts.isPropertyAccessExpression(n.expression)) {
      return RETURNS_STATE.has(n.expression.name.text) && isStateExpr(n.expression.expression);
    }
    return false;
  };

  // One walk collects candidates; aliases (const s = state.update(...)) are resolved afterwards.
  const decls: ts.VariableDeclaration[] = [];
  const calls: ts.CallExpression[] = [];
  const destructured: ts.VariableDeclaration[] = [];
  const ids: ts.Identifier[] = [];
  const declared = new Set<string>();
  walk(body, (n) => {
    if (ts.isVariableDeclaration(n)) {
      if (ts.isIdentifier(n.name) && n.initializer) { decls.push(n); declared.add(n.name.text); }
      else if (ts.isObjectBindingPattern(n.name) && n.initializer) destructured.push(n);
    } else if (ts.isCallExpression(n) && ts.isPropertyAccessExpression(n.expression)) calls.push(n);
    else if (ts.isIdentifier(n) && (names.has(n.text) || declared.has(n.text))) ids.push(n);
  });
  for (let grew = true; grew; ) {
    grew = false;
    for (const d of decls) {
      const name = (d.name as ts.Identifier).text;
      if (!names.has(name) && isStateExpr(d.initializer!)) { names.add(name); grew = true; }
    }
  }

  for (const n of calls) {
    const callee = n.expression as ts.PropertyAccessExpression;
    if (!isStateExpr(callee.expression)) continue;
    const method = callee.name.text;
    const arg = n.arguments[0];
    if (READ_ONE.has(method) || method === "subset") {
      const args = method === "subset" ? n.arguments : n.arguments.slice(0, 1);
      for (const a of args) if (isStringLike(a)) reads.push(stringRef(ctx, a));
    } else if (WRITE_OBJECT.has(method)) {
      const obj = arg ? unwrap(arg) : undefined;
      if (obj && ts.isObjectLiteralExpression(obj)) {
        const { keys, complete } = objectKeys(ctx, obj);
        writes.push(...keys);
        if (!complete) writesComplete = false;
      } else writesComplete = false;
    } else if (method === "wipe") {
      const obj = arg ? unwrap(arg) : undefined;
      const del = obj && ts.isObjectLiteralExpression(obj) ? obj.properties.find((p) => p.name && ts.isIdentifier(p.name) && p.name.text === "delete") : undefined;
      if (del && ts.isPropertyAssignment(del) && ts.isArrayLiteralExpression(unwrap(del.initializer))) {
        for (const el of (unwrap(del.initializer) as ts.ArrayLiteralExpression).elements) {
          if (isStringLike(el)) writes.push(stringRef(ctx, el));
          else writesComplete = false;
        }
      } else writesComplete = false;
    } else if (method === "merge") {
      writesComplete = false;
    }
  }
  // const { a, b } = state.getAll()
  for (const n of destructured) {
    const init = unwrap(n.initializer!);
    if (!(ts.isCallExpression(init) && ts.isPropertyAccessExpression(init.expression) && init.expression.name.text === "getAll" && isStateExpr(init.expression.expression))) continue;
    for (const el of (n.name as ts.ObjectBindingPattern).elements) {
      if (el.dotDotDotToken) continue;
      const keyNode = el.propertyName ?? el.name;
      if (ts.isIdentifier(keyNode)) reads.push({ name: keyNode.text, range: nodeRange(ctx, keyNode) });
      else if (ts.isStringLiteral(keyNode)) reads.push(stringRef(ctx, keyNode));
    }
  }
  for (const id of ids) if (names.has(id.text) && escapes(id)) writesComplete = false;
  return { reads, writes, writesComplete };
}

/** True when a state identifier is used in a way that could write state we cannot see. */
function escapes(id: ts.Identifier): boolean {
  const p = id.parent;
  if (ts.isPropertyAccessExpression(p)) return p.name === id ? false : !isKnownMember(p);
  if (ts.isVariableDeclaration(p) || ts.isParameter(p) || ts.isReturnStatement(p) || ts.isArrayLiteralExpression(p)) return false;
  if (ts.isArrowFunction(p) && p.body === id) return false;
  if (ts.isBinaryExpression(p) && p.operatorToken.kind === ts.SyntaxKind.EqualsToken) return false;
  if (ts.isShorthandPropertyAssignment(p) || ts.isBindingElement(p)) return false;
  if (ts.isParenthesizedExpression(p) || ts.isAsExpression(p) || ts.isNonNullExpression(p) || ts.isYieldExpression(p)) return false;
  return true;
}

const KNOWN_MEMBERS = new Set(["get", "has", "keys", "getAll", "update", "append", "extend", "increment", "wipe", "subset", "serialize"]);

function isKnownMember(p: ts.PropertyAccessExpression): boolean {
  return KNOWN_MEMBERS.has(p.name.text);
}

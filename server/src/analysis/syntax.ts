// Small helpers over the raw TypeScript syntax tree (the `typescript` package).
// The hot path walks compiler nodes directly: wrapping every node in objects
// (as ts-morph does) would cost more than the analysis itself.
import ts from "typescript";
import type { NameList, NameRef, SourceRange } from "./types.js";

export interface FileCtx {
  sf: ts.SourceFile;
  uri: string;
  path: string;
  /**
   * Action declarations from the previous extraction of this file, keyed by
   * where they start and their text: an edit elsewhere reuses them instead
   * of walking their bodies again.
   */
  reuse?: Map<string, unknown>;
  /** What this extraction used or made, to hand to the next one. */
  kept?: Map<string, unknown>;
  /** Local names bound to typed action factories: `const chatAction = action.withState<S>()`, `const ChatAction = Action.withState<S>()`. */
  factories?: Map<string, "function" | "streaming" | "class" | "streamingClass">;
}

/** A previous result for this exact node text at this exact place, or a fresh one. */
export function reuseFor<T>(ctx: FileCtx, node: ts.Node, make: () => T, tag = ""): T {
  const start = node.getStart(ctx.sf);
  const at = ctx.sf.getLineAndCharacterOfPosition(start);
  const aliases = ctx.factories ? [...ctx.factories.keys()].join(",") : "";
  const key = `${tag}${aliases}|${at.line}:${at.character}:${ctx.sf.text.slice(start, node.getEnd())}`;
  const value = (ctx.reuse?.has(key) ? ctx.reuse.get(key) : make()) as T;
  ctx.kept?.set(key, value);
  return value;
}

export function rangeOf(ctx: FileCtx, start: number, end: number): SourceRange {
  const s = ctx.sf.getLineAndCharacterOfPosition(start);
  const e = ctx.sf.getLineAndCharacterOfPosition(end);
  return { file: ctx.uri, start: { line: s.line, character: s.character }, end: { line: e.line, character: e.character } };
}

export function nodeRange(ctx: FileCtx, node: ts.Node): SourceRange {
  return rangeOf(ctx, node.getStart(ctx.sf), node.getEnd());
}

export function isStringLike(node: ts.Node): node is ts.StringLiteral | ts.NoSubstitutionTemplateLiteral {
  return ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node);
}

/** The range of a string literal's contents (inside the quotes). */
export function stringRef(ctx: FileCtx, node: ts.StringLiteral | ts.NoSubstitutionTemplateLiteral): NameRef {
  const start = node.getStart(ctx.sf) + 1;
  return { name: node.text, range: rangeOf(ctx, start, start + node.text.length) };
}

export function unwrap(node: ts.Expression): ts.Expression {
  let n = node;
  while (ts.isParenthesizedExpression(n) || ts.isAsExpression(n) || ts.isSatisfiesExpression(n) || ts.isNonNullExpression(n) || ts.isTypeAssertionExpression(n) || ts.isAwaitExpression(n)) {
    n = n.expression;
  }
  return n;
}

/** `["a", "b"]` (possibly `as const`) as names; null when not an array literal. */
export function stringArray(ctx: FileCtx, node: ts.Expression | undefined): NameList | null {
  if (!node) return null;
  const arr = unwrap(node);
  if (!ts.isArrayLiteralExpression(arr)) return null;
  const items: NameRef[] = [];
  let complete = true;
  for (const el of arr.elements) {
    if (isStringLike(el)) items.push(stringRef(ctx, el));
    else complete = false;
  }
  const last = arr.elements[arr.elements.length - 1];
  const at = last ? last.getEnd() : arr.elements.pos;
  return { items, complete, range: nodeRange(ctx, arr), insertAt: rangeOf(ctx, at, at), separator: last ? ", " : "" };
}

/** A property name written literally (identifier, string, number); null for computed names. */
export function propName(name: ts.PropertyName | ts.BindingName | undefined): string | null {
  if (!name) return null;
  if (ts.isIdentifier(name) || ts.isStringLiteral(name) || ts.isNumericLiteral(name) || ts.isNoSubstitutionTemplateLiteral(name)) return name.text;
  if (ts.isPrivateIdentifier(name)) return name.text;
  return null;
}

/** Property of an object literal by name. */
export function objProp(obj: ts.ObjectLiteralExpression, name: string): ts.Expression | undefined {
  for (const p of obj.properties) {
    if (ts.isPropertyAssignment(p) && propName(p.name) === name) return p.initializer;
    if (ts.isShorthandPropertyAssignment(p) && p.name.text === name) return p.name;
  }
  return undefined;
}

/** Keys of an object literal; complete=false when it has spreads or computed keys. */
export function objectKeys(ctx: FileCtx, obj: ts.ObjectLiteralExpression): { keys: NameRef[]; complete: boolean } {
  const keys: NameRef[] = [];
  let complete = true;
  for (const p of obj.properties) {
    if (ts.isSpreadAssignment(p)) { complete = false; continue; }
    const name = p.name ? propName(p.name) : null;
    if (name === null || !p.name) { complete = false; continue; }
    keys.push({ name, range: nodeRange(ctx, p.name) });
  }
  return { keys, complete };
}

/** The callee name of `foo(...)` or `x.foo(...)`. */
export function calleeName(call: ts.CallExpression): string | null {
  const e = call.expression;
  if (ts.isIdentifier(e)) return e.text;
  if (ts.isPropertyAccessExpression(e)) return e.name.text;
  return null;
}

/** Walks every node once, parents first; a visitor returning false skips that node's children. */
export function walk(node: ts.Node, visit: (n: ts.Node) => void | boolean): void {
  const rec = (n: ts.Node): void => {
    if (visit(n) !== false) ts.forEachChild(n, rec);
  };
  rec(node);
}

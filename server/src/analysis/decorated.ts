// Classes whose methods are decorated with `@action(spec)` / `@streamingAction(spec)`
// (or a typed factory: `@chatAction(spec)`, `@action.withState<S>()(spec)`).
// Each such method is an action named after it, analysed as `action(spec, fn)` is,
// with the method as the function; `actionsOf(instance)` hands them to a builder.
import ts from "typescript";
import { actionFromSpec, factoryKind } from "./actions.js";
import { nodeRange, propName, reuseFor, unwrap, type FileCtx } from "./syntax.js";
import type { ActionDef, SourceRange } from "./types.js";

export interface DecoratedMethod {
  /** The action's name: the method's. */
  name: string;
  /** How the method name is written (rename keeps an identifier an identifier). */
  nameKind: "identifier" | "string";
  def: ActionDef;
}

export interface DecoratedClass {
  name: string;
  range: SourceRange;
  /** Decorated methods in declaration order. */
  methods: DecoratedMethod[];
  /** The class it extends, when it names one (`extends Base` or `extends ns.Base`): inherited actions come first. */
  base: { kind: "local"; name: string } | { kind: "member"; namespace: string; name: string } | { kind: "unknown" } | null;
  /** Decorated methods whose spec or name the analysis cannot read: the class's action list is incomplete. */
  complete: boolean;
}

/** A class with at least one decorated action method; null for any other class. */
export function decoratedClass(ctx: FileCtx, cls: ts.ClassLikeDeclaration, className: string): DecoratedClass | null {
  const methods: DecoratedMethod[] = [];
  let complete = true;
  let any = false;
  for (const m of cls.members) {
    const call = ts.isMethodDeclaration(m) ? actionDecorator(ctx, m) : null;
    if (!call || !ts.isMethodDeclaration(m)) continue;
    any = true;
    // Per method: an edit in one method re-reads only that method.
    const method = reuseFor(ctx, m, () => decoratedMethod(ctx, m, call, className), `method:${className}`);
    if (method) methods.push(method);
    else complete = false;
  }
  if (!any) return null;
  return { name: className, range: nodeRange(ctx, cls.name ?? cls), methods, base: baseOf(cls), complete };
}

/** The `@action(…)`-like decorator call of a method, if it has one. */
export function actionDecorator(ctx: FileCtx, m: ts.MethodDeclaration): ts.CallExpression | null {
  if (!ts.canHaveDecorators(m)) return null;
  for (const d of ts.getDecorators(m) ?? []) {
    const call = unwrap(d.expression);
    if (!ts.isCallExpression(call)) continue;
    const kind = factoryKind(ctx, call.expression);
    if (kind === "function" || kind === "streaming") return call;
  }
  return null;
}

function decoratedMethod(ctx: FileCtx, m: ts.MethodDeclaration, call: ts.CallExpression, className: string): DecoratedMethod | null {
  const kind = factoryKind(ctx, call.expression) as "function" | "streaming";
  const name = propName(m.name);
  const spec = call.arguments[0] ? unwrap(call.arguments[0]) : undefined;
  const isStatic = (ts.getModifiers(m) ?? []).some((x) => x.kind === ts.SyntaxKind.StaticKeyword);
  if (name === null || ts.isPrivateIdentifier(m.name) || isStatic || !spec || !ts.isObjectLiteralExpression(spec)) return null;
  const range = ts.isStringLiteral(m.name) ? rangeInsideQuotes(ctx, m.name) : nodeRange(ctx, m.name);
  const def = actionFromSpec(ctx, kind, spec, m, `${ctx.path}#${className}#${name}`, range);
  return def ? { name, nameKind: ts.isIdentifier(m.name) ? "identifier" : "string", def } : null;
}

function rangeInsideQuotes(ctx: FileCtx, s: ts.StringLiteral): SourceRange {
  const r = nodeRange(ctx, s);
  return { ...r, start: { ...r.start, character: r.start.character + 1 }, end: { ...r.end, character: r.end.character - 1 } };
}

function baseOf(cls: ts.ClassLikeDeclaration): DecoratedClass["base"] {
  const e = cls.heritageClauses?.find((h) => h.token === ts.SyntaxKind.ExtendsKeyword)?.types[0]?.expression;
  if (!e) return null;
  if (ts.isIdentifier(e)) return { kind: "local", name: e.text };
  if (ts.isPropertyAccessExpression(e) && ts.isIdentifier(e.expression)) return { kind: "member", namespace: e.expression.text, name: e.name.text };
  return { kind: "unknown" };
}

/**
 * What `actionsOf(...)`'s argument instantiates: `new X(...)`, a variable
 * initialised so, or `this` inside class X. Null when it cannot be told.
 */
export function instanceClass(arg: ts.Expression, resolveInit: (id: ts.Identifier) => ts.Expression | null): string | null {
  let e = unwrap(arg);
  if (ts.isIdentifier(e)) {
    const init = resolveInit(e);
    if (!init) return null;
    e = unwrap(init);
  }
  if (ts.isNewExpression(e) && ts.isIdentifier(e.expression)) return e.expression.text;
  if (e.kind === ts.SyntaxKind.ThisKeyword) {
    const cls = ts.findAncestor(e, (n): n is ts.ClassLikeDeclaration => ts.isClassDeclaration(n) || ts.isClassExpression(n));
    return cls?.name?.text ?? null;
  }
  return null;
}

/** `actionsOf(x)` (or `ns.actionsOf(x)`): its argument; null for any other expression. */
export function actionsOfArgument(expr: ts.Expression): ts.Expression | null {
  const e = unwrap(expr);
  if (!ts.isCallExpression(e) || e.arguments.length !== 1) return null;
  const c = e.expression;
  const name = ts.isIdentifier(c) ? c.text : ts.isPropertyAccessExpression(c) ? c.name.text : "";
  return name === "actionsOf" ? e.arguments[0]! : null;
}

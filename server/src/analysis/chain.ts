// Parses one builder method chain (`x.withActions(...).withTransitions(...)`)
// into steps. Resolving the chain's root (a variable, a helper's return value,
// another module) is done by the callers.
import ts from "typescript";
import { actionFromCall, builtinAction } from "./actions.js";
import { actionsOfArgument, instanceClass } from "./decorated.js";
import { readCondition } from "./conditions.js";
import { WILDCARD } from "../../../runtime/src/graph/wildcard.js";
import { zodObjectKeys } from "./schemaKeys.js";
import { isStringLike, nodeRange, objProp, objectKeys, propName, stringRef, unwrap, type FileCtx } from "./syntax.js";
import type { ActionEntry, ActionRef, NameRef, SourceRange, TransitionSyntax } from "./types.js";

export type ChainStep =
  /** `escape` says, for a user, what the analysis could not read when `complete` is false. */
  | { method: "withActions"; entries: ActionEntry[]; complete: boolean; escape?: string; range: SourceRange; classes?: ClassSpread[] }
  | { method: "withTransitions"; transitions: TransitionSyntax[]; complete: boolean; escape?: string; range: SourceRange }
  | { method: "withEntrypoint"; entrypoint: NameRef | null; range: SourceRange }
  | { method: "withState"; keys: string[] | null; range: SourceRange }
  /** The keys of a zod object schema, when readable from the source. */
  | { method: "withStateSchema"; keys: string[] | null; range: SourceRange }
  /** State comes from a persister; the entrypoint is defaultEntrypoint when nothing was saved. */
  | { method: "initializeFrom"; defaultEntrypoint: NameRef | null; range: SourceRange }
  /**
   * withGraph, unknown methods, and the builder escaping (passed to a function,
   * a conditional we cannot decide): may set actions, state or an entrypoint we
   * cannot see. `escape` says where, in words a user recognises.
   */
  | { method: "opaque"; name: string; escape: string; range: SourceRange }
  | { method: "other"; name: string; range: SourceRange };

/** `actionsOf(new X())` (alone or spread into the object): X's decorated methods go before `entries[index]`. */
export interface ClassSpread {
  /** Null when the instance's class cannot be told (the action list is then incomplete). */
  className: string | null;
  index: number;
  range: SourceRange;
}

/** A variable's initializer, as seen from where it is used. */
export type ResolveInit = (id: ts.Identifier) => ts.Expression | null;

export type ChainRoot =
  | { kind: "builder" }
  | { kind: "variable"; name: string; pos: number }
  /** `node`: when the callee cannot be followed, a builder among its arguments has escaped into it. */
  | { kind: "call"; name: string; pos: number; node: ts.CallExpression }
  | { kind: "memberCall"; namespace: string; name: string; node: ts.CallExpression }
  | { kind: "unknownCall"; node: ts.CallExpression }
  | { kind: "unknown" };

export interface ChainSyntax {
  root: ChainRoot;
  steps: ChainStep[];
  /** The whole expression, first node to last call. */
  range: SourceRange;
  /** The innermost method call (`opts.configure(builder)` when the root is not a builder at all). */
  firstCall: ts.CallExpression | null;
}

/** Builder methods that affect neither the graph nor the state the analysis needs. */
const HARMLESS = new Set(["withTracker", "withHooks", "withIdentifiers", "withName", "withStatePersister", "withDebugGate", "withSpawningParent", "withSpanCallbacks", "withParallelExecutor"]);

export function parseChain(ctx: FileCtx, expression: ts.Expression, resolveInit: ResolveInit): ChainSyntax {
  const steps: ChainStep[] = [];
  let e = unwrap(expression);
  let firstCall: ts.CallExpression | null = null;
  while (ts.isCallExpression(e) && ts.isPropertyAccessExpression(e.expression)) {
    steps.unshift(parseStep(ctx, e, e.expression.name.text, resolveInit));
    firstCall = e;
    e = unwrap(e.expression.expression);
  }
  return { root: rootOf(ctx, e), steps, range: nodeRange(ctx, expression), firstCall };
}

function rootOf(ctx: FileCtx, e: ts.Expression): ChainRoot {
  if (ts.isNewExpression(e)) {
    const c = e.expression;
    const name = ts.isIdentifier(c) ? c.text : ts.isPropertyAccessExpression(c) ? c.name.text : null;
    return name === "ApplicationBuilder" ? { kind: "builder" } : { kind: "unknown" };
  }
  if (ts.isIdentifier(e)) return { kind: "variable", name: e.text, pos: e.getStart(ctx.sf) };
  if (ts.isCallExpression(e)) {
    const c = e.expression;
    if (ts.isIdentifier(c)) return { kind: "call", name: c.text, pos: c.getStart(ctx.sf), node: e };
    if (ts.isPropertyAccessExpression(c) && ts.isIdentifier(c.expression)) return { kind: "memberCall", namespace: c.expression.text, name: c.name.text, node: e };
    return { kind: "unknownCall", node: e };
  }
  return { kind: "unknown" };
}

/** A callee as the user wrote it, shortened for a message: `opts.configure`. */
export function calleeText(ctx: FileCtx, callee: ts.Node): string {
  const text = callee.getText(ctx.sf).replace(/\s+/g, "");
  return text.length > 40 ? `${text.slice(0, 37)}…` : text;
}

function parseStep(ctx: FileCtx, call: ts.CallExpression, method: string, resolveInit: ResolveInit): ChainStep {
  const range = nodeRange(ctx, call.expression.kind === ts.SyntaxKind.PropertyAccessExpression ? (call.expression as ts.PropertyAccessExpression).name : call);
  const arg0 = call.arguments[0] ? unwrap(call.arguments[0]) : undefined;
  switch (method) {
    case "withActions": {
      let arg = arg0;
      if (arg && ts.isIdentifier(arg)) {
        const init = resolveInit(arg);
        arg = init ? unwrap(init) : undefined;
      }
      const cannotList = (): ChainStep => ({ method, entries: [], complete: false, escape: `withActions is given ${arg0 ? calleeText(ctx, arg0) : "nothing"}, whose actions the analysis cannot list`, range });
      if (!arg || call.arguments.length !== 1) return cannotList();
      const instance = actionsOfArgument(arg);
      if (instance) return { method, entries: [], complete: true, range, classes: [classSpread(ctx, instance, 0, resolveInit)] };
      if (!ts.isObjectLiteralExpression(arg)) return cannotList();
      return { method, ...actionEntries(ctx, arg, resolveInit), range };
    }
    case "withTransitions": {
      const transitions: TransitionSyntax[] = [];
      let complete = true;
      let escape: string | undefined;
      for (const a of call.arguments) {
        const t = transition(ctx, unwrap(a));
        if (t) transitions.push(t);
        else {
          complete = false;
          escape ??= `withTransitions is given ${calleeText(ctx, a)}, which the analysis cannot read`;
        }
      }
      return { method, transitions, complete, ...(escape ? { escape } : {}), range };
    }
    case "withEntrypoint":
      return { method, entrypoint: arg0 && isStringLike(arg0) ? stringRef(ctx, arg0) : null, range };
    case "withState": {
      // withState({ ... }) or withState(new State({ ... }))
      const literal = arg0 && ts.isNewExpression(arg0) && arg0.arguments?.[0] ? unwrap(arg0.arguments[0]) : arg0;
      if (!literal || !ts.isObjectLiteralExpression(literal)) return { method, keys: null, range };
      const { keys, complete } = objectKeys(ctx, literal);
      return { method, keys: complete ? keys.map((k) => k.name) : null, range };
    }
    case "withStateSchema":
      return { method, keys: arg0 ? zodObjectKeys(ctx, arg0) : null, range };
    case "initializeFrom": {
      const opts = call.arguments[1] ? unwrap(call.arguments[1]) : undefined;
      const def = opts && ts.isObjectLiteralExpression(opts) ? objProp(opts, "defaultEntrypoint") : undefined;
      return { method, defaultEntrypoint: def && isStringLike(def) ? stringRef(ctx, def) : null, range };
    }
    default:
      return HARMLESS.has(method) ? { method: "other", name: method, range } : { method: "opaque", name: method, escape: `the builder calls ${method}(…)`, range };
  }
}

function classSpread(ctx: FileCtx, instance: ts.Expression, index: number, resolveInit: ResolveInit): ClassSpread {
  return { className: instanceClass(instance, resolveInit), index, range: nodeRange(ctx, instance) };
}

function actionEntries(ctx: FileCtx, obj: ts.ObjectLiteralExpression, resolveInit: ResolveInit): { entries: ActionEntry[]; complete: boolean; escape?: string; classes?: ClassSpread[] } {
  const entries: ActionEntry[] = [];
  const classes: ClassSpread[] = [];
  let complete = true;
  let escape: string | undefined;
  for (const p of obj.properties) {
    const instance = ts.isSpreadAssignment(p) ? actionsOfArgument(p.expression) : null;
    if (instance) {
      classes.push(classSpread(ctx, instance, entries.length, resolveInit));
    } else if (ts.isShorthandPropertyAssignment(p)) {
      entries.push({ name: p.name.text, keyKind: "shorthand", range: nodeRange(ctx, p.name), ref: { kind: "local", name: p.name.text, boundInputs: [] } });
    } else if (ts.isPropertyAssignment(p)) {
      const name = propName(p.name);
      if (name === null) { complete = false; escape ??= `withActions has a computed key ${calleeText(ctx, p.name)}`; continue; }
      const keyRange = ts.isStringLiteral(p.name) ? stringRef(ctx, p.name).range : nodeRange(ctx, p.name);
      entries.push({ name, keyKind: ts.isIdentifier(p.name) ? "identifier" : "string", range: keyRange, ref: actionRef(ctx, p.initializer, keyRange, name) });
    } else {
      complete = false;
      escape ??= ts.isSpreadAssignment(p) ? `withActions spreads ...${calleeText(ctx, p.expression)}` : "withActions has an entry the analysis cannot read";
    }
  }
  return { entries, complete, ...(escape ? { escape } : {}), ...(classes.length ? { classes } : {}) };
}

function actionRef(ctx: FileCtx, expr: ts.Expression, keyRange: SourceRange, name: string): ActionRef | null {
  const e = unwrap(expr);
  if (ts.isIdentifier(e)) return { kind: "local", name: e.text, boundInputs: [] };
  if (ts.isPropertyAccessExpression(e) && ts.isIdentifier(e.expression)) return { kind: "member", namespace: e.expression.text, name: e.name.text, boundInputs: [] };
  if (ts.isNewExpression(e) && ts.isIdentifier(e.expression)) return { kind: "classNew", className: e.expression.text, boundInputs: [] };
  if (ts.isCallExpression(e) && ts.isPropertyAccessExpression(e.expression) && e.expression.name.text === "bind") {
    const inner = actionRef(ctx, e.expression.expression, keyRange, name);
    const arg = e.arguments[0] ? unwrap(e.arguments[0]) : undefined;
    if (!inner || !arg || !ts.isObjectLiteralExpression(arg)) return null;
    const { keys, complete } = objectKeys(ctx, arg);
    if (!complete) return null;
    return { ...inner, boundInputs: [...inner.boundInputs, ...keys.map((k) => k.name)] };
  }
  const id = `${ctx.path}#inline:${name}@${e.getStart(ctx.sf)}`;
  const def = actionFromCall(ctx, e, id, keyRange) ?? builtinAction(ctx, e, id, keyRange);
  if (def) return { kind: "inline", def, boundInputs: [] };
  if (ts.isCallExpression(e) && ts.isIdentifier(e.expression)) return { kind: "call", name: e.expression.text, boundInputs: [] };
  return null;
}

function transition(ctx: FileCtx, node: ts.Expression): TransitionSyntax | null {
  if (!ts.isArrayLiteralExpression(node) || node.elements.length < 2 || node.elements.length > 3) return null;
  const [fromNode, toNode, condNode] = node.elements.map((x) => unwrap(x as ts.Expression));
  if (!toNode || !isStringLike(toNode) || !fromNode) return null;
  let from: NameRef[];
  if (isStringLike(fromNode)) from = [stringRef(ctx, fromNode)];
  else if (ts.isArrayLiteralExpression(fromNode) && fromNode.elements.every(isStringLike)) {
    from = fromNode.elements.map((x) => stringRef(ctx, x as ts.StringLiteral));
  } else return null;
  if (node.elements.some((x) => ts.isSpreadElement(x))) return null;
  const cond = readCondition(ctx, condNode);
  // Only the bare string is a wildcard; "*" inside a list stays a name, which the validator reports.
  const wildcard = isStringLike(fromNode) && from[0]!.name === WILDCARD;
  return {
    from, to: stringRef(ctx, toNode), condition: cond.text, keys: cond.keys, always: cond.always, range: nodeRange(ctx, node),
    ...(wildcard ? { wildcard: true as const } : {}),
  };
}

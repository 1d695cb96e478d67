// Action declarations: `action(spec, fn)`, `streamingAction(spec, fn)` and
// classes extending `Action` with reads/writes/inputs fields.
import { ts } from "ts-morph";
import { analyseStateAccess } from "./stateAccess.js";
import { calleeName, isStringLike, nodeRange, objProp, propName, rangeOf, stringArray, stringRef, unwrap, type FileCtx } from "./syntax.js";
import type { ActionDef, NameList, NameRef, SourceRange } from "./types.js";

const FACTORIES: Record<string, ActionDef["kind"]> = {
  action: "function",
  streamingAction: "streaming",
  // Parallel actions declare reads/writes in the same spec; their work happens in child apps.
  mapStates: "parallel",
  mapActions: "parallel",
  mapActionsAndStates: "parallel",
};

/** `action({...}, fn)`, `streamingAction({...}, fn)` or `mapStates({...})` and kin; null for anything else. */
export function actionFromCall(ctx: FileCtx, expr: ts.Expression, id: string, declRange: SourceRange): ActionDef | null {
  const call = unwrap(expr);
  if (!ts.isCallExpression(call)) return null;
  const kind = factoryKind(ctx, call.expression);
  if (!kind) return null;
  const spec = call.arguments[0] ? unwrap(call.arguments[0]) : undefined;
  if (!spec || !ts.isObjectLiteralExpression(spec)) return null;
  if (!objProp(spec, "reads") && !objProp(spec, "writes") && !objProp(spec, "inputs")) return null;
  const fnArg = call.arguments[1] ? unwrap(call.arguments[1]) : undefined;
  const fn = kind !== "parallel" && fnArg && (ts.isArrowFunction(fnArg) || ts.isFunctionExpression(fnArg)) ? fnArg : null;
  const stateParam = fn ? paramName(fn.parameters[0]) : null;
  return {
    id,
    kind,
    reads: declaredList(ctx, spec, "reads"),
    writes: declaredList(ctx, spec, "writes"),
    inputs: stringArray(ctx, objProp(spec, "inputs")),
    optionalInputs: (stringArray(ctx, objProp(spec, "optionalInputs"))?.items ?? []).map((r) => r.name),
    destructuredInputs: fn ? destructured(fn.parameters[1]) : null,
    access: fn && stateParam ? analyseStateAccess(ctx, fn.body, [stateParam]) : null,
    onError: captureKey(ctx, objProp(spec, "onError")),
    range: declRange,
  };
}

/** `action`, `streamingAction`, `x.action`, `action.withState<S>()` or a local alias of one. */
export function factoryKind(ctx: FileCtx, callee: ts.Expression): ActionDef["kind"] | undefined {
  const c = unwrap(callee);
  if (ts.isIdentifier(c)) return FACTORIES[c.text] ?? ctx.factories?.get(c.text);
  if (ts.isPropertyAccessExpression(c)) return FACTORIES[c.name.text];
  if (ts.isCallExpression(c) && ts.isPropertyAccessExpression(c.expression) && c.expression.name.text === "withState") {
    const base = c.expression.expression;
    const name = ts.isIdentifier(base) ? base.text : ts.isPropertyAccessExpression(base) ? base.name.text : "";
    return FACTORIES[name];
  }
  return undefined;
}

/** A class whose `extends` clause names `Action`. */
export function actionFromClass(ctx: FileCtx, cls: ts.ClassDeclaration | ts.ClassExpression, id: string): ActionDef | null {
  const base = cls.heritageClauses?.find((h) => h.token === ts.SyntaxKind.ExtendsKeyword)?.types[0]?.expression;
  if (!base) return null;
  const baseName = ts.isIdentifier(base) ? base.text : ts.isPropertyAccessExpression(base) ? base.name.text : null;
  if (baseName !== "Action" && baseName !== "StreamingAction") return null;
  const field = (name: string): ts.Expression | undefined => {
    for (const m of cls.members) {
      if (propName(m.name) !== name) continue;
      if (ts.isPropertyDeclaration(m)) return m.initializer;
      if (ts.isGetAccessorDeclaration(m) && m.body) {
        const ret = m.body.statements.find(ts.isReturnStatement);
        return ret?.expression;
      }
    }
    return undefined;
  };
  const method = (name: string): ts.MethodDeclaration | undefined =>
    cls.members.find((m): m is ts.MethodDeclaration => ts.isMethodDeclaration(m) && propName(m.name) === name && !!m.body);
  const run = method("run");
  const update = method("update");
  const accesses = [] as ReturnType<typeof analyseStateAccess>[];
  const runState = run ? paramName(run.parameters[0]) : null;
  if (run?.body && runState) accesses.push(analyseStateAccess(ctx, run.body, [runState]));
  const updState = update ? paramName(update.parameters[1]) : null;
  if (update?.body && updState) accesses.push(analyseStateAccess(ctx, update.body, [updState]));
  const known = (run ? runState !== null : true) && (update ? updState !== null : true) && accesses.length > 0;
  return {
    id,
    kind: baseName === "StreamingAction" ? "streaming" : "class",
    reads: stringArray(ctx, field("reads")),
    writes: stringArray(ctx, field("writes")),
    inputs: stringArray(ctx, field("inputs")),
    optionalInputs: (stringArray(ctx, field("optionalInputs"))?.items ?? []).map((r) => r.name),
    destructuredInputs: run ? destructured(run.parameters[1]) : null,
    access: known
      ? { reads: accesses.flatMap((a) => a.reads), writes: accesses.flatMap((a) => a.writes), writesComplete: accesses.every((a) => a.writesComplete) }
      : null,
    onError: captureKey(ctx, field("onError")),
    range: cls.name ? nodeRange(ctx, cls.name) : nodeRange(ctx, cls),
  };
}

/** The runtime reads an absent reads/writes as []: an empty list a fix can create. */
function declaredList(ctx: FileCtx, spec: ts.ObjectLiteralExpression, key: string): NameList | null {
  const node = objProp(spec, key);
  if (node) return stringArray(ctx, node);
  const at = spec.getStart(ctx.sf) + 1;
  const here = rangeOf(ctx, at, at);
  return { items: [], complete: true, range: nodeRange(ctx, spec), insertAt: here, separator: "", missingProperty: key };
}

/** The key of `captureAs("key")` (or `x.captureAs("key", options)`); null for anything else. */
function captureKey(ctx: FileCtx, node: ts.Expression | undefined): NameRef | null {
  const call = node ? unwrap(node) : undefined;
  if (!call || !ts.isCallExpression(call) || calleeName(call) !== "captureAs") return null;
  const key = call.arguments[0] ? unwrap(call.arguments[0]) : undefined;
  return key && isStringLike(key) ? stringRef(ctx, key) : null;
}

function paramName(p: ts.ParameterDeclaration | undefined): string | null {
  return p && ts.isIdentifier(p.name) ? p.name.text : null;
}

/** Names destructured from the inputs parameter without a default; null when not destructured. */
function destructured(p: ts.ParameterDeclaration | undefined): string[] | null {
  if (!p || !ts.isObjectBindingPattern(p.name)) return null;
  const names: string[] = [];
  for (const el of p.name.elements) {
    if (el.dotDotDotToken) return null;
    if (el.initializer) continue;
    const key = propName(el.propertyName ?? el.name);
    if (key === null) return null;
    names.push(key);
  }
  return names;
}

/** Required inputs of an action: declared inputs minus optional ones and bound ones. */
export function requiredInputs(def: ActionDef, bound: string[]): string[] | null {
  if (!def.inputs || !def.inputs.complete) return null;
  const optional = new Set([...def.optionalInputs, ...bound]);
  if (def.destructuredInputs) {
    // A destructured name with a default is optional even if listed in `inputs`.
    const required = new Set(def.destructuredInputs);
    return def.inputs.items.map((i) => i.name).filter((n) => !optional.has(n) && required.has(n));
  }
  return def.inputs.items.map((i) => i.name).filter((n) => !optional.has(n));
}

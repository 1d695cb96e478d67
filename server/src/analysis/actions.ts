// Action declarations: `action(spec, fn)`, `streamingAction(spec, fn)` and
// classes extending `Action` with reads/writes/inputs fields, or a spec'd base
// (`Action.withState<S>()({ reads, writes })`, `Action.with({...})`).
import ts from "typescript";
import { analyseStateAccess } from "./stateAccess.js";
import { calleeName, isStringLike, nodeRange, objProp, propName, rangeOf, stringArray, stringRef, unwrap, type FileCtx } from "./syntax.js";
import type { ActionDef, InputUse, NameList, NameRef, SourceRange } from "./types.js";

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
  const fnArg = call.arguments[1] ? unwrap(call.arguments[1]) : undefined;
  const fn = kind !== "parallel" && fnArg && (ts.isArrowFunction(fnArg) || ts.isFunctionExpression(fnArg)) ? fnArg : null;
  return actionFromSpec(ctx, kind, spec, fn, id, declRange);
}

/** An action from its spec literal and the function (or decorated method) that implements it. */
export function actionFromSpec(
  ctx: FileCtx, kind: ActionDef["kind"], spec: ts.ObjectLiteralExpression, fn: ts.FunctionLikeDeclaration | null, id: string, declRange: SourceRange,
): ActionDef | null {
  if (!objProp(spec, "reads") && !objProp(spec, "writes") && !objProp(spec, "inputs")) return null;
  const stateParam = fn ? paramName(fn.parameters[0]) : null;
  return {
    id,
    kind,
    reads: declaredList(ctx, spec, "reads"),
    writes: declaredList(ctx, spec, "writes"),
    inputs: stringArray(ctx, objProp(spec, "inputs")),
    optionalInputs: (stringArray(ctx, objProp(spec, "optionalInputs"))?.items ?? []).map((r) => r.name),
    destructuredInputs: fn ? destructured(fn.parameters[1]) : null,
    access: fn?.body && stateParam ? analyseStateAccess(ctx, fn.body, [stateParam]) : null,
    onError: captureKey(ctx, objProp(spec, "onError")),
    range: declRange,
    ...(fn && kind !== "parallel" ? inputUse(ctx, spec, fn.parameters[1]) : {}),
  };
}

/** What `undeclared-input` needs: the destructured names (with ranges) and the spec's input lists. */
function inputUse(ctx: FileCtx, spec: ts.ObjectLiteralExpression, p: ts.ParameterDeclaration | undefined): { inputUse?: InputUse } {
  if (!p || !ts.isObjectBindingPattern(p.name)) return {};
  const used: InputUse["used"] = [];
  for (const el of p.name.elements) {
    if (el.dotDotDotToken) return {};
    const keyNode = el.propertyName ?? el.name;
    const name = propName(keyNode);
    if (name === null || !(ts.isIdentifier(keyNode) || ts.isStringLiteral(keyNode))) return {};
    used.push({ name, range: nodeRange(ctx, keyNode), hasDefault: !!el.initializer });
  }
  const inputs = declaredList(ctx, spec, "inputs");
  const optionalInputs = declaredList(ctx, spec, "optionalInputs");
  return inputs && optionalInputs ? { inputUse: { used, inputs, optionalInputs } } : {};
}

/**
 * Burr's built-ins, `Result("a", "b")` (reads them, writes nothing) and
 * `Input("a")` (needs and writes them), with literal key names; null otherwise.
 */
export function builtinAction(ctx: FileCtx, expr: ts.Expression, id: string, declRange: SourceRange): ActionDef | null {
  const call = unwrap(expr);
  if (!ts.isCallExpression(call) || !ts.isIdentifier(call.expression)) return null;
  const which = call.expression.text;
  if ((which !== "Result" && which !== "Input") || call.arguments.length === 0 || !call.arguments.every((a) => isStringLike(unwrap(a)))) return null;
  const keys = call.arguments.map((a) => stringRef(ctx, unwrap(a) as ts.StringLiteral));
  const end = call.arguments[call.arguments.length - 1]!.getEnd();
  const named: NameList = { items: keys, complete: true, range: nodeRange(ctx, call), insertAt: rangeOf(ctx, end, end), separator: ", " };
  const none: NameList = { items: [], complete: true, range: nodeRange(ctx, call), insertAt: rangeOf(ctx, end, end), separator: "" };
  const result = which === "Result";
  return {
    id,
    kind: "function",
    reads: result ? named : none,
    writes: result ? none : named,
    inputs: result ? none : named,
    optionalInputs: [],
    destructuredInputs: null,
    access: null,
    onError: null,
    range: declRange,
  };
}

/** `action`, `streamingAction`, `x.action`, `action.withState<S>()` or a local alias of one. */
export function factoryKind(ctx: FileCtx, callee: ts.Expression): ActionDef["kind"] | undefined {
  const c = unwrap(callee);
  if (ts.isIdentifier(c)) {
    const alias = ctx.factories?.get(c.text);
    return FACTORIES[c.text] ?? (alias === "function" || alias === "streaming" ? alias : undefined);
  }
  if (ts.isPropertyAccessExpression(c)) return FACTORIES[c.name.text];
  if (ts.isCallExpression(c) && ts.isPropertyAccessExpression(c.expression) && c.expression.name.text === "withState") {
    const base = c.expression.expression;
    const name = ts.isIdentifier(base) ? base.text : ts.isPropertyAccessExpression(base) ? base.name.text : "";
    return FACTORIES[name];
  }
  return undefined;
}

const CLASS_BASES: Record<string, "class" | "streaming"> = { Action: "class", StreamingAction: "streaming" };

/**
 * What a class extends, if an action base: `Action`/`StreamingAction`, or a
 * spec'd base whose spec is the call's object literal (null when not a literal).
 */
function classBase(ctx: FileCtx, expr: ts.Expression): { kind: "class" | "streaming"; spec: ts.ObjectLiteralExpression | null } | null {
  const nameOf = (e: ts.Expression): string => (ts.isIdentifier(e) ? e.text : ts.isPropertyAccessExpression(e) ? e.name.text : "");
  const baseKind = (e: ts.Expression) => (Object.hasOwn(CLASS_BASES, nameOf(e)) ? CLASS_BASES[nameOf(e)] : undefined);
  const e = unwrap(expr);
  const plain = baseKind(e);
  if (plain) return { kind: plain, spec: null };
  if (!ts.isCallExpression(e)) return null;
  const callee = unwrap(e.expression);
  let kind: "class" | "streaming" | undefined;
  if (ts.isPropertyAccessExpression(callee) && callee.name.text === "with") kind = baseKind(callee.expression);
  else if (ts.isCallExpression(callee) && ts.isPropertyAccessExpression(callee.expression) && callee.expression.name.text === "withState") {
    kind = baseKind(callee.expression.expression);
  } else if (ts.isIdentifier(callee)) {
    // `const ChatAction = Action.withState<Chat>()`, then `extends ChatAction({...})`.
    const alias = ctx.factories?.get(callee.text);
    kind = alias === "class" ? "class" : alias === "streamingClass" ? "streaming" : undefined;
  }
  if (!kind) return null;
  const arg = e.arguments[0] ? unwrap(e.arguments[0]) : undefined;
  return { kind, spec: arg && ts.isObjectLiteralExpression(arg) ? arg : null };
}

/** A class whose `extends` clause names `Action` or `StreamingAction`, or a spec'd base of one. */
export function actionFromClass(ctx: FileCtx, cls: ts.ClassDeclaration | ts.ClassExpression, id: string): ActionDef | null {
  const heritage = cls.heritageClauses?.find((h) => h.token === ts.SyntaxKind.ExtendsKeyword)?.types[0]?.expression;
  const base = heritage ? classBase(ctx, heritage) : null;
  if (!base) return null;
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
  // A field in the class body wins over the spec (the runtime assigns fields after the base's constructor).
  const declared = (name: string): ts.Expression | undefined => field(name) ?? (base.spec ? objProp(base.spec, name) : undefined);
  const list = (name: "reads" | "writes"): NameList | null => {
    if (field(name) || !base.spec) return stringArray(ctx, field(name));
    return declaredList(ctx, base.spec, name);
  };
  const method = (name: string): ts.MethodDeclaration | undefined =>
    cls.members.find((m): m is ts.MethodDeclaration => ts.isMethodDeclaration(m) && propName(m.name) === name && !!m.body);
  const run = method(base.kind === "streaming" ? "streamRun" : "run");
  const update = method("update");
  const accesses = [] as ReturnType<typeof analyseStateAccess>[];
  const runState = run ? paramName(run.parameters[0]) : null;
  if (run?.body && runState) accesses.push(analyseStateAccess(ctx, run.body, [runState]));
  const updState = update ? paramName(update.parameters[1]) : null;
  if (update?.body && updState) accesses.push(analyseStateAccess(ctx, update.body, [updState]));
  const known = (run ? runState !== null : true) && (update ? updState !== null : true) && accesses.length > 0;
  return {
    id,
    kind: base.kind,
    isClass: true,
    reads: list("reads"),
    writes: list("writes"),
    inputs: stringArray(ctx, declared("inputs")),
    optionalInputs: (stringArray(ctx, declared("optionalInputs"))?.items ?? []).map((r) => r.name),
    destructuredInputs: run ? destructured(run.parameters[1]) : null,
    access: known
      ? { reads: accesses.flatMap((a) => a.reads), writes: accesses.flatMap((a) => a.writes), writesComplete: accesses.every((a) => a.writesComplete) }
      : null,
    onError: captureKey(ctx, declared("onError")),
    range: cls.name ? nodeRange(ctx, cls.name) : nodeRange(ctx, cls),
    // A spec'd class (`extends Action.with({ inputs })`) declares its inputs in the spec, where a fix can add one.
    ...(run && base.spec && !field("inputs") && !field("optionalInputs") ? inputUse(ctx, base.spec, run.parameters[1]) : {}),
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

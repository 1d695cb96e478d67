// Everything one file says on its own: imports/exports, action declarations,
// builder chains (resolved as far as this file allows) and run calls. Cached
// per file version; cross-file resolution happens in link.ts.
import ts from "typescript";
import { actionFromCall, actionFromClass } from "./actions.js";
import { actionDecorator, decoratedClass, type DecoratedClass } from "./decorated.js";
import { calleeText, parseChain, type ChainStep, type ChainSyntax } from "./chain.js";
import { isStringLike, nodeRange, objProp, objectKeys, reuseFor, stringArray, unwrap, walk, type FileCtx } from "./syntax.js";
import type { ActionDef, AnalysisProblem, NameRef, RunCall, SourceRange } from "./types.js";

export type ResolvedRoot = { kind: "builder" } | { kind: "import"; module: string; name: string } | { kind: "unknown" };

export interface ResolvedChain {
  root: ResolvedRoot;
  steps: ChainStep[];
}

export interface AppSite {
  name: string;
  range: SourceRange;
  chain: ResolvedChain;
  runs: RunCall[];
}

export interface FileFacts {
  path: string;
  uri: string;
  /** local name → where it comes from ("default", "*" or the imported name), and where the local name is written. */
  imports: Map<string, { module: string; name: string; range: SourceRange }>;
  /** exported name → local name. */
  exports: Map<string, string>;
  reexports: { module: string; names: Map<string, string> | "all" }[];
  /** Action declarations by local variable or class name. */
  actions: Map<string, ActionDef>;
  /** Classes with `@action` methods, by class name. */
  decoratedClasses: Map<string, DecoratedClass>;
  /** Actions written inline in withActions. */
  inlineActions: ActionDef[];
  /** Functions that return an action (`function aiResponseWith(model) { return action(...) }`), by name. */
  actionFunctions: Map<string, ActionDef>;
  /** Functions that return a builder chain, by name. */
  chainFunctions: Map<string, ResolvedChain>;
  apps: AppSite[];
  /** `expr("...")` literals that do not parse (see exprChecks.ts). */
  exprProblems?: AnalysisProblem[];
}

const RUN_METHODS = new Set(["run", "step", "iterate", "streamResult", "streamIterate"]);
const MAX_DEPTH = 6;

export function extractFacts(ctx: FileCtx): FileFacts {
  const facts: FileFacts = {
    path: ctx.path, uri: ctx.uri, imports: new Map(), exports: new Map(), reexports: [], actions: new Map(), decoratedClasses: new Map(),
    inlineActions: [], actionFunctions: new Map(), chainFunctions: new Map(), apps: [],
  };
  ctx.factories = factoryAliases(ctx.sf);
  const variables = new Map<string, ts.VariableDeclaration[]>();
  const functions = new Map<string, ts.FunctionLikeDeclaration>();
  const statementChains: { name: string; pos: number; chain: ChainSyntax }[] = [];
  /** `configure(builder);`: a variable passed to a call in a statement of its own; the callee may change it. */
  const escapeSites: { name: string; pos: number; step: ChainStep }[] = [];
  const buildCalls: ts.CallExpression[] = [];
  const runCalls: { variable: string; call: ts.CallExpression; method: RunCall["method"] }[] = [];

  readModuleShape(ctx, facts);
  walk(ctx.sf, (n) => {
    if (ts.isVariableDeclaration(n) && ts.isIdentifier(n.name)) {
      const list = variables.get(n.name.text) ?? [];
      list.push(n);
      variables.set(n.name.text, list);
      if (n.initializer) {
        const init = unwrap(n.initializer);
        if (ts.isArrowFunction(init) || ts.isFunctionExpression(init)) functions.set(n.name.text, init);
        const name = n.name;
        const def = reuseFor(ctx, n, () => actionFromCall(ctx, init, `${ctx.path}#${name.text}`, nodeRange(ctx, name)));
        if (def) {
          facts.actions.set(n.name.text, def);
          return false; // the body holds no builders or run calls worth the walk
        }
      }
    } else if (ts.isFunctionDeclaration(n) && n.name && n.body) {
      functions.set(n.name.text, n);
    } else if ((ts.isClassDeclaration(n) || ts.isClassExpression(n)) && n.name) {
      const name = n.name;
      const def = reuseFor(ctx, n, () => actionFromClass(ctx, n, `${ctx.path}#${name.text}`));
      if (def) {
        facts.actions.set(n.name.text, def);
        return false;
      }
      // Its other methods may build apps (`actionsOf(this)`): keep walking, past the action methods' bodies.
      const decorated = decoratedClass(ctx, n, name.text);
      if (decorated) facts.decoratedClasses.set(name.text, decorated);
    } else if (ts.isMethodDeclaration(n) && actionDecorator(ctx, n)) {
      return false; // an action's body holds no builders or run calls worth the walk
    } else if (ts.isCallExpression(n) && ts.isPropertyAccessExpression(n.expression)) {
      const method = n.expression.name.text;
      const target = unwrap(n.expression.expression);
      if (method === "build" && n.arguments.length === 0) buildCalls.push(n);
      else if (RUN_METHODS.has(method) && ts.isIdentifier(target)) runCalls.push({ variable: target.text, call: n, method: method as RunCall["method"] });
    }
    // b.withX(...) as a statement, or b = b.withX(...): steps added to builder variable b.
    if (ts.isExpressionStatement(n)) {
      let e = unwrap(n.expression);
      if (ts.isBinaryExpression(e) && e.operatorToken.kind === ts.SyntaxKind.EqualsToken && ts.isIdentifier(e.left)) e = unwrap(e.right);
      if (ts.isCallExpression(e) && ts.isPropertyAccessExpression(e.expression)) {
        const chain = parseChain(ctx, e, resolveObject);
        if (chain.root.kind === "variable" && chain.steps.length > 0) statementChains.push({ name: chain.root.name, pos: n.getStart(ctx.sf), chain });
      }
    }
    if (ts.isCallExpression(n) && !ts.isExpressionStatement(n.parent) && !ts.isAwaitExpression(n.parent)) return;
    if (ts.isCallExpression(n)) {
      for (const a of n.arguments) {
        const arg = unwrap(a);
        if (!ts.isIdentifier(arg)) continue;
        const step: ChainStep = { method: "opaque", name: "escape", escape: passedTo(n), range: nodeRange(ctx, n) };
        escapeSites.push({ name: arg.text, pos: n.getStart(ctx.sf), step });
      }
    }
  });

  function passedTo(call: ts.CallExpression): string {
    const line = ctx.sf.getLineAndCharacterOfPosition(call.getStart(ctx.sf)).line + 1;
    return `the builder is passed to ${calleeText(ctx, call.expression)}(…) on line ${line}`;
  }

  /** `configure(builder)` whose callee we cannot follow: the builder argument's chain, then an escape. */
  function throughArgs(call: ts.CallExpression, depth: number): ResolvedChain | null {
    for (const a of call.arguments) {
      const inner = resolveExpr(a, depth + 1);
      if (inner.root.kind === "unknown") continue;
      return { root: inner.root, steps: [...inner.steps, { method: "opaque", name: "escape", escape: passedTo(call), range: nodeRange(ctx, call) }] };
    }
    return null;
  }

  function resolveObject(id: ts.Identifier): ts.Expression | null {
    const decl = lastBefore(variables.get(id.text), id.getStart(ctx.sf));
    return decl?.initializer ? unwrap(decl.initializer) : null;
  }

  function returnedExpression(fn: ts.FunctionLikeDeclaration): ts.Expression | null {
    if (!fn.body) return null;
    if (!ts.isBlock(fn.body)) return fn.body;
    const returns = fn.body.statements.filter(ts.isReturnStatement);
    return returns.length === 1 && returns[0]!.expression ? returns[0]!.expression : null;
  }

  /**
   * `cond ? configure(builder) : builder`: the branch we can follow, plus an
   * opaque step, since the other branch may change anything.
   */
  function resolveExpr(expression: ts.Expression, depth: number): ResolvedChain {
    const e = unwrap(expression);
    if (!ts.isConditionalExpression(e)) return resolve(parseChain(ctx, e, resolveObject), depth);
    const branches = [resolveExpr(e.whenTrue, depth + 1), resolveExpr(e.whenFalse, depth + 1)].filter((b) => b.root.kind !== "unknown");
    if (branches.length === 0) return { root: { kind: "unknown" }, steps: [] };
    // `opts.configure ? opts.configure(builder) : builder`: one branch extends the other; the longer says it all.
    const [a, b] = branches;
    if (a && b && a.root.kind === b.root.kind) {
      const [long, short] = a.steps.length >= b.steps.length ? [a, b] : [b, a];
      if (short.steps.every((st, i) => samePlace(st, long.steps[i]))) return long;
    }
    const line = ctx.sf.getLineAndCharacterOfPosition(e.getStart(ctx.sf)).line + 1;
    const escape = `the conditional on line ${line} may take a branch the analysis does not follow`;
    return { root: branches[0]!.root, steps: [...branches[0]!.steps, { method: "opaque", name: "conditional", escape, range: nodeRange(ctx, e) }] };
  }

  function resolve(chain: ChainSyntax, depth: number): ResolvedChain {
    const found = resolveRoot(chain, depth);
    if (found.root.kind !== "unknown" || !chain.firstCall || depth > MAX_DEPTH) return found;
    // `opts.configure(builder)`: not a builder method on an unknown root but a builder escaping into a call.
    const through = throughArgs(chain.firstCall, depth);
    return through ? { root: through.root, steps: [...through.steps, ...chain.steps.slice(1)] } : found;
  }

  function resolveRoot(chain: ChainSyntax, depth: number): ResolvedChain {
    const unknown: ResolvedChain = { root: { kind: "unknown" }, steps: chain.steps };
    if (depth > MAX_DEPTH) return unknown;
    const root = chain.root;
    if (root.kind === "builder") return { root, steps: chain.steps };
    const escaped = (): ResolvedChain => {
      if (root.kind !== "call" && root.kind !== "memberCall" && root.kind !== "unknownCall") return unknown;
      const through = throughArgs(root.node, depth);
      return through ? { root: through.root, steps: [...through.steps, ...chain.steps] } : unknown;
    };
    if (root.kind === "unknownCall") return escaped();
    if (root.kind === "memberCall") {
      const imp = facts.imports.get(root.namespace);
      return imp?.name === "*" ? { root: { kind: "import", module: imp.module, name: root.name }, steps: chain.steps } : escaped();
    }
    if (root.kind === "call") {
      const fn = functions.get(root.name);
      if (fn) {
        const ret = returnedExpression(fn);
        const inner = ret ? resolveExpr(ret, depth + 1) : null;
        if (!inner || inner.root.kind === "unknown") return escaped();
        return { root: inner.root, steps: [...inner.steps, ...chain.steps] };
      }
      const imp = facts.imports.get(root.name);
      return imp ? { root: { kind: "import", module: imp.module, name: imp.name }, steps: chain.steps } : escaped();
    }
    if (root.kind === "variable") {
      const decl = lastBefore(variables.get(root.name), root.pos);
      if (!decl?.initializer) return unknown;
      const inner = resolveExpr(decl.initializer, depth + 1);
      const between = [
        ...statementChains.filter((s) => s.name === root.name && s.pos > decl.getEnd() && s.pos < root.pos).map((s) => ({ pos: s.pos, steps: s.chain.steps })),
        ...escapeSites.filter((s) => s.name === root.name && s.pos > decl.getEnd() && s.pos < root.pos).map((s) => ({ pos: s.pos, steps: [s.step] })),
      ].sort((x, y) => x.pos - y.pos).flatMap((s) => s.steps);
      return { root: inner.root, steps: [...inner.steps, ...between, ...chain.steps] };
    }
    return unknown;
  }

  for (const [name, fn] of functions) {
    const ret = returnedExpression(fn);
    if (!ret) continue;
    const nameNode = ts.isFunctionDeclaration(fn) && fn.name ? fn.name : fn.parent && ts.isVariableDeclaration(fn.parent) ? fn.parent.name : fn;
    const made = reuseFor(ctx, fn, () => actionFromCall(ctx, ret, `${ctx.path}#${name}()`, nodeRange(ctx, nameNode)));
    if (made) {
      facts.actionFunctions.set(name, made);
      continue;
    }
    const inner = unwrap(ret);
    // Only helpers whose result is a builder (not one that ends in .build()).
    if (ts.isCallExpression(inner) && ts.isPropertyAccessExpression(inner.expression) && inner.expression.name.text === "build") continue;
    const chain = resolveExpr(ret, 1);
    if (chain.root.kind !== "unknown") facts.chainFunctions.set(name, chain);
  }

  // A run call belongs to an app only when its variable is that app's binding, in scope
  // there; a parameter of the same name could hold any app: say nothing.
  const sites = buildCalls.map((call) => ({ call, ...appName(ctx, call, variables) }));
  const runsOf = (bindings: ts.Identifier[]): RunCall[] =>
    runCalls
      .filter((r) => bindings.some((b) => b.text === r.variable && inScope(b, r.call)))
      .map((r) => readRun(ctx, r.call, r.method));

  for (const { call, name, bindings } of sites) {
    const chain = resolve(parseChain(ctx, (call.expression as ts.PropertyAccessExpression).expression, resolveObject), 0);
    if (chain.root.kind === "unknown") continue;
    facts.apps.push({ name, range: nodeRange(ctx, call), chain, runs: runsOf(bindings) });
  }
  for (const chain of [...facts.apps.map((a) => a.chain), ...facts.chainFunctions.values()]) {
    for (const step of chain.steps) {
      if (step.method !== "withActions") continue;
      for (const e of step.entries) if (e.ref?.kind === "inline" && !facts.inlineActions.includes(e.ref.def)) facts.inlineActions.push(e.ref.def);
    }
  }
  return facts;
}

const ALIASED: Record<string, "function" | "streaming" | "class" | "streamingClass"> = {
  action: "function",
  streamingAction: "streaming",
  Action: "class",
  StreamingAction: "streamingClass",
};

/** `const chatAction = action.withState<S>()` (or `Action.withState<S>()`, a class base): names that make actions as their base does. */
function factoryAliases(sf: ts.SourceFile): NonNullable<FileCtx["factories"]> {
  const out: NonNullable<FileCtx["factories"]> = new Map();
  for (const st of sf.statements) {
    if (!ts.isVariableStatement(st)) continue;
    for (const d of st.declarationList.declarations) {
      const init = d.initializer ? unwrap(d.initializer) : undefined;
      if (!ts.isIdentifier(d.name) || !init || !ts.isCallExpression(init) || !ts.isPropertyAccessExpression(init.expression)) continue;
      if (init.expression.name.text !== "withState" || !ts.isIdentifier(init.expression.expression)) continue;
      const base = init.expression.expression.text;
      const kind = Object.hasOwn(ALIASED, base) ? ALIASED[base] : undefined;
      if (kind) out.set(d.name.text, kind);
    }
  }
  return out;
}

function samePlace(a: ChainStep, b: ChainStep | undefined): boolean {
  return !!b && a.method === b.method && a.range.start.line === b.range.start.line && a.range.start.character === b.range.start.character;
}

/** The declaration of a name that a use at `pos` sees: before it, in a block that holds it. */
function lastBefore(decls: ts.VariableDeclaration[] | undefined, pos: number): ts.VariableDeclaration | undefined {
  let best: ts.VariableDeclaration | undefined;
  for (const d of decls ?? []) {
    if (d.getStart() >= pos || (best && d.getStart() <= best.getStart())) continue;
    const scope = ts.findAncestor(d, (n) => ts.isBlock(n) || ts.isSourceFile(n) || ts.isModuleBlock(n));
    if (scope && (pos < scope.pos || pos > scope.end)) continue;
    best = d;
  }
  return best;
}

/** The app's display name and the variables that hold it (for run calls). */
/** True when `use` sees the variable declared by `binding` (same or inner scope, after it, not shadowed by a parameter). */
function inScope(binding: ts.Identifier, use: ts.Node): boolean {
  const decl = binding.parent;
  const scope = ts.findAncestor(decl, (n) => ts.isBlock(n) || ts.isSourceFile(n) || ts.isModuleBlock(n));
  if (!scope || use.pos < decl.end || use.end > scope.end || use.pos < scope.pos) return false;
  for (let n: ts.Node | undefined = use.parent; n && n !== scope; n = n.parent) {
    if (ts.isFunctionLike(n) && n.parameters.some((p) => ts.isIdentifier(p.name) && p.name.text === binding.text)) return false;
  }
  return true;
}

function appName(ctx: FileCtx, build: ts.CallExpression, variables: Map<string, ts.VariableDeclaration[]>): { name: string; bindings: ts.Identifier[] } {
  let node: ts.Node = build;
  while (node.parent && (ts.isAwaitExpression(node.parent) || ts.isParenthesizedExpression(node.parent) || ts.isAsExpression(node.parent))) node = node.parent;
  const parent = node.parent;
  // The name a reader knows the app by: its literal app id, else the function that builds it, else its variable.
  const fn = ts.findAncestor(build, (a) => ts.isFunctionDeclaration(a) || ts.isArrowFunction(a) || ts.isFunctionExpression(a) || ts.isMethodDeclaration(a));
  let fnName: string | null = null;
  if (fn && (ts.isFunctionDeclaration(fn) || ts.isMethodDeclaration(fn)) && fn.name && ts.isIdentifier(fn.name)) fnName = fn.name.text;
  else if (fn && fn.parent && ts.isVariableDeclaration(fn.parent) && ts.isIdentifier(fn.parent.name)) fnName = fn.parent.name.text;
  const appId = literalAppId(build);
  if (parent && ts.isVariableDeclaration(parent) && ts.isIdentifier(parent.name)) return { name: appId ?? fnName ?? parent.name.text, bindings: [parent.name] };
  // Returned from a helper: the variables initialised by calling it hold the app.
  if (fnName) {
    const bindings: ts.Identifier[] = [];
    for (const decls of variables.values()) {
      for (const d of decls) {
        const init = d.initializer ? unwrap(d.initializer) : undefined;
        if (init && ts.isCallExpression(init) && ts.isIdentifier(init.expression) && init.expression.text === fnName && ts.isIdentifier(d.name)) bindings.push(d.name);
      }
    }
    return { name: appId ?? fnName, bindings };
  }
  const line = ctx.sf.getLineAndCharacterOfPosition(build.getStart(ctx.sf)).line + 1;
  return { name: appId ?? `app@${line}`, bindings: [] };
}

/** `.withIdentifiers({ appId: "support-bot" })` in the chain that ends in this build(): a name the user chose. */
function literalAppId(build: ts.CallExpression): string | null {
  let e: ts.Expression = build.expression;
  while (ts.isPropertyAccessExpression(e) || ts.isCallExpression(e) || ts.isParenthesizedExpression(e)) {
    if (ts.isCallExpression(e) && ts.isPropertyAccessExpression(e.expression) && e.expression.name.text === "withIdentifiers") {
      const arg = e.arguments[0] ? unwrap(e.arguments[0]) : undefined;
      const id = arg && ts.isObjectLiteralExpression(arg) ? objProp(arg, "appId") : undefined;
      if (id && isStringLike(id) && id.text.trim() !== "") return id.text;
    }
    e = ts.isPropertyAccessExpression(e) ? e.expression : ts.isCallExpression(e) ? e.expression : e.expression;
  }
  return null;
}

function readRun(ctx: FileCtx, call: ts.CallExpression, method: RunCall["method"]): RunCall {
  const range = nodeRange(ctx, (call.expression as ts.PropertyAccessExpression).name);
  const arg = call.arguments[0] ? unwrap(call.arguments[0]) : undefined;
  if (!arg) return { method, haltBefore: [], haltAfter: [], inputs: [], range };
  if (!ts.isObjectLiteralExpression(arg)) return { method, haltBefore: [], haltAfter: [], inputs: null, range };
  const names = (key: string): NameRef[] => stringArray(ctx, objProp(arg, key))?.items ?? [];
  const inputsNode = objProp(arg, "inputs");
  let inputs: string[] | null = [];
  if (inputsNode) {
    const obj = unwrap(inputsNode);
    if (ts.isObjectLiteralExpression(obj)) {
      const { keys, complete } = objectKeys(ctx, obj);
      inputs = complete ? keys.map((k) => k.name) : null;
    } else inputs = null;
  }
  const spread = arg.properties.some((p) => ts.isSpreadAssignment(p));
  return { method, haltBefore: names("haltBefore"), haltAfter: names("haltAfter"), inputs: spread ? null : inputs, range };
}

function readModuleShape(ctx: FileCtx, facts: FileFacts): void {
  const sf = ctx.sf;
  const isExported = (n: ts.Node): boolean =>
    ts.canHaveModifiers(n) && (ts.getModifiers(n) ?? []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
  const isDefault = (n: ts.Node): boolean =>
    ts.canHaveModifiers(n) && (ts.getModifiers(n) ?? []).some((m) => m.kind === ts.SyntaxKind.DefaultKeyword);
  for (const st of sf.statements) {
    if (ts.isImportDeclaration(st) && isStringLike(st.moduleSpecifier) && st.importClause) {
      const module = st.moduleSpecifier.text;
      const clause = st.importClause;
      if (clause.name) facts.imports.set(clause.name.text, { module, name: "default", range: nodeRange(ctx, clause.name) });
      const b = clause.namedBindings;
      if (b && ts.isNamespaceImport(b)) facts.imports.set(b.name.text, { module, name: "*", range: nodeRange(ctx, b.name) });
      if (b && ts.isNamedImports(b)) for (const el of b.elements) facts.imports.set(el.name.text, { module, name: (el.propertyName ?? el.name).text, range: nodeRange(ctx, el.name) });
    } else if (ts.isExportDeclaration(st)) {
      const module = st.moduleSpecifier && isStringLike(st.moduleSpecifier) ? st.moduleSpecifier.text : null;
      const clause = st.exportClause;
      if (module) {
        if (!clause) facts.reexports.push({ module, names: "all" });
        else if (ts.isNamedExports(clause)) facts.reexports.push({ module, names: new Map(clause.elements.map((el) => [el.name.text, (el.propertyName ?? el.name).text])) });
      } else if (clause && ts.isNamedExports(clause)) {
        for (const el of clause.elements) facts.exports.set(el.name.text, (el.propertyName ?? el.name).text);
      }
    } else if (ts.isExportAssignment(st) && ts.isIdentifier(st.expression)) {
      facts.exports.set("default", st.expression.text);
    } else if (ts.isVariableStatement(st) && isExported(st)) {
      for (const d of st.declarationList.declarations) if (ts.isIdentifier(d.name)) facts.exports.set(d.name.text, d.name.text);
    } else if ((ts.isFunctionDeclaration(st) || ts.isClassDeclaration(st)) && st.name && isExported(st)) {
      facts.exports.set(isDefault(st) ? "default" : st.name.text, st.name.text);
    }
  }
}

// Cross-file resolution: follows imports to action declarations and builder
// helpers in other modules, then folds each app's chain into an AppModel.
import type { ChainStep } from "./chain.js";
import type { DecoratedMethod } from "./decorated.js";
import type { FileFacts, ResolvedChain } from "./facts.js";
import { transitionEdges } from "./edges.js";
import { foldChain } from "./fold.js";
import type { ActionDef, ActionEntry, ActionRef, AppModel, AppSyntax } from "./types.js";
import type { ActionModel, GraphModel, TransitionModel } from "../../../runtime/src/graph/model.js";

export interface Workspace {
  facts(path: string): FileFacts | null;
  resolveModule(fromPath: string, specifier: string): string | null;
}

const MAX_HOPS = 8;

/** The facts and local name behind `name` exported from `path` (following re-exports and re-exported imports). */
function resolveExport(ws: Workspace, path: string, name: string, hops: number): { facts: FileFacts; local: string } | null {
  if (hops > MAX_HOPS) return null;
  const facts = ws.facts(path);
  if (!facts) return null;
  const local = facts.exports.get(name);
  if (local !== undefined) return followImport(ws, facts, local, hops + 1);
  for (const re of facts.reexports) {
    const target = re.names === "all" ? (name === "default" ? undefined : name) : re.names.get(name);
    if (target === undefined) continue;
    const p = ws.resolveModule(path, re.module);
    const found = p ? resolveExport(ws, p, target, hops + 1) : null;
    if (found) return found;
  }
  return null;
}

/** A local name, or where it was imported from when it is an import. */
function followImport(ws: Workspace, facts: FileFacts, local: string, hops: number): { facts: FileFacts; local: string } | null {
  const imp = facts.imports.get(local);
  if (!imp) return { facts, local };
  if (imp.name === "*" || hops > MAX_HOPS) return null;
  const p = ws.resolveModule(facts.path, imp.module);
  return p ? resolveExport(ws, p, imp.name, hops + 1) : null;
}

export function resolveActionRef(ws: Workspace, facts: FileFacts, ref: ActionRef | null): ActionDef | null {
  if (!ref) return null;
  if (ref.kind === "inline") return ref.def;
  let target: { facts: FileFacts; local: string } | null = null;
  if (ref.kind === "call") {
    const fn = followImport(ws, facts, ref.name, 0);
    return fn?.facts.actionFunctions.get(fn.local) ?? null;
  }
  if (ref.kind === "local") target = followImport(ws, facts, ref.name, 0);
  else if (ref.kind === "classNew") target = followImport(ws, facts, ref.className, 0);
  else {
    const ns = facts.imports.get(ref.namespace);
    const p = ns?.name === "*" ? ws.resolveModule(facts.path, ns.module) : null;
    target = p ? resolveExport(ws, p, ref.name, 0) : null;
  }
  if (!target) return null;
  const def = target.facts.actions.get(target.local);
  if (!def) return null;
  // `new X()` must name a class action, and a plain reference a function action.
  if ((ref.kind === "classNew") !== (def.isClass === true)) return null;
  return def;
}

/**
 * The decorated methods `actionsOf(new X())` yields, base classes first (an
 * override keeps its base's place), X resolved across modules; null when X, or
 * a class it extends, cannot be read.
 */
export function classActions(ws: Workspace, facts: FileFacts, className: string, hops = 0): DecoratedMethod[] | null {
  if (hops > MAX_HOPS) return null;
  const target = followImport(ws, facts, className, 0);
  const cls = target?.facts.decoratedClasses.get(target.local);
  if (!target || !cls || !cls.complete) return null;
  let inherited: DecoratedMethod[] = [];
  if (cls.base?.kind === "unknown") return null;
  if (cls.base) {
    let base: DecoratedMethod[] | null;
    if (cls.base.kind === "local") {
      base = classActions(ws, target.facts, cls.base.name, hops + 1);
      // A base with no decorated methods contributes none; one we cannot see at all may.
      const seen = followImport(ws, target.facts, cls.base.name, 0);
      if (!base && seen && !seen.facts.decoratedClasses.has(seen.local) && !seen.facts.imports.has(seen.local)) base = [];
    } else base = null;
    if (!base) return null;
    inherited = base;
  }
  const out = new Map<string, DecoratedMethod>();
  for (const m of [...inherited, ...cls.methods]) out.set(m.name, m);
  return [...out.values()];
}

/** A withActions step with its `actionsOf(...)` spreads replaced by the methods' entries (JS spread semantics: a later key wins, in the first one's place). */
function expandClasses(ws: Workspace, facts: FileFacts, step: ChainStep): ChainStep {
  if (step.method !== "withActions" || !step.classes) return step;
  let complete = step.complete;
  const byName = new Map<string, ActionEntry>();
  const put = (e: ActionEntry) => {
    byName.delete(e.name); // re-inserted below only if absent, so the first place is kept
    byName.set(e.name, e);
  };
  const ordered: ActionEntry[] = [];
  const spreadAt = (i: number) => step.classes!.filter((c) => c.index === i);
  for (let i = 0; i <= step.entries.length; i++) {
    for (const spread of spreadAt(i)) {
      const methods = spread.className ? classActions(ws, facts, spread.className) : null;
      if (!methods) { complete = false; continue; }
      for (const m of methods) ordered.push({ name: m.name, keyKind: m.nameKind, range: m.def.range, ref: { kind: "inline", def: m.def, boundInputs: [] } });
    }
    const e = step.entries[i];
    if (e) ordered.push(e);
  }
  // JS object literal semantics: a key keeps its first position and takes its last value.
  const firstIndex = new Map<string, number>();
  ordered.forEach((e, i) => { if (!firstIndex.has(e.name)) firstIndex.set(e.name, i); put(e); });
  const entries = [...byName.values()].sort((a, b) => firstIndex.get(a.name)! - firstIndex.get(b.name)!);
  return { ...step, entries, complete };
}

/** Steps of a chain whose root is a helper in another module, each with the file it was written in. */
function linkChain(ws: Workspace, facts: FileFacts, chain: ResolvedChain, hops: number): { steps: { step: ChainStep; origin: FileFacts }[]; known: boolean } {
  const own = chain.steps.map((step) => ({ step: expandClasses(ws, facts, step), origin: facts }));
  if (chain.root.kind === "builder") return { steps: own, known: true };
  if (chain.root.kind === "unknown" || hops > MAX_HOPS) return { steps: own, known: false };
  const p = ws.resolveModule(facts.path, chain.root.module);
  const target = p ? resolveExport(ws, p, chain.root.name, 0) : null;
  const helper = target?.facts.chainFunctions.get(target.local);
  if (!target || !helper) return { steps: own, known: false };
  const inner = linkChain(ws, target.facts, helper, hops + 1);
  return { steps: [...inner.steps, ...own], known: inner.known };
}

export interface LinkedApp {
  syntax: AppSyntax;
  defs: Map<ActionEntry, ActionDef>;
}

/** Every app built in a file; apps whose chain does not start at `new ApplicationBuilder()` are dropped. */
export function linkApps(ws: Workspace, facts: FileFacts): LinkedApp[] {
  const out: LinkedApp[] = [];
  for (const site of facts.apps) {
    const { steps, known } = linkChain(ws, facts, site.chain, 0);
    if (!known && site.chain.root.kind !== "builder") continue;
    const defs = new Map<ActionEntry, ActionDef>();
    for (const { step, origin } of steps) {
      if (step.method !== "withActions") continue;
      for (const e of step.entries) {
        const def = resolveActionRef(ws, origin, e.ref);
        if (def) defs.set(e, def);
      }
    }
    out.push({ syntax: foldChain(site.name, site.range, steps.map((s) => s.step), known, site.runs), defs });
  }
  return out;
}

export function graphOf(app: LinkedApp): GraphModel {
  const actions: ActionModel[] = app.syntax.actions.map((e) => {
    const def = app.defs.get(e);
    const bound = e.ref?.boundInputs ?? [];
    return {
      name: e.name,
      reads: def?.reads?.items.map((r) => r.name) ?? [],
      writes: def?.writes?.items.map((r) => r.name) ?? [],
      inputs: (def?.inputs?.items.map((r) => r.name) ?? []).filter((i) => !bound.includes(i)),
      optionalInputs: (def?.optionalInputs ?? []).filter((i) => !bound.includes(i)),
      streaming: def?.kind === "streaming",
      ...(def?.onError ? { capturesErrorsAs: def.onError.name } : {}),
      source: def?.range ?? e.range,
    };
  });
  const transitions: TransitionModel[] = transitionEdges(app.syntax).map(({ transition: t, from, wildcard }) => ({
    from: from.name, to: t.to.name, condition: t.condition, ...(t.keys ? { keys: t.keys } : {}), source: t.range,
    ...(wildcard ? { wildcard: true as const } : {}),
  }));
  return { entrypoint: app.syntax.entrypoint?.name ?? null, actions, transitions };
}

export function toAppModel(uri: string, app: LinkedApp, index: number, problems: AppModel["graphProblems"]): AppModel {
  const defsByName = new Map<string, ActionDef>();
  for (const [e, d] of app.defs) if (!defsByName.has(e.name)) defsByName.set(e.name, d);
  const name = app.syntax.name;
  return {
    id: `${uri}#${name}${index > 0 ? `:${index}` : ""}`,
    name, uri, range: app.syntax.range, graph: graphOf(app), graphProblems: problems, syntax: app.syntax, defs: defsByName,
  };
}

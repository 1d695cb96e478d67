// App-level problems: the runtime validator's findings placed on source
// ranges, plus what only the source shows (halt lists, run inputs). Checks
// that need a complete picture are skipped when the app is only partly visible.
import { requiredInputs } from "./actions.js";
import { closestName } from "./closest.js";
import { transitionEdges } from "./edges.js";
import { WILDCARD } from "../../../runtime/src/graph/wildcard.js";
import type { LinkedApp } from "./link.js";
import type { AnalysisProblem, NameRef, SourceRange } from "./types.js";
import type { GraphModel, GraphProblem } from "../../../runtime/src/graph/model.js";

export type GraphValidator = (graph: GraphModel, options: { appName?: string; initialStateKeys?: string[] }) => GraphProblem[];

/** Which validator findings can be trusted for this app, given what is statically visible. */
export function trusted(app: LinkedApp, p: GraphProblem): boolean {
  const s = app.syntax;
  switch (p.code) {
    case "duplicate-action":
      return true;
    case "unknown-action":
      return s.actionsComplete;
    case "missing-entrypoint":
      return s.chainComplete && s.entrypoint === null;
    case "unreachable-action":
    case "shadowed-transition":
    case "redundant-default":
      return s.chainComplete && s.actionsComplete && s.transitionsComplete && s.entrypoint !== null;
    case "never-written":
      return s.chainComplete && s.actionsComplete && s.initialStateKeys !== null && allWritesKnown(app);
    default:
      return true;
  }
}

function allWritesKnown(app: LinkedApp): boolean {
  return app.syntax.actions.every((e) => {
    const def = app.defs.get(e);
    return !!def && !!def.writes?.complete && !!def.reads?.complete;
  });
}

export function placeGraphProblems(app: LinkedApp, problems: GraphProblem[]): AnalysisProblem[] {
  const s = app.syntax;
  const sites = transitionEdges(s); // graph model transition index → its syntax
  const out: AnalysisProblem[] = [];
  const entryRange = (name: string | undefined): SourceRange => s.actions.find((a) => a.name === name)?.range ?? s.range;
  for (const p of problems) {
    if (!trusted(app, p)) continue;
    const base = { code: p.code, severity: p.severity, message: p.message, ...(p.action ? { action: p.action } : {}), ...(p.key ? { key: p.key } : {}) };
    const site = p.transition !== undefined ? sites[p.transition] : undefined;
    if (p.code === "unknown-action") {
      let ref: NameRef | undefined;
      if (site) ref = site.to.name === p.action ? site.to : site.from.name === p.action ? site.from : undefined;
      else if (s.entrypoint && s.entrypoint.name === p.action) ref = s.entrypoint;
      else ref = s.actions.find((a) => a.name === p.action); // a withActions key that cannot be a name ("*")
      const range = ref?.range ?? site?.range ?? s.range;
      const fix = ref && p.suggestion ? { title: `Change to "${p.suggestion}"`, range: ref.range, newText: p.suggestion } : undefined;
      out.push({ ...base, range, ...(fix ? { fix } : {}) });
    } else if (p.code === "duplicate-action") {
      const entries = s.actions.filter((a) => a.name === p.action);
      for (const e of entries.slice(1)) out.push({ ...base, range: e.range });
      if (entries.length < 2) out.push({ ...base, range: entries[0]?.range ?? s.range });
    } else if (site) {
      out.push({ ...base, range: site.range });
    } else if (p.code === "never-written" && p.action && p.key) {
      // At the key in the action's reads, when that declaration is in the app's file.
      const entry = s.actions.find((a) => a.name === p.action);
      const declared = entry ? app.defs.get(entry)?.reads?.items.find((r) => r.name === p.key) : undefined;
      const range = declared && declared.range.file === s.range.file ? declared.range : entryRange(p.action);
      out.push({ ...base, range, ...schemaHint(s.stateSchemaKeys, p.key, base.message, declared && declared.range === range ? range : null) });
    } else if (p.code === "missing-entrypoint") {
      out.push({ ...base, range: s.range });
    } else {
      out.push({ ...base, range: entryRange(p.action) });
    }
  }
  return dedupe(out);
}

/** With a zod state schema: say the schema declares the key, or suggest the schema key it was likely meant to be. */
function schemaHint(schemaKeys: string[] | null | undefined, key: string, message: string, keyRange: SourceRange | null): Partial<AnalysisProblem> {
  if (!schemaKeys) return {};
  if (schemaKeys.includes(key)) return { message: `${message} (The state schema declares "${key}", but nothing puts it in state.)` };
  const suggestion = closestName(key, schemaKeys);
  if (!suggestion) return { message: `${message} ("${key}" is not in the state schema either.)` };
  return {
    message: `${message} The state schema has no "${key}": did you mean "${suggestion}"?`,
    ...(keyRange ? { fix: { title: `Change to "${suggestion}"`, range: keyRange, newText: suggestion } } : {}),
  };
}

function dedupe(ps: AnalysisProblem[]): AnalysisProblem[] {
  const seen = new Set<string>();
  return ps.filter((p) => {
    const k = `${p.code}:${p.range.start.line}:${p.range.start.character}:${p.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/** Names in haltBefore/haltAfter that the app does not have. */
export function checkHaltNames(app: LinkedApp): AnalysisProblem[] {
  const s = app.syntax;
  if (!s.actionsComplete) return [];
  const names = s.actions.map((a) => a.name);
  const out: AnalysisProblem[] = [];
  for (const run of s.runs) {
    for (const [list, ref] of [...run.haltBefore.map((r) => ["haltBefore", r] as const), ...run.haltAfter.map((r) => ["haltAfter", r] as const)]) {
      if (names.includes(ref.name) || ref.name.startsWith("@tag:")) continue;
      if (ref.name === WILDCARD) {
        out.push({
          code: "unknown-action", severity: "error", range: ref.range, action: ref.name,
          message: `App "${s.name}": ${list} cannot hold "*": it only stands for "every action" as a transition's source. List the actions, or tag them and use "@tag:<name>".`,
        });
        continue;
      }
      const suggestion = closestName(ref.name, names);
      out.push({
        code: "unknown-action", severity: "error", range: ref.range, action: ref.name,
        message: `App "${s.name}": ${list} names action "${ref.name}", which the app does not have${suggestion ? `; did you mean "${suggestion}"?` : `; known actions: ${names.join(", ")}`}`,
        ...(suggestion ? { fix: { title: `Change to "${suggestion}"`, range: ref.range, newText: suggestion } } : {}),
      });
    }
  }
  return out;
}

/**
 * A run call that can reach an action needing an input it does not pass. Only
 * when the app has a single run call (so it starts at the entrypoint) and the
 * whole graph is visible.
 */
export function checkMissingInputs(app: LinkedApp): AnalysisProblem[] {
  const s = app.syntax;
  if (s.runs.length !== 1 || !s.chainComplete || !s.actionsComplete || !s.transitionsComplete || !s.entrypoint) return [];
  const run = s.runs[0]!;
  if (run.inputs === null) return [];
  const given = new Set(run.inputs);
  const before = new Set(run.haltBefore.map((r) => r.name));
  const after = new Set(run.haltAfter.map((r) => r.name));
  const edges = transitionEdges(s);
  const reached: string[] = [];
  const seen = new Set<string>();
  const queue = [s.entrypoint.name];
  while (queue.length > 0) {
    const name = queue.shift()!;
    if (seen.has(name)) continue;
    seen.add(name);
    if (before.has(name)) continue;
    reached.push(name);
    if (run.method === "step" || after.has(name)) continue;
    for (const e of edges) if (e.from.name === name) queue.push(e.to.name);
  }
  const out: AnalysisProblem[] = [];
  for (const name of reached) {
    const entry = s.actions.find((a) => a.name === name);
    const def = entry ? app.defs.get(entry) : undefined;
    if (!entry || !def) continue;
    const required = requiredInputs(def, entry.ref?.boundInputs ?? []);
    for (const input of required ?? []) {
      if (given.has(input)) continue;
      out.push({
        code: "missing-input", severity: "error", range: run.range, action: name, key: input,
        message: `App "${s.name}": ${run.method}() can reach action "${name}", which needs input "${input}": pass it as inputs: { ${input}: … }.`,
      });
    }
  }
  return out;
}

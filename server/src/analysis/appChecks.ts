// App-level problems: the runtime validator's findings placed on source
// ranges, plus what only the source shows (halt lists, run inputs). When the
// builder escapes (passed to a function, spread, ...) a finding the escape could
// undo is a warning that names the escape; what it cannot judge stays silent.
import { requiredInputs } from "./actions.js";
import { closestName } from "./closest.js";
import { transitionEdges } from "./edges.js";
import { WILDCARD } from "../../../runtime/src/graph/wildcard.js";
import type { LinkedApp } from "./link.js";
import type { AnalysisProblem, AppSyntax, BuilderEscape, NameRef, SourceRange } from "./types.js";
import type { GraphModel, GraphProblem } from "../../../runtime/src/graph/model.js";

export type GraphValidator = (graph: GraphModel, options: { appName?: string; initialStateKeys?: string[] }) => GraphProblem[];

/**
 * How far a validator finding can be trusted, given what is statically visible:
 * "sure" as the validator says it, "escaped" when only an escape of the builder
 * (see AppSyntax.escapes) could make it wrong (then a warning that says so), or
 * "silent" when the analysis cannot tell.
 */
export type Trust = "sure" | "escaped" | "silent";

export function trust(app: LinkedApp, p: GraphProblem): Trust {
  const s = app.syntax;
  // With no action in sight every name would be flagged: that is noise, not help.
  const escaped = (...adds: BuilderEscape["adds"][]): boolean => s.actions.length > 0 && s.escapes.some((e) => e.adds === "anything" || adds.includes(e.adds));
  const visibleEntry = s.entrypoint !== null && !s.initializedFrom;
  switch (p.code) {
    case "duplicate-action":
      return "sure";
    case "unknown-action":
      return s.actionsComplete ? "sure" : escaped("actions") ? "escaped" : "silent";
    case "missing-entrypoint":
      if (s.entrypoint !== null) return "silent";
      if (s.chainComplete) return "sure";
      // withEntrypoint(variable) or a persister may set it: say nothing.
      return escaped() && !s.initializedFrom && !s.calls.some((c) => c.method === "withEntrypoint") ? "escaped" : "silent";
    case "unreachable-action":
    case "shadowed-transition":
    case "redundant-default":
      // Actions added unseen (a spread) add no transitions: what is visible decides.
      if (s.chainComplete && s.transitionsComplete && s.entrypoint !== null) return "sure";
      return escaped("transitions") && visibleEntry ? "escaped" : "silent";
    case "never-written":
      // An escape may add state or a writer anywhere: too much unseen to warn about.
      return s.chainComplete && s.actionsComplete && s.initialStateKeys !== null && allWritesKnown(app) ? "sure" : "silent";
    default:
      return "sure";
  }
}

const COULD: Partial<Record<GraphProblem["code"], string>> = {
  "unknown-action": "could declare it",
  "missing-entrypoint": "could set it",
  "unreachable-action": "could add a transition to it",
  "shadowed-transition": "could change the transitions",
};

/** A finding the escape could make wrong: a warning, worded for what is visible, naming where the builder escapes. */
export function escapedMessage(s: AppSyntax, code: GraphProblem["code"], message: string): string {
  const relevant = s.escapes.filter((e) => e.adds === "anything" || e.adds === (code === "unknown-action" ? "actions" : "transitions"));
  const first = relevant[0];
  if (!first) return message;
  const more = relevant.length > 1 ? ` (and ${relevant.length - 1} more place${relevant.length > 2 ? "s" : ""})` : "";
  const worded = message
    .replace(", which is not an action.", ", which no withActions in sight declares.")
    .replace(/ is not an action\./, " is not declared by any withActions in sight.")
    .replace("which the app does not have", "which no withActions in sight declares");
  return `${/[.?]$/.test(worded) ? worded : `${worded}.`} Only a warning: ${first.what}${more}, which ${COULD[code] ?? "could change this"} where the analysis cannot see.`;
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
    const level = trust(app, p);
    if (level === "silent") continue;
    const worded = level === "escaped" ? { severity: "warning" as const, message: escapedMessage(s, p.code, p.message) } : { severity: p.severity, message: p.message };
    const base = { code: p.code, ...worded, ...(p.action ? { action: p.action } : {}), ...(p.key ? { key: p.key } : {}) };
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
  const level: Trust = s.actionsComplete ? "sure" : s.actions.length > 0 && s.escapes.some((e) => e.adds !== "transitions") ? "escaped" : "silent";
  if (level === "silent") return [];
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
      const message = `App "${s.name}": ${list} names action "${ref.name}", which the app does not have${suggestion ? `; did you mean "${suggestion}"?` : `; known actions: ${names.join(", ")}`}`;
      out.push({
        code: "unknown-action", range: ref.range, action: ref.name,
        ...(level === "escaped" ? { severity: "warning" as const, message: escapedMessage(s, "unknown-action", message) } : { severity: "error" as const, message }),
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

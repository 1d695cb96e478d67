// Breakpoints in burr terms: a source line maps to the action whose definition
// contains it, or the transition declared on it (the innermost range wins);
// function breakpoints name actions. Lines here are zero-based.
import { resolve } from "node:path";
import type { GraphModel, SourceRange } from "../../../runtime/src/graph/model.js";

export interface BreakpointOptions {
  condition?: string;
  hitCondition?: string;
  logMessage?: string;
}

export type BreakpointTarget =
  | { kind: "action"; appId: string; action: string }
  | { kind: "transition"; appId: string; from: string; to: string; transitionIndex: number };

export interface BurrBreakpoint extends BreakpointOptions {
  id: number;
  /** Line breakpoints: file and zero-based line. */
  file?: string;
  line?: number;
  /** Function breakpoints: the action name. */
  functionName?: string;
  verified: boolean;
  message?: string;
  targets: BreakpointTarget[];
  hits: number;
}

export function normalizeFile(file: string): string {
  return resolve(file.startsWith("file://") ? new URL(file).pathname : file);
}

function contains(range: SourceRange, file: string, line: number): boolean {
  return normalizeFile(range.file) === file && range.start.line <= line && line <= range.end.line;
}

function span(range: SourceRange): number {
  return range.end.line - range.start.line;
}

/** Maps every breakpoint against the apps known so far and sets verified/message/targets. */
export function mapBreakpoint(bp: BurrBreakpoint, apps: ReadonlyMap<string, GraphModel>, replay: boolean): void {
  bp.targets = [];
  if (bp.functionName !== undefined) {
    for (const [appId, graph] of apps) {
      if (graph.actions.some((a) => a.name === bp.functionName)) bp.targets.push({ kind: "action", appId, action: bp.functionName });
    }
    bp.verified = bp.targets.length > 0;
    bp.message = bp.verified ? undefined : apps.size === 0 ? "waiting for the app to be built" : `no action named "${bp.functionName}" in ${describeApps(apps)}`;
    return;
  }
  if (bp.file === undefined || bp.line === undefined) return;
  if (replay) {
    bp.verified = false;
    bp.message = "a replay runs no code: use a function breakpoint with the action's name";
    return;
  }
  // The innermost range wins; a line declaring several transitions (a list of sources) gets them all.
  let best: { targets: BreakpointTarget[]; size: number } | null = null;
  const consider = (range: SourceRange, target: BreakpointTarget) => {
    if (!contains(range, bp.file as string, bp.line as number)) return;
    const size = span(range);
    if (!best || size < best.size) best = { targets: [target], size };
    else if (size === best.size) best.targets.push(target);
  };
  for (const [appId, graph] of apps) {
    for (const action of graph.actions) if (action.source) consider(action.source, { kind: "action", appId, action: action.name });
    graph.transitions.forEach((t, transitionIndex) => {
      if (t.source) consider(t.source, { kind: "transition", appId, from: t.from, to: t.to, transitionIndex });
    });
  }
  const found = best as { targets: BreakpointTarget[]; size: number } | null;
  if (found) {
    bp.targets = found.targets;
    bp.verified = true;
    bp.message = undefined;
    return;
  }
  bp.verified = false;
  bp.message =
    apps.size === 0
      ? "waiting for the app to be built"
      : `line ${bp.line + 1} is not inside an action's definition or a transition of ${describeApps(apps)}`;
}

function describeApps(apps: ReadonlyMap<string, GraphModel>): string {
  return [...apps.keys()].map((id) => `app "${id}"`).join(", ");
}

/** DAP hit conditions: "5" (the 5th hit on), ">= 5", "> 5", "== 5", "< 5", "<= 5", "% 3". */
export function hitConditionHolds(hitCondition: string | undefined, hits: number): boolean {
  if (!hitCondition || !hitCondition.trim()) return true;
  const m = /^\s*(>=|<=|==|>|<|%|=)?\s*(\d+)\s*$/.exec(hitCondition);
  if (!m) throw new Error(`hit count "${hitCondition}" is not understood: use a number, or >=, >, ==, <, <= or % followed by a number`);
  const n = Number(m[2]);
  switch (m[1]) {
    case ">":
      return hits > n;
    case "<":
      return hits < n;
    case "<=":
      return hits <= n;
    case "==":
    case "=":
      return hits === n;
    case "%":
      return n > 0 && hits % n === 0;
    default:
      return hits >= n;
  }
}

/** Pieces of a logpoint message: text, and {expressions} to evaluate over the state. */
export function splitLogMessage(message: string): { text: string; expression: boolean }[] {
  const parts: { text: string; expression: boolean }[] = [];
  const re = /\{([^{}]+)\}/g;
  let last = 0;
  for (let m = re.exec(message); m; m = re.exec(message)) {
    if (m.index > last) parts.push({ text: message.slice(last, m.index), expression: false });
    parts.push({ text: m[1], expression: true });
    last = m.index + m[0].length;
  }
  if (last < message.length) parts.push({ text: message.slice(last), expression: false });
  return parts;
}

// When the runtime could not say where an action or transition is defined
// (no source, or a location inside the burr-ts package itself), find it in the
// program's own text: `const name = action(`, `name: action(`, `class name`,
// and the `["from", "to", …]` tuples of `.withTransitions(`. Light text
// matching, so only the launched file is searched.
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { GraphModel, SourceRange } from "../../../runtime/src/graph/model.js";

export function fillMissingSources(graph: GraphModel, programFile: string): GraphModel {
  const needs = (source: SourceRange | undefined) => !source || isInsideBurrPackage(source.file);
  if (!graph.actions.some((a) => needs(a.source)) && !graph.transitions.some((t) => needs(t.source))) return graph;
  let text: string;
  try {
    text = readFileSync(programFile, "utf8");
  } catch {
    return graph;
  }
  const lines = new LineIndex(text);
  const range = (start: number, end: number): SourceRange => ({ file: programFile, start: lines.position(start), end: lines.position(end) });
  const actions = graph.actions.map((a) => {
    if (!needs(a.source)) return a;
    const found = findAction(text, a.name);
    return found ? { ...a, source: range(found[0], found[1]) } : { ...a, source: undefined };
  });
  const tuples = findTransitionTuples(text);
  // A tuple with a list of sources declares one transition per source.
  const used = new Set<string>();
  const transitions = graph.transitions.map((t) => {
    if (!needs(t.source)) return t;
    const i = tuples.findIndex((tuple, k) => !used.has(`${k}:${t.from}`) && tuple.to === t.to && tuple.from.includes(t.from));
    if (i < 0) return { ...t, source: undefined };
    used.add(`${i}:${t.from}`);
    return { ...t, source: range(tuples[i].start, tuples[i].end) };
  });
  return { ...graph, actions, transitions };
}

const packageCache = new Map<string, boolean>();

/** True when the file lies in the burr-ts package (its package.json is named "burr-ts"). */
function isInsideBurrPackage(file: string): boolean {
  let dir = dirname(file);
  const seen: string[] = [];
  for (;;) {
    const cached = packageCache.get(dir);
    if (cached !== undefined) return remember(seen, cached);
    seen.push(dir);
    const manifest = join(dir, "package.json");
    if (existsSync(manifest)) {
      try {
        return remember(seen, (JSON.parse(readFileSync(manifest, "utf8")) as { name?: string }).name === "burr-ts");
      } catch {
        return remember(seen, false);
      }
    }
    const parent = dirname(dir);
    if (parent === dir) return remember(seen, false);
    dir = parent;
  }
}

function remember(dirs: string[], value: boolean): boolean {
  for (const d of dirs) packageCache.set(d, value);
  return value;
}

function escape(name: string): string {
  return name.replace(/[$]/g, "\\$");
}

function findAction(text: string, name: string): [number, number] | null {
  const n = escape(name);
  const direct = [
    new RegExp(`\\b(?:const|let|var)\\s+${n}\\s*(?::[^=]+)?=\\s*(?:streamingAction|action)\\b`),
    new RegExp(`(?:^|[\\s{,])${n}\\s*:\\s*(?:streamingAction|action)\\b`, "m"),
    new RegExp(`\\bclass\\s+${n}\\b`),
  ];
  for (const re of direct) {
    const m = re.exec(text);
    if (!m) continue;
    const start = m.index + m[0].search(/\S/);
    const end = closeOf(text, m.index + m[0].length, re === direct[2] ? "{" : "(");
    if (end !== null) return [start, end];
  }
  // withActions({ name: variable }) — follow the alias once.
  const alias = new RegExp(`(?:^|[\\s{,])${n}\\s*:\\s*([A-Za-z_$][\\w$]*)\\s*[,}\\n]`, "m").exec(text);
  if (alias && alias[1] !== name) return findAction(text, alias[1]);
  return null;
}

interface Tuple {
  from: string[];
  to: string;
  start: number;
  end: number;
}

function findTransitionTuples(text: string): Tuple[] {
  const tuples: Tuple[] = [];
  const call = /\.withTransitions\s*\(/g;
  for (let m = call.exec(text); m; m = call.exec(text)) {
    const end = closeOf(text, m.index + m[0].length - 1, "(") ?? text.length;
    const body = text.slice(m.index, end);
    const tuple = /\[\s*(?:(["'`])([\w$-]+)\1|\[([^\]]*)\])\s*,\s*(["'`])([\w$-]+)\4/g;
    for (let t = tuple.exec(body); t; t = tuple.exec(body)) {
      const start = m.index + t.index;
      const from = t[2] !== undefined ? [t[2]] : [...(t[3] ?? "").matchAll(/(["'`])([\w$-]+)\1/g)].map((x) => x[2]);
      tuples.push({ from, to: t[5], start, end: closeOf(text, start, "[") ?? start + t[0].length });
    }
  }
  return tuples;
}

/** Offset just past the bracket matching the first `open` at or after `from`; skips strings and comments. */
function closeOf(text: string, from: number, open: "(" | "{" | "["): number | null {
  const start = text.indexOf(open, from);
  if (start < 0) return null;
  let depth = 0;
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (c === '"' || c === "'" || c === "`") {
      for (i++; i < text.length && text[i] !== c; i++) if (text[i] === "\\") i++;
      continue;
    }
    if (c === "/" && text[i + 1] === "/") {
      i = text.indexOf("\n", i);
      if (i < 0) return null;
      continue;
    }
    if (c === "/" && text[i + 1] === "*") {
      i = text.indexOf("*/", i + 2) + 1;
      if (i <= 0) return null;
      continue;
    }
    if (c === "(" || c === "{" || c === "[") depth++;
    else if (c === ")" || c === "}" || c === "]") {
      depth--;
      if (depth === 0) return i + 1;
    }
  }
  return null;
}

class LineIndex {
  private readonly starts: number[] = [0];
  constructor(text: string) {
    for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) this.starts.push(i + 1);
  }
  position(offset: number): { line: number; character: number } {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo, character: offset - this.starts[lo] };
  }
}

// Where a user defined an action or called a builder method. Capturing an Error
// is cheap (V8 formats the stack only when .stack is read), so we keep the Error
// and parse it only when the graph model is built.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { SourceRange } from "../graph/model.js";

// Everything under the package folder is ours: dist/ and, when a loader such as
// tsx maps stack frames through source maps, src/. The first frame outside is the user's.
const packageRoot = fileURLToPath(new URL("../..", import.meta.url));

export class SourceSite {
  private resolved: SourceRange | null | undefined;
  constructor(private readonly error: Error) {}

  /** The user's call site; the range covers the whole call when the file can be read. */
  get range(): SourceRange | undefined {
    if (this.resolved === undefined) this.resolved = resolveSite(this.error);
    return this.resolved ?? undefined;
  }

  /** Ranges of each top-level argument of the call (for withTransitions' tuples). */
  argumentRanges(): SourceRange[] {
    const site = this.range;
    if (!site) return [];
    const text = readSource(site.file);
    if (text === null) return [];
    const call = scanCall(text, offsetOf(text, site.start.line, site.start.character));
    if (!call) return [];
    return call.args.map(([s, e]) => ({ file: site.file, start: positionOf(text, s), end: positionOf(text, e) }));
  }
}

export function captureSite(): SourceSite {
  return new SourceSite(new Error("definition site"));
}

const framePattern = /\(?((?:file:\/\/)?[^\s()]+):(\d+):(\d+)\)?$/;

function resolveSite(error: Error): SourceRange | null {
  const stack = error.stack;
  if (!stack) return null;
  for (const line of stack.split("\n").slice(1)) {
    const m = framePattern.exec(line.trim());
    if (!m) continue;
    let file = m[1];
    if (file.startsWith("node:") || file.includes("/node_modules/tsx/")) continue;
    if (file.startsWith("file://")) file = fileURLToPath(file);
    if (file.startsWith(packageRoot)) continue;
    const start = { line: Number(m[2]) - 1, character: Number(m[3]) - 1 };
    const text = readSource(file);
    if (text !== null) {
      const at = offsetOf(text, start.line, start.character);
      const call = scanCall(text, at);
      // A decorator (`@action({...})` above a method): the range runs to the method's end.
      const end = call && text[at - 1] === "@" ? (methodEnd(text, call.end) ?? call.end) : call?.end;
      if (end !== undefined) return { file, start: positionOf(text, at - (text[at - 1] === "@" ? 1 : 0)), end: positionOf(text, end) };
    }
    return { file, start, end: start };
  }
  return null;
}

const sourceCache = new Map<string, string | null>();
function readSource(file: string): string | null {
  if (!sourceCache.has(file)) {
    try {
      sourceCache.set(file, readFileSync(file, "utf8"));
    } catch {
      sourceCache.set(file, null);
    }
  }
  return sourceCache.get(file) ?? null;
}

function offsetOf(text: string, line: number, character: number): number {
  let offset = 0;
  for (let l = 0; l < line; l++) {
    const nl = text.indexOf("\n", offset);
    if (nl < 0) return text.length;
    offset = nl + 1;
  }
  return offset + character;
}

function positionOf(text: string, offset: number): { line: number; character: number } {
  let line = 0;
  let lineStart = 0;
  for (let i = text.indexOf("\n"); i >= 0 && i < offset; i = text.indexOf("\n", i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, character: offset - lineStart };
}

/**
 * From a call's position (at its callee name or `new`), finds the matching
 * parentheses and the top-level argument spans. Skips strings, templates and
 * comments; gives up (null) on anything it cannot follow.
 */
function scanCall(text: string, from: number): { end: number; args: [number, number][] } | null {
  // A class action's frame is its class declaration: the range is the class body.
  const isClass = text.startsWith("class", from);
  const open = isClass ? classBodyStart(text, from) : text.indexOf("(", from);
  if (open < 0 || (!isClass && open - from > 200)) return null;
  return matchBracket(text, open);
}

/** From an opening bracket: its matching close and the top-level comma-separated spans inside. */
function matchBracket(text: string, open: number): { end: number; args: [number, number][] } | null {
  const args: [number, number][] = [];
  let depth = 0;
  let argStart = -1;
  for (let i = open; i < text.length; i++) {
    const c = text[i];
    if (c === '"' || c === "'" || c === "`") {
      if (depth === 1 && argStart < 0) argStart = i;
      i = skipString(text, i, c);
      if (i < 0) return null;
      continue;
    }
    if (c === "/" && text[i + 1] === "/") {
      const nl = text.indexOf("\n", i);
      i = nl < 0 ? text.length : nl;
      continue;
    }
    if (c === "/" && text[i + 1] === "*") {
      const close = text.indexOf("*/", i + 2);
      if (close < 0) return null;
      i = close + 1;
      continue;
    }
    if (c === "(" || c === "[" || c === "{") {
      if (depth === 1 && argStart < 0) argStart = i;
      depth++;
      continue;
    }
    if (c === ")" || c === "]" || c === "}") {
      depth--;
      if (depth === 0) {
        if (argStart >= 0) args.push([argStart, trimEnd(text, i)]);
        return { end: i + 1, args };
      }
      continue;
    }
    if (depth === 1) {
      if (c === ",") {
        if (argStart >= 0) args.push([argStart, trimEnd(text, i)]);
        argStart = -1;
      } else if (argStart < 0 && !/\s/.test(c)) {
        argStart = i;
      }
    }
  }
  return null;
}

/**
 * The `{` opening a class body: the first one outside the heritage clause, which
 * may hold braces of its own (`extends Action.withState<{ n: number }>()({ reads })`).
 */
function classBodyStart(text: string, from: number): number {
  let depth = 0;
  for (let i = from; i < text.length && i - from <= 4000; i++) {
    const c = text[i];
    if (c === '"' || c === "'" || c === "`") {
      i = skipString(text, i, c);
      if (i < 0) return -1;
    } else if (c === "/" && (text[i + 1] === "/" || text[i + 1] === "*")) {
      const end = text[i + 1] === "/" ? text.indexOf("\n", i) : text.indexOf("*/", i + 2) + 1;
      if (end <= 0) return -1;
      i = end;
    } else if (c === "{" && depth === 0) {
      return i;
    } else if (c === "(" || c === "[" || c === "{" || c === "<") {
      depth++;
    } else if (c === ")" || c === "]" || c === "}" || (c === ">" && text[i - 1] !== "=")) {
      depth--;
    }
  }
  return -1;
}

/**
 * The end of the method a decorator stands over: past further decorators and
 * modifiers, the parameter list, and the body's matching brace. Null when the
 * text does not look like a method.
 */
function methodEnd(text: string, from: number): number | null {
  let i = from;
  for (let guard = 0; guard < 50; guard++) {
    while (i < text.length && /\s/.test(text[i]!)) i++;
    if (text[i] !== "@") break;
    const open = text.slice(i).search(/[(\n]/);
    if (open < 0 || text[i + open] !== "(") { i = text.indexOf("\n", i); continue; }
    const call = scanCall(text, i);
    if (!call) return null;
    i = call.end;
  }
  const params = text.indexOf("(", i);
  if (params < 0 || params - i > 300) return null;
  const afterParams = scanCall(text, params);
  if (!afterParams) return null;
  const body = classBodyStart(text, afterParams.end);
  if (body < 0) return null;
  return matchBracket(text, body)?.end ?? null;
}

function trimEnd(text: string, end: number): number {
  while (end > 0 && /\s/.test(text[end - 1])) end--;
  return end;
}

function skipString(text: string, start: number, quote: string): number {
  for (let i = start + 1; i < text.length; i++) {
    const c = text[i];
    if (c === "\\") {
      i++;
      continue;
    }
    if (c === quote) return i;
    if (quote === "`" && c === "$" && text[i + 1] === "{") {
      // Template expression: skip to its matching brace.
      let depth = 1;
      i += 2;
      for (; i < text.length && depth > 0; i++) {
        if (text[i] === "{") depth++;
        else if (text[i] === "}") depth--;
      }
      i--;
    }
    if (quote !== "`" && c === "\n") return -1;
  }
  return -1;
}

// The analysis host: ground truth is the text of every workspace file; facts
// and models are derived on demand and cached per file version. Parsed files
// live as long as the host; an edit re-parses only the changed file, and
// incrementally (TypeScript's incremental parser reuses the unchanged nodes).
// No program and no type checker are ever created.
import ts from "typescript";
import { dirname, join, normalize } from "node:path";
import { pathToFileURL } from "node:url";
import { checkAction } from "./actionChecks.js";
import { checkExprSyntax } from "./exprChecks.js";
import { checkHaltNames, checkMissingInputs, placeGraphProblems, type GraphValidator } from "./appChecks.js";
import { extractFacts, type FileFacts } from "./facts.js";
import { linkApps, resolveActionRef, toAppModel, type Workspace } from "./link.js";
import type { ActionImport, AnalysisProblem, AppModel, FileAnalysis } from "./types.js";
import { UsageIndex } from "./usages.js";
import type { GraphProblem } from "../../../runtime/src/graph/model.js";

/** Cheap pre-check: files that mention none of these are never parsed unless another file imports them. */
const MENTIONS_BURR = /burr|ApplicationBuilder|actionsOf|\bAction\b|\baction\s*\(|streamingAction|\.build\(\)|\.with(Actions|Transitions|Entrypoint|State)\(/;
const EXTENSIONS = [".ts", ".tsx", ".mts", ".cts", ".js", ".jsx", ".mjs", ".cjs"];

interface Entry {
  text: string;
  version: number;
  facts?: FileFacts;
  factsVersion?: number;
  /** The last facts extracted from a text that parsed cleanly. */
  lastGood?: FileFacts;
  /** Action declarations of the last extraction, for reuse (see FileCtx.reuse). */
  reuse?: Map<string, unknown>;
  parsedCleanly?: boolean;
}

export class AnalysisHost implements Workspace {
  /**
   * The syntax trees. Measured on the 2,000-line benchmark file: ts-morph's
   * replaceWithText costs ~130 ms per edit and re-creating the file ~50 ms;
   * ts.updateSourceFile on the changed span ~8 ms. So the host keeps the
   * compiler's trees itself, with the `typescript` package alone.
   */
  private readonly trees = new Map<string, { sf: ts.SourceFile; text: string }>();
  private readonly files = new Map<string, Entry>();
  /** Files known to exist whose text mentions no burr-ts API: not kept in memory, read only if another file imports them. */
  private readonly unloaded = new Set<string>();
  private version = 0;
  /** Which files' apps use which declarations, as of each file's last analysis. */
  readonly usages = new UsageIndex();

  /**
   * rethrow: let internal errors escape instead of keeping the last model (for fuzz tests, which must see them).
   * log: where an internal error that analysis survives is reported (the Burr output channel); stderr if absent.
   */
  constructor(
    private readonly validate: GraphValidator,
    private readonly options: { rethrow?: boolean; load?: (path: string) => string | null; log?: (message: string) => void } = {},
  ) {}

  /** Every error the analysis survives is said once per distinct message, with the file. */
  /** Logs each distinct error once per file (a stack overflow in one file must not hide another's). */
  private survived(err: unknown, path: string, what: string): void {
    const key = `${path}\0${err instanceof Error ? err.message : String(err)}`;
    if (this.said.has(key) || this.said.size >= 1000) return;
    this.said.add(key);
    const kind = err instanceof RangeError && /call stack/i.test(err.message) ? "the file nests too deeply to analyse (stack overflow)" : "internal error";
    const text = `burr analysis: ${kind} in ${path} (${what}; analysis continues): ${err instanceof Error ? err.stack ?? err.message : String(err)}`;
    (this.options.log ?? ((m: string) => console.error(m)))(text);
  }
  private readonly said = new Set<string>();

  /** A file seen on disk: kept when it may hold burr-ts code (or is already loaded), otherwise only remembered. */
  noteFile(path: string, text: string): void {
    const p = normalize(path);
    if (this.files.has(p) || MENTIONS_BURR.test(text)) this.setFile(p, text);
    else this.unloaded.add(p);
  }

  /** Sets a file's text (creating it). Returns false when the text is unchanged. */
  setFile(path: string, text: string): boolean {
    const p = normalize(path);
    const entry = this.files.get(p);
    if (entry && entry.text === text) return false;
    this.unloaded.delete(p);
    this.files.set(p, { ...entry, text, version: ++this.version });
    return true;
  }

  removeFile(path: string): void {
    const p = normalize(path);
    this.files.delete(p);
    this.unloaded.delete(p);
    this.trees.delete(p);
    this.usages.remove(p);
  }

  hasFile(path: string): boolean {
    const p = normalize(path);
    return this.files.has(p) || this.unloaded.has(p);
  }

  paths(): string[] {
    return [...this.files.keys()];
  }

  /** True when the file may hold burr-ts code (apps or actions). */
  mentionsBurr(path: string): boolean {
    const e = this.files.get(normalize(path));
    return !!e && MENTIONS_BURR.test(e.text);
  }

  resolveModule(fromPath: string, specifier: string): string | null {
    for (const c of moduleCandidates(fromPath, specifier)) if (this.files.has(c) || this.unloaded.has(c)) return c;
    return null;
  }

  facts(path: string): FileFacts | null {
    const p = normalize(path);
    if (!this.files.has(p) && this.unloaded.has(p)) {
      const text = this.options.load?.(p) ?? null;
      if (text === null) this.unloaded.delete(p);
      else this.setFile(p, text);
    }
    const entry = this.files.get(p);
    if (!entry) return null;
    if (entry.facts && entry.factsVersion === entry.version) return entry.facts;
    const sf = this.parse(p, entry.text);
    const uri = pathToFileURL(p).href;
    let facts: FileFacts;
    try {
      const kept = new Map<string, unknown>();
      facts = extractFacts({ sf, uri, path: p, ...(entry.reuse ? { reuse: entry.reuse } : {}), kept });
      facts.exprProblems = checkExprSyntax({ sf, uri, path: p });
      entry.reuse = kept;
    } catch (err) {
      // A construct the extractor did not foresee: keep what we had, never crash the server.
      if (this.options.rethrow) throw err;
      facts = entry.lastGood ?? emptyFacts(p, uri);
      this.survived(err, p, "kept its last good model");
    }
    const clean = parseErrorCount(sf) === 0;
    entry.parsedCleanly = clean;
    if (clean) entry.lastGood = facts;
    else if (entry.lastGood) facts = entry.lastGood; // while the file does not parse, keep its last good model
    entry.facts = facts;
    entry.factsVersion = entry.version;
    return facts;
  }

  /** The parsed text of a file as it is now (for completion), even when it does not parse cleanly. */
  sourceFile(path: string): ts.SourceFile | null {
    const p = normalize(path);
    if (!this.facts(p)) return null;
    return this.trees.get(p)?.sf ?? null;
  }

  private parse(path: string, text: string): ts.SourceFile {
    const old = this.trees.get(path);
    let sf: ts.SourceFile | null = null;
    if (old && old.text === text) sf = old.sf;
    else if (old) {
      const range = changeRange(old.text, text);
      if (incrementalIsSafe(old.text, text, range)) {
        try {
          sf = ts.updateSourceFile(old.sf, text, range);
          this.parseCounts.incremental++;
        } catch (err) {
          this.survived(err, path, "parsed in full instead of incrementally");
          sf = null;
        }
      }
    }
    if (!sf) {
      this.trees.delete(path); // a parse that overflows the stack must not leave the old tree behind
      sf = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, /* setParentNodes */ true);
      this.parseCounts.full++;
    }
    this.trees.set(path, { sf, text });
    return sf;
  }

  /** How many parses were incremental and how many full (for tests and benchmarks). */
  readonly parseCounts = { incremental: 0, full: 0 };

  /** Apps and problems of one file; never throws. */
  analyse(path: string): FileAnalysis {
    const p = normalize(path);
    const uri = pathToFileURL(p).href;
    const nothing = (parsed: boolean): FileAnalysis => {
      this.usages.remove(p);
      return { uri, apps: [], problems: [], actions: [], actionImports: [], parsed };
    };
    if (!this.files.has(p) || !this.mentionsBurr(p)) return nothing(true);
    try {
      const facts = this.facts(p);
      if (!facts) return nothing(true);
      const problems: AnalysisProblem[] = [];
      const apps: AppModel[] = [];
      const names = new Map<string, number>();
      for (const linked of linkApps(this, facts)) {
        const graphModelApp = toAppModel(uri, linked, names.get(linked.syntax.name) ?? 0, []);
        names.set(linked.syntax.name, (names.get(linked.syntax.name) ?? 0) + 1);
        const graphProblems = this.validate(graphModelApp.graph, {
          appName: linked.syntax.name,
          ...(linked.syntax.initialStateKeys ? { initialStateKeys: linked.syntax.initialStateKeys } : {}),
        });
        const placed = [...placeGraphProblems(linked, graphProblems), ...checkHaltNames(linked), ...checkMissingInputs(linked)];
        problems.push(...placed);
        const inActions = linked.syntax.actions.flatMap((e) => {
          const def = linked.defs.get(e);
          return def ? checkAction(def).map((p) => ({ ...p, action: e.name })) : [];
        });
        apps.push({ ...graphModelApp, graphProblems: [...placed, ...inActions].map(toGraphProblem) });
      }
      const decorated = [...facts.decoratedClasses.values()].flatMap((c) => c.methods.map((m) => m.def));
      const actions = [...facts.actions.values(), ...facts.inlineActions, ...facts.actionFunctions.values(), ...decorated];
      for (const def of actions) problems.push(...checkAction(def));
      problems.push(...(facts.exprProblems ?? []));
      this.usages.record(p, apps);
      return { uri, apps, problems, actions, actionImports: this.actionImports(facts), parsed: this.files.get(p)?.parsedCleanly ?? true };
    } catch (err) {
      if (this.options.rethrow) throw err;
      this.survived(err, p, "no apps reported for it");
      return nothing(false);
    }
  }

  /** Imported bindings this file's builder chains use as actions, with the declarations they name. */
  private actionImports(facts: FileFacts): ActionImport[] {
    const out = new Map<string, ActionImport>();
    for (const chain of [...facts.apps.map((a) => a.chain), ...facts.chainFunctions.values()]) {
      for (const step of chain.steps) {
        if (step.method !== "withActions") continue;
        for (const e of step.entries) {
          const ref = e.ref;
          const local = ref?.kind === "local" || ref?.kind === "call" ? ref.name : ref?.kind === "classNew" ? ref.className : null;
          const imp = local !== null ? facts.imports.get(local) : undefined;
          if (local === null || !imp || out.has(local)) continue;
          const def = resolveActionRef(this, facts, ref);
          if (def) out.set(local, { name: local, range: imp.range, def });
        }
      }
    }
    return [...out.values()];
  }

  /** Files whose analysis may change when `path` changes: itself and the files importing it (transitively). */
  dependents(path: string): string[] {
    const p = normalize(path);
    const out = new Set([p]);
    let grew = true;
    while (grew) {
      grew = false;
      for (const [other, entry] of this.files) {
        if (out.has(other) || !entry.facts) continue;
        // By candidate paths, not existing files: a deleted module's importers must be found too.
        const specifiers = [...entry.facts.imports.values(), ...entry.facts.reexports].map((i) => i.module);
        if (specifiers.some((s) => moduleCandidates(other, s).some((c) => out.has(c)))) { out.add(other); grew = true; }
      }
    }
    return [...out];
  }
}

function toGraphProblem(p: AnalysisProblem): GraphProblem {
  return {
    code: p.code, severity: p.severity, message: p.message,
    ...(p.action ? { action: p.action } : {}), ...(p.key ? { key: p.key } : {}),
    ...(p.fix && p.code === "unknown-action" ? { suggestion: p.fix.newText } : {}),
  };
}

/** Paths a relative import may name, in resolution order; none for packages. */
function moduleCandidates(fromPath: string, specifier: string): string[] {
  if (!specifier.startsWith(".")) return [];
  const base = join(dirname(fromPath), specifier);
  const stem = base.replace(/\.(m|c)?js$|\.jsx$/, "");
  return [base, ...EXTENSIONS.map((e) => stem + e), ...EXTENSIONS.map((e) => join(base, "index" + e))];
}

/** The one span that differs between two texts (common prefix and suffix stripped). */
function changeRange(before: string, after: string): ts.TextChangeRange {
  const max = Math.min(before.length, after.length);
  let start = 0;
  while (start < max && before.charCodeAt(start) === after.charCodeAt(start)) start++;
  let end = 0;
  while (end < max - start && before.charCodeAt(before.length - 1 - end) === after.charCodeAt(after.length - 1 - end)) end++;
  return { span: { start, length: before.length - end - start }, newLength: after.length - end - start };
}

/**
 * TypeScript's incremental parser reuses nodes around the edit; inside a very
 * long line or a huge list that search can take minutes (74 s measured on a
 * 500 KB file with a 100,000-element line), while a full parse is bounded
 * (~0.3 s per MB). So large files, large edits and edits to long lines are
 * parsed in full.
 */
export const INCREMENTAL_LIMITS = { maxFileChars: 256 * 1024, maxSpanChars: 16 * 1024, maxLineChars: 2000 };

function incrementalIsSafe(before: string, after: string, range: ts.TextChangeRange): boolean {
  const L = INCREMENTAL_LIMITS;
  if (after.length > L.maxFileChars || before.length > L.maxFileChars) return false;
  if (range.span.length > L.maxSpanChars || range.newLength > L.maxSpanChars) return false;
  const start = range.span.start;
  const lineStart = before.lastIndexOf("\n", start - 1) + 1;
  let lineEnd = before.indexOf("\n", start + range.span.length);
  if (lineEnd < 0) lineEnd = before.length;
  if (lineEnd - lineStart > L.maxLineChars) return false;
  // The inserted text may itself hold a long line.
  const inserted = after.slice(start, start + range.newLength);
  let longest = 0;
  for (const line of inserted.split("\n")) longest = Math.max(longest, line.length);
  return longest + (lineEnd - lineStart) <= L.maxLineChars;
}

function parseErrorCount(sf: ts.SourceFile): number {
  // parseDiagnostics is internal but stable; it is what tsc reports as syntax errors.
  const diags = (sf as unknown as { parseDiagnostics?: unknown[] }).parseDiagnostics;
  return diags?.length ?? 0;
}

function emptyFacts(path: string, uri: string): FileFacts {
  return { path, uri, imports: new Map(), exports: new Map(), reexports: [], actions: new Map(), decoratedClasses: new Map(), inlineActions: [], actionFunctions: new Map(), chainFunctions: new Map(), apps: [] };
}

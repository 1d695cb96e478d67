// Keeps the analysis host in step with the editor and the disk, and publishes
// diagnostics and graph changes. The only place URIs become paths.
import { readFileSync, statSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { Connection, TextDocuments } from "vscode-languageserver";
import type { TextDocument } from "vscode-languageserver-textdocument";
import { AnalysisHost } from "./analysis/host.js";
import type { GraphValidator } from "./analysis/appChecks.js";
import { occurrences } from "./analysis/occurrences.js";
import { helperWriting } from "./analysis/sharing.js";
import { walkWorkspace } from "./walk.js";
import type { ActionDef, AnalysisProblem, AppModel, FileAnalysis } from "./analysis/types.js";
import { toDiagnostics } from "./features/diagnostics.js";
import { graphResult } from "./features/graph.js";
import type { AppLookup, Use } from "./features/locate.js";
import { AnalysedNotification, GraphChangedNotification, type AnalysedParams } from "./protocol.js";

const SOURCE_FILE = /\.(ts|tsx|mts|cts|js|jsx|mjs|cjs)$/;
const MAX_FILE_BYTES = 2_000_000;
const MAX_FILES = 20_000;
/** Above this size (about 8,000 lines) a document is analysed after a pause in typing. */
const HUGE_FILE_CHARS = 400_000;
const HUGE_FILE_DELAY_MS = 300;
/** Files importing a changed one are re-checked after typing pauses. */
const DEPENDENTS_DELAY_MS = 150;

export function uriToPath(uri: string): string | null {
  if (!uri.startsWith("file:")) return null;
  try {
    return fileURLToPath(uri);
  } catch {
    return null;
  }
}

/** A file that vanished between listing and reading is normal; anything else is worth a line in the log. */
function unexpected(err: unknown): boolean {
  return !(typeof err === "object" && err !== null && "code" in err && (err as { code: unknown }).code === "ENOENT");
}

export class Session {
  readonly host: AnalysisHost;
  private readonly analyses = new Map<string, FileAnalysis>();
  private readonly published = new Map<string, string>();
  private readonly graphs = new Map<string, string>();
  private readonly pending = new Set<string>();
  /** For each analysed file: the other files in which its apps found problems. */
  private readonly foreignTargets = new Map<string, Set<string>>();
  private dependentsTimer: NodeJS.Timeout | null = null;
  private readonly changedSinceDependents = new Set<string>();
  /** Changed files whose importers have not been re-analysed yet (see settle). */
  private readonly unsettled = new Set<string>();
  private scanned = false;

  /** Cross-file lookups for the features, answered from the host's usage index. */
  readonly lookup: AppLookup = {
    usesOf: (def) => this.usesOf(def),
    appsAt: (uri) => this.appsAt(uri),
    helperAt: (range) => {
      const path = uriToPath(range.file);
      const facts = path ? this.host.facts(path) : null;
      return facts ? helperWriting(facts, range) : null;
    },
  };

  constructor(
    private readonly connection: Connection,
    private readonly documents: TextDocuments<TextDocument>,
    validate: GraphValidator,
  ) {
    this.host = new AnalysisHost(validate, { load: (p) => this.readSmallFile(p), log: (m) => connection.console.error(m) });
  }

  private readSmallFile(path: string): string | null {
    try {
      return statSync(path).size > MAX_FILE_BYTES ? null : readFileSync(path, "utf8");
    } catch (err) {
      if (unexpected(err)) this.connection.console.warn(`burr: cannot read ${path}: ${String(err)}`);
      return null;
    }
  }

  /** Reads every source file under the workspace roots (but what files.exclude and .gitignore leave out), then checks those that use burr-ts. */
  async scan(roots: string[], exclude: string[] = []): Promise<void> {
    const started = performance.now();
    const files = walkWorkspace(roots, { exclude, maxFiles: MAX_FILES, warn: (m) => this.connection.console.warn(m) });
    for (const f of files) {
      if (this.documents.get(pathToFileURL(f).href)) continue; // the editor's text wins
      this.readFromDisk(f);
    }
    let n = 0;
    for (const f of files) {
      if (!this.host.mentionsBurr(f)) continue;
      this.refresh(f);
      // Let requests in between files of a large workspace.
      if (++n % 20 === 0) await new Promise((r) => setImmediate(r));
    }
    this.scanned = true;
    const apps: Record<string, number> = {};
    const names: string[] = [];
    for (const [path, a] of this.analyses) {
      if (a.apps.length === 0) continue;
      apps[a.uri] = a.apps.length;
      names.push(...a.apps.map((app) => `${app.name} (${path})`));
    }
    const ms = Math.round(performance.now() - started);
    const count = names.length;
    this.connection.console.info(`burr: analysed ${n} of ${files.length} source files (those using burr-ts) in ${ms} ms; ${count} app${count === 1 ? "" : "s"}${count ? `: ${names.join(", ")}` : ""}`);
    const params: AnalysedParams = { files: files.length, analysed: n, apps, ms };
    void this.connection.sendNotification(AnalysedNotification, params);
  }

  private readFromDisk(path: string): boolean {
    try {
      if (statSync(path).size > MAX_FILE_BYTES) return false;
      this.host.noteFile(path, readFileSync(path, "utf8"));
      return true;
    } catch (err) {
      if (unexpected(err)) this.connection.console.warn(`burr: cannot read ${path}: ${String(err)}`);
      this.host.removeFile(path);
      return false;
    }
  }

  /**
   * An open document was opened or changed: analyse it on the next tick
   * (coalescing a burst of changes) and always publish, so the editor sees
   * the result of every edit; files importing it follow after a pause.
   */
  documentChanged(doc: TextDocument): void {
    const path = uriToPath(doc.uri);
    if (!path) return;
    this.host.setFile(path, doc.getText());
    this.analyses.delete(path);
    this.unsettled.add(path);
    if (!this.pending.has(path)) {
      this.pending.add(path);
      const run = (): void => {
        this.pending.delete(path);
        const started = performance.now();
        this.refresh(path, true);
        const a = this.analyses.get(path);
        if (a && a.apps.length + a.problems.length > 0) {
          const apps = a.apps.map((app) => app.name).join(", ");
          this.connection.console.log(`burr: analysed ${path} in ${(performance.now() - started).toFixed(1)} ms: ${a.apps.length} app${a.apps.length === 1 ? "" : "s"}${apps ? ` (${apps})` : ""}, ${a.problems.length} problem${a.problems.length === 1 ? "" : "s"}${a.parsed ? "" : "; it does not parse, the last good model is kept"}`);
        }
        this.scheduleDependents(path);
      };
      // Ordinary files: at once (a burst of changes in one read still coalesces). Huge files
      // cost more per analysis, so typing in them waits for a pause, as tsserver does.
      if (doc.getText().length > HUGE_FILE_CHARS) setTimeout(run, HUGE_FILE_DELAY_MS);
      else setImmediate(run);
    }
  }

  documentClosed(doc: TextDocument): void {
    const path = uriToPath(doc.uri);
    if (!path) return;
    this.readFromDisk(path); // a file deleted while open is forgotten here
    this.analyses.delete(path);
    if (this.host.hasFile(path)) this.refresh(path);
    else this.clear(doc.uri);
    this.scheduleDependents(path);
  }

  /** workspace/didChangeWatchedFiles: files changed on disk that are not open in the editor. */
  diskChanged(changes: { uri: string; deleted: boolean }[]): void {
    for (const c of changes) {
      const path = uriToPath(c.uri);
      if (!path || !SOURCE_FILE.test(path) || this.documents.get(c.uri)) continue;
      this.analyses.delete(path);
      if (c.deleted) {
        this.host.removeFile(path);
        this.clear(c.uri);
      } else if (this.readFromDisk(path) && this.host.mentionsBurr(path)) {
        this.refresh(path);
      }
      this.scheduleDependents(path);
    }
  }

  private scheduleDependents(path: string): void {
    this.changedSinceDependents.add(path);
    this.unsettled.add(path);
    if (this.dependentsTimer) clearTimeout(this.dependentsTimer);
    this.dependentsTimer = setTimeout(() => {
      this.dependentsTimer = null;
      const changed = [...this.changedSinceDependents];
      this.changedSinceDependents.clear();
      for (const p of changed) this.unsettled.delete(p);
      // The changed files too: a later change elsewhere may have changed what they import (published only if different).
      const todo = new Set(changed.flatMap((p) => this.host.dependents(p)));
      for (const p of todo) { this.analyses.delete(p); this.refresh(p); }
    }, DEPENDENTS_DELAY_MS);
  }

  /** The current analysis of a document (computed now if stale). */
  analysis(uri: string): FileAnalysis | null {
    const path = uriToPath(uri);
    if (!path) return null;
    const cached = this.analyses.get(path);
    if (cached) return cached;
    const doc = this.documents.get(uri);
    if (doc) this.host.setFile(path, doc.getText());
    else if (!this.host.hasFile(path)) this.readFromDisk(path);
    const a = this.host.analyse(path);
    this.analyses.set(path, a);
    return a;
  }

  /** Every app using a declaration, with its key there: the files come from the usage index. */
  private usesOf(def: ActionDef): Use[] {
    this.settle(uriToPath(def.range.file));
    const out: Use[] = [];
    for (const p of this.host.usages.usersOf(def.id)) {
      for (const app of this.analysis(pathToFileURL(p).href)?.apps ?? []) {
        for (const [name, d] of app.defs) if (d.id === def.id) out.push({ app, name });
      }
    }
    return out;
  }

  /** The apps built in a file and those built elsewhere that name actions in it (a builder helper). */
  private appsAt(uri: string): AppModel[] {
    this.settle(uriToPath(uri));
    const others = this.host.usages.appsWrittenIn(uri).flatMap((p) => this.analysis(pathToFileURL(p).href)?.apps ?? []);
    return [...(this.analysis(uri)?.apps ?? []), ...others.filter((app) => app.uri !== uri && occurrences(app).some((o) => o.range.file === uri))];
  }

  /**
   * Before a cross-file answer: files importing a just-changed one are normally
   * re-analysed after a pause (scheduleDependents); analyse them now so the
   * answer and the index reflect the edit. Publishing stays with the scheduled
   * refresh. While the first scan runs, importers of `path` not yet seen are analysed too.
   */
  private settle(path: string | null): void {
    const changed = [...this.unsettled];
    this.unsettled.clear();
    const todo = new Set(changed.flatMap((p) => this.host.dependents(p)));
    // One file changed (typing): its own analysis, if cached, is already of the new text.
    if (changed.length === 1 && this.analyses.has(changed[0]!)) todo.delete(changed[0]!);
    if (!this.scanned && path) for (const dep of this.host.dependents(path)) if (!this.analyses.has(dep)) todo.add(dep);
    for (const p of todo) {
      this.analyses.delete(p);
      if (this.host.mentionsBurr(p)) this.analyseInto(p);
    }
  }

  sourceFile(uri: string) {
    const path = uriToPath(uri);
    return path ? this.host.sourceFile(path) : null;
  }

  private refresh(path: string, force = false): void {
    const uri = pathToFileURL(path).href;
    const a = this.analyseInto(path);
    const before = this.foreignTargets.get(uri);
    this.publish(uri, a, force);
    // Problems this file's apps found in other files (a helper module's transitions) show there.
    for (const target of new Set([...(before ?? []), ...(this.foreignTargets.get(uri) ?? [])])) {
      const targetPath = uriToPath(target);
      if (targetPath && target !== uri) this.publish(target, this.analyses.get(targetPath) ?? this.analyseInto(targetPath), false);
    }
  }

  private analyseInto(path: string): FileAnalysis {
    const uri = pathToFileURL(path).href;
    const a = this.host.analyse(path);
    this.analyses.set(path, a);
    this.foreignTargets.set(uri, new Set(a.problems.map((p) => p.range.file).filter((f) => f !== uri)));
    return a;
  }

  /** A file's own problems and those that apps built in other files found in it. */
  problems(uri: string): AnalysisProblem[] {
    const path = uriToPath(uri);
    const own = this.analysis(uri)?.problems ?? [];
    if (!path) return own;
    // Importers not analysed yet (early in a workspace scan) are analysed now, so the answer does not depend on timing.
    for (const dep of this.host.dependents(path)) {
      if (dep !== path && !this.analyses.has(dep) && this.host.mentionsBurr(dep)) this.analyseInto(dep);
    }
    const foreign: AnalysisProblem[] = [];
    for (const [source, targets] of this.foreignTargets) {
      const sourcePath = source === uri ? null : uriToPath(source);
      if (!sourcePath || !targets.has(uri)) continue;
      for (const p of this.analyses.get(sourcePath)?.problems ?? []) if (p.range.file === uri) foreign.push(p);
    }
    return [...own, ...foreign];
  }

  private publish(uri: string, a: FileAnalysis, force: boolean): void {
    const diagnostics = toDiagnostics(uri, this.problems(uri));
    const json = JSON.stringify(diagnostics);
    if (force || this.published.get(uri) !== json) {
      this.published.set(uri, json);
      // The version tells the client which text of an open document these diagnostics are for.
      const version = this.documents.get(uri)?.version;
      void this.connection.sendDiagnostics({ uri, diagnostics, ...(version !== undefined ? { version } : {}) });
    }
    const graph = JSON.stringify(graphResult(a));
    const before = this.graphs.get(uri);
    if (before !== graph) {
      this.graphs.set(uri, graph);
      if (before !== undefined || a.apps.length > 0) {
        void this.connection.sendNotification(GraphChangedNotification, { uri });
      }
    }
  }

  private clear(uri: string): void {
    this.published.set(uri, "[]");
    void this.connection.sendDiagnostics({ uri, diagnostics: [] });
    if (this.graphs.get(uri) !== undefined) {
      this.graphs.delete(uri);
      void this.connection.sendNotification(GraphChangedNotification, { uri });
    }
  }
}

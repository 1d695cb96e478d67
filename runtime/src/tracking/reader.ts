// TrackingReader: lists and reads runs in a tracking directory written by
// burr-ts or Python Burr (both forms: full states and compact deltas). Bad
// files or lines become warnings; everything else is still returned.
import { closeSync, existsSync, openSync, readFileSync, readdirSync, statSync, type Stats } from "node:fs";
import { join } from "node:path";
import { homedir } from "node:os";
import { burrToGraph } from "./graphJson.js";
import { MAX_WARNINGS, parseLog } from "./logParser.js";
import { parseTime } from "./format.js";
import { summarizeTail, type TailSummary } from "./tail.js";
import {
  createAnnotation,
  deleteAnnotation,
  readAnnotations,
  updateAnnotation,
  type Annotation,
  type AnnotationCreate,
  type AnnotationFilter,
  type AnnotationUpdate,
} from "./annotations.js";
import type { AppRun, AppSummary, ChildPointer, RunPointer, ProjectSummary, ReadAppOptions } from "./types.js";

interface Metadata {
  partitionKey: string | null;
  parent: RunPointer | null;
  spawningParent: RunPointer | null;
}

function statOrNull(path: string): Stats | null {
  try {
    return statSync(path);
  } catch {
    return null;
  }
}

function listDirs(path: string): string[] {
  try {
    return readdirSync(path, { withFileTypes: true })
      .filter((d) => d.isDirectory() && !d.name.startsWith("."))
      .map((d) => d.name);
  } catch {
    return [];
  }
}

function toPointer(v: unknown): RunPointer | null {
  const p = v as Record<string, unknown> | null;
  if (!p || typeof p !== "object" || typeof p.app_id !== "string") return null;
  return {
    appId: p.app_id,
    sequenceId: typeof p.sequence_id === "number" ? p.sequence_id : null,
    partitionKey: typeof p.partition_key === "string" ? p.partition_key : null,
  };
}

export class TrackingReader {
  readonly storageDir: string;
  private readonly tails = new Map<string, { mtimeMs: number; size: number; summary: TailSummary }>();
  private readonly metadata = new Map<string, { value: Metadata; warnings: string[] }>();

  constructor(storageDir: string = join(homedir(), ".burr")) {
    this.storageDir = storageDir;
  }

  async listProjects(): Promise<ProjectSummary[]> {
    return listDirs(this.storageDir)
      .map((name) => {
        const dir = join(this.storageDir, name);
        return { name, appCount: listDirs(dir).length, lastWritten: statOrNull(dir)?.mtimeMs ?? 0 };
      })
      .sort((a, b) => b.lastWritten - a.lastWritten);
  }

  /** Newest first. Reads metadata.json and the end of each log only; results are cached by file size and time. */
  async listApps(project: string): Promise<AppSummary[]> {
    const projectDir = join(this.storageDir, project);
    const apps: AppSummary[] = [];
    for (const appId of listDirs(projectDir)) {
      const dir = join(projectDir, appId);
      const logPath = join(dir, "log.jsonl");
      const meta = this.readMetadata(dir);
      const warnings = [...meta.warnings];
      let steps = 0;
      let status: AppSummary["status"] = "completed";
      let lastWritten: number;
      const st = statOrNull(logPath);
      if (st) {
        lastWritten = st.mtimeMs;
        const cached = this.tails.get(logPath);
        let summary = cached && cached.mtimeMs === st.mtimeMs && cached.size === st.size ? cached.summary : null;
        if (!summary) {
          summary = this.summarize(logPath, st.size);
          this.tails.set(logPath, { mtimeMs: st.mtimeMs, size: st.size, summary });
        }
        steps = summary.steps;
        status = summary.status;
        for (const w of summary.warnings) warnings.push(w);
      } else lastWritten = statOrNull(dir)?.mtimeMs ?? 0;
      const app: AppSummary = { appId, partitionKey: meta.value.partitionKey, steps, lastWritten, status };
      if (warnings.length) app.warnings = warnings;
      apps.push(app);
    }
    return apps.sort((a, b) => b.lastWritten - a.lastWritten);
  }

  private summarize(logPath: string, size: number): TailSummary {
    if (size === 0) return { steps: 0, status: "completed", warnings: [], bytesRead: 0 };
    let fd: number | null = null;
    try {
      fd = openSync(logPath, "r");
      return summarizeTail(fd, size, logPath);
    } catch (err) {
      return { steps: 0, status: "completed", warnings: [`${logPath}: cannot read (${(err as Error).message})`], bytesRead: 0 };
    } finally {
      if (fd !== null) closeSync(fd);
    }
  }

  /** The directory of an app's run (for replay). */
  appDirectory(project: string, appId: string): string {
    return join(this.storageDir, project, appId);
  }

  async readApp(project: string, appId: string, options: ReadAppOptions = {}): Promise<AppRun> {
    const dir = this.appDirectory(project, appId);
    const warnings: string[] = [];
    if (!existsSync(dir)) throw new Error(`No tracked app "${appId}" in project "${project}" under ${this.storageDir}`);
    let graph: AppRun["graph"] = null;
    const graphPath = join(dir, "graph.json");
    try {
      graph = burrToGraph(JSON.parse(readFileSync(graphPath, "utf8")));
    } catch (err) {
      warnings.push(`${graphPath}: ${(err as NodeJS.ErrnoException).code === "ENOENT" ? "missing" : (err as Error).message}; the run is shown without its graph`);
    }
    const meta = this.readMetadata(dir);
    for (const w of meta.warnings) warnings.push(w);
    const logPath = join(dir, "log.jsonl");
    let text = "";
    try {
      text = readFileSync(logPath, "utf8");
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "ENOENT") warnings.push(`${logPath}: cannot read (${(err as Error).message})`);
    }
    const log = parseLog(text, logPath, options.states !== "delta");
    for (const w of log.warnings) warnings.push(w);
    return {
      graph,
      steps: log.steps,
      children: this.readChildren(join(dir, "children.jsonl"), warnings),
      warnings,
      partitionKey: meta.value.partitionKey,
      parent: meta.value.parent,
      spawningParent: meta.value.spawningParent,
      compact: log.compact,
    };
  }

  /**
   * Annotations of a project (Burr's annotations.jsonl), filtered by app,
   * partition key and step. Unreadable lines are skipped and reported to
   * `onWarning` (default console.warn).
   */
  async listAnnotations(project: string, filter: AnnotationFilter = {}): Promise<Annotation[]> {
    const { onWarning, ...rest } = filter;
    const { annotations, warnings } = await readAnnotations(this.storageDir, project, rest);
    for (const w of warnings) (onWarning ?? console.warn)(w);
    return annotations;
  }

  /** Annotates a step (or a span in it); returns the stored record with its id. */
  annotate(project: string, input: AnnotationCreate): Promise<Annotation> {
    return createAnnotation(this.storageDir, project, input);
  }

  /** Replaces the given fields of an annotation; throws if the id is unknown. */
  updateAnnotation(project: string, id: number, patch: AnnotationUpdate): Promise<Annotation> {
    return updateAnnotation(this.storageDir, project, id, patch);
  }

  deleteAnnotation(project: string, id: number): Promise<void> {
    return deleteAnnotation(this.storageDir, project, id);
  }

  /** metadata.json is written once per app (Burr never rewrites it), so it is read once per reader. */
  private readMetadata(dir: string): { value: Metadata; warnings: string[] } {
    const path = join(dir, "metadata.json");
    const cached = this.metadata.get(path);
    if (cached) return cached;
    const empty: Metadata = { partitionKey: null, parent: null, spawningParent: null };
    let text: string;
    try {
      text = readFileSync(path, "utf8");
    } catch {
      return { value: empty, warnings: [] };
    }
    let entry: { value: Metadata; warnings: string[] };
    try {
      const raw = JSON.parse(text) as Record<string, unknown>;
      entry = {
        value: {
          partitionKey: typeof raw.partition_key === "string" ? raw.partition_key : null,
          parent: toPointer(raw.parent_pointer),
          spawningParent: toPointer(raw.spawning_parent_pointer),
        },
        warnings: [],
      };
    } catch (err) {
      // Not cached: a metadata file caught mid-write reads fine next time.
      return { value: empty, warnings: [`${path}: unreadable (${(err as Error).message}); partition key and parent unknown`] };
    }
    this.metadata.set(path, entry);
    return entry;
  }

  private readChildren(path: string, warnings: string[]): ChildPointer[] {
    let text: string;
    try {
      text = readFileSync(path, "utf8");
    } catch {
      return [];
    }
    const out: ChildPointer[] = [];
    let bad = 0;
    text.split("\n").forEach((line, i) => {
      if (!line.trim()) return;
      try {
        const r = JSON.parse(line) as Record<string, unknown>;
        const child = toPointer(r.child);
        if (!child) throw new Error("no child pointer");
        out.push({
          appId: child.appId,
          partitionKey: child.partitionKey,
          sequenceId: typeof r.sequence_id === "number" ? r.sequence_id : null,
          eventType: typeof r.event_type === "string" ? r.event_type : "fork",
          eventTime: parseTime(r.event_time),
        });
      } catch (err) {
        bad++;
        if (bad <= MAX_WARNINGS) warnings.push(`${path}:${i + 1}: ${(err as Error).message}; line skipped`);
      }
    });
    if (bad > MAX_WARNINGS) warnings.push(`${path}: ...and ${(bad - MAX_WARNINGS).toLocaleString("en-US")} more problems (the first ${MAX_WARNINGS} are listed)`);
    return out;
  }
}

// Runs written by a local tracker (ours or Python Burr's) under one storage
// directory. Listing reads only metadata and each log's tail, cached by size
// and mtime, in chunks that yield to the event loop (the extension host stays
// responsive over 10,000 apps); reading a run is the runtime's TrackingReader.
import { closeSync, existsSync, openSync, promises as fs, readFileSync, readSync, statSync, type Dirent } from "node:fs";
import { join, resolve, sep } from "node:path";
import { TrackingReader } from "../../../../runtime/src/tracking/index.js";
import type { AppRun, AppStatus, AppSummary, ProjectSummary, RunStore } from "./types.js";

const TAIL_CHUNK = 64 * 1024;
const LIST_CONCURRENCY = 16;
const LIST_CHUNK = 500;

interface Cached {
  size: number;
  mtimeMs: number;
  summary: AppSummary;
}

export class TrackingDirStore implements RunStore {
  readonly kind = "trackingDir" as const;
  readonly id: string;
  readonly label: string;
  private readonly cache = new Map<string, Cached>();
  private readonly partitionKeys = new Map<string, string | null>();
  private readonly reader: TrackingReader;

  constructor(readonly storageDir: string) {
    this.storageDir = resolve(storageDir);
    this.id = `dir:${this.storageDir}`;
    this.label = this.storageDir;
    this.reader = new TrackingReader(this.storageDir);
  }

  async listProjects(): Promise<ProjectSummary[]> {
    const entries = await readDirOrExplain(this.storageDir, "tracking directory");
    const projects = entries.filter((e) => e.isDirectory() && !e.name.startsWith("."));
    const out = await mapLimit(projects, LIST_CONCURRENCY, async (e) => {
      const dir = join(this.storageDir, e.name);
      try {
        const [st, apps] = await Promise.all([fs.stat(dir), fs.readdir(dir, { withFileTypes: true })]);
        return { name: e.name, appCount: apps.filter((a) => a.isDirectory() && !a.name.startsWith(".")).length, lastWritten: st.mtimeMs };
      } catch {
        // Listed with no apps; opening it shows the real error on its node.
        return { name: e.name, appCount: 0, lastWritten: 0 };
      }
    });
    return out.sort((a, b) => b.lastWritten - a.lastWritten || a.name.localeCompare(b.name));
  }

  async listApps(project: string): Promise<AppSummary[]> {
    const dir = this.projectDir(project);
    const entries = await readDirOrExplain(dir, `project "${project}"`);
    const apps = entries.filter((e) => e.isDirectory() && !e.name.startsWith("."));
    const out: AppSummary[] = [];
    // Sync calls are several times faster than fs.promises for 10,000 tiny reads;
    // yielding between chunks keeps the extension host responsive.
    for (let i = 0; i < apps.length; i++) {
      if (i && i % LIST_CHUNK === 0) await new Promise((r) => setImmediate(r));
      out.push(this.summarise(join(dir, apps[i].name), apps[i].name));
    }
    return out.sort((a, b) => b.lastWritten - a.lastWritten || a.appId.localeCompare(b.appId));
  }

  /** Reading a whole run is the runtime's TrackingReader (full and compact logs alike). */
  async readApp(project: string, appId: string): Promise<AppRun> {
    const dir = this.appDirectory(project, appId);
    // States stay deltas until a step is opened (model/materialize.ts).
    const run = await this.reader.readApp(safeName(project, "project"), safeName(appId, "app id"), { states: "delta" });
    if (!run.steps.length && !existsSync(join(dir, "log.jsonl"))) run.warnings.push(`${join(dir, "log.jsonl")}: missing; no step was recorded`);
    return run;
  }

  async deleteApp(project: string, appId: string): Promise<void> {
    const dir = this.appDirectory(project, appId);
    const files = await fs.readdir(dir);
    if (!files.some((f) => f === "log.jsonl" || f === "graph.json")) {
      throw new Error(`Refusing to delete ${dir}: it holds no log.jsonl or graph.json, so it does not look like a tracked run`);
    }
    await fs.rm(dir, { recursive: true, force: true });
    this.cache.delete(dir);
  }

  appDirectory(project: string, appId: string): string {
    return join(this.projectDir(project), safeName(appId, "app id"));
  }

  private projectDir(project: string): string {
    return join(this.storageDir, safeName(project, "project"));
  }

  private summarise(dir: string, appId: string): AppSummary {
    const logPath = join(dir, "log.jsonl");
    let st: { size: number; mtimeMs: number };
    try {
      st = statSync(logPath);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      let dirMtime = 0;
      try {
        dirMtime = statSync(dir).mtimeMs;
      } catch {
        // reported below
      }
      return {
        appId, partitionKey: this.partitionKey(dir), steps: 0, lastWritten: dirMtime, status: "running",
        warnings: [code === "ENOENT" ? "log.jsonl is missing: no step recorded yet" : `log.jsonl cannot be read: ${(err as Error).message}`],
      };
    }
    const hit = this.cache.get(dir);
    if (hit && hit.size === st.size && hit.mtimeMs === st.mtimeMs) return hit.summary;
    const summary: AppSummary = { appId, partitionKey: this.partitionKey(dir), steps: 0, lastWritten: st.mtimeMs, status: "running" };
    try {
      const tail = lastStepRecord(logPath, st.size);
      if (tail) {
        summary.steps = tail.sequenceId + 1;
        summary.status = tail.status;
      }
    } catch (err) {
      summary.warnings = [`log.jsonl cannot be read: ${(err as Error).message}`];
    }
    if (!summary.warnings) this.cache.set(dir, { size: st.size, mtimeMs: st.mtimeMs, summary });
    return summary;
  }

  private partitionKey(dir: string): string | null {
    // metadata.json is written once, at app creation, so it is read once.
    if (this.partitionKeys.has(dir)) return this.partitionKeys.get(dir)!;
    let text: string;
    try {
      text = readFileSync(join(dir, "metadata.json"), "utf8");
    } catch {
      return null;
    }
    let key: string | null = null;
    try {
      key = (JSON.parse(text) as { partition_key?: string | null }).partition_key ?? null;
    } catch {
      key = null;
    }
    this.partitionKeys.set(dir, key);
    return key;
  }
}

/** Reads backwards from the end until the last begin_entry/end_entry line is found. */
// One scratch buffer: the tail read is synchronous, so it is never shared mid-use.
const tailBuffer = Buffer.allocUnsafe(TAIL_CHUNK);

function lastStepRecord(path: string, size: number): { sequenceId: number; status: AppStatus } | null {
  const buf = tailBuffer;
  const fd = openSync(path, "r");
  try {
    let start = size;
    let carry = "";
    while (start > 0) {
      const len = Math.min(TAIL_CHUNK, start);
      start -= len;
      readSync(fd, buf, 0, len, start);
      const text = buf.toString("utf8", 0, len) + carry;
      const lines = text.split("\n");
      // The first piece may be a partial line unless we reached the file start.
      carry = start > 0 ? lines.shift()! : "";
      for (let i = lines.length - 1; i >= 0; i--) {
        const found = classify(lines[i]);
        if (found) return found;
      }
    }
    return null;
  } finally {
    closeSync(fd);
  }
}

function classify(line: string): { sequenceId: number; status: AppStatus } | null {
  const head = line.slice(0, 40);
  const isBegin = head.includes('"begin_entry"');
  const isEnd = head.includes('"end_entry"');
  if (!isBegin && !isEnd) return null;
  let rec: { sequence_id?: unknown; exception?: unknown };
  try {
    rec = JSON.parse(line) as typeof rec;
  } catch {
    return null; // torn line of a step being written
  }
  if (typeof rec.sequence_id !== "number") return null;
  if (isBegin) return { sequenceId: rec.sequence_id, status: "running" };
  return { sequenceId: rec.sequence_id, status: typeof rec.exception === "string" ? "failed" : "completed" };
}

async function readDirOrExplain(dir: string, what: string): Promise<Dirent[]> {
  try {
    return await fs.readdir(dir, { withFileTypes: true });
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === "ENOENT") throw new Error(`No runs yet: the ${what} ${dir} does not exist. Run an app with withTracker("local", …) or set burr.trackingDir`);
    throw new Error(`The ${what} ${dir} cannot be read (${e.code ?? e.message}): check that it is a directory you may read`);
  }
}

function safeName(name: string, what: string): string {
  if (!name || name === "." || name === ".." || name.includes("/") || name.includes("\\") || name.includes(sep)) {
    throw new Error(`Invalid ${what} ${JSON.stringify(name)}: it must be a single directory name`);
  }
  return name;
}

async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]);
    }
  });
  await Promise.all(workers);
  return out;
}

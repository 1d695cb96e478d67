// The tracking directory as a runs UI source: TrackingReader for the data and
// non-recursive fs.watch for changes (recursive watches would cost one inotify
// watch per app directory; 10,000 apps exceed the default limit). Followed:
// the directory itself (projects), each project (apps come and go) and the
// apps someone looks at plus each project's newest ones (logs grow).
import { existsSync, statSync, watch, type FSWatcher } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileAnnotationStore, type AnnotationStore } from "../../tracking/annotations.js";
import { TrackingReader } from "../../tracking/reader.js";
import type { AppRun, AppSummary, ProjectSummary } from "../../tracking/types.js";
import { NotFoundError, type ChangeEvent, type UiSource } from "./sources.js";
import { segmentId } from "./validate.js";

/** How many apps per project are followed without being opened (the newest). */
const NEWEST_FOLLOWED = 16;
/** How many opened apps are followed at once (least recently opened dropped first). */
const OPENED_FOLLOWED = 64;
const DEBOUNCE_MS = 60;

export class TrackingDirUiSource implements UiSource {
  readonly kind = "trackingDir" as const;
  readonly label: string;
  private readonly reader: TrackingReader;
  private readonly dir: string;
  private listener: ((e: ChangeEvent) => void) | null = null;
  private readonly watchers = new Map<string, FSWatcher>();
  private readonly opened: string[] = [];
  private readonly newest = new Map<string, string[]>();
  private readonly pending = new Map<string, ChangeEvent>();
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    readonly id: string,
    dir: string,
  ) {
    this.dir = resolve(dir);
    this.label = this.dir;
    this.reader = new TrackingReader(this.dir);
  }

  listProjects(): Promise<ProjectSummary[]> {
    return this.reader.listProjects();
  }

  async listApps(project: string): Promise<AppSummary[]> {
    segmentId(project, "project");
    if (!existsSync(join(this.dir, project))) throw new NotFoundError(`No project "${project}" in ${this.dir}.`);
    const apps = await this.reader.listApps(project);
    this.newest.set(project, apps.slice(0, NEWEST_FOLLOWED).map((a) => a.appId));
    this.refollow();
    return apps;
  }

  async readApp(project: string, appId: string): Promise<AppRun> {
    segmentId(project, "project");
    segmentId(appId, "app");
    if (!existsSync(join(this.dir, project, appId))) throw new NotFoundError(`No app "${appId}" in project "${project}" under ${this.dir}.`);
    this.touch(project, appId);
    return this.reader.readApp(project, appId, { states: "delta" });
  }

  runVersion(project: string, appId: string): string | null {
    try {
      const st = statSync(join(this.dir, segmentId(project, "project"), segmentId(appId, "app"), "log.jsonl"));
      return `${st.size}:${st.mtimeMs}`;
    } catch {
      return null;
    }
  }

  annotations(project: string): AnnotationStore {
    return fileAnnotationStore(this.dir, segmentId(project, "project"));
  }

  touch(project: string, appId: string): void {
    const key = join(project, appId);
    const at = this.opened.indexOf(key);
    if (at >= 0) this.opened.splice(at, 1);
    this.opened.push(key);
    if (this.opened.length > OPENED_FOLLOWED) this.opened.shift();
    this.refollow();
  }

  watch(onChange: (e: ChangeEvent) => void): () => void {
    this.listener = onChange;
    // Until the storage dir exists, its parent is watched (see queue()).
    this.refollow();
    return () => {
      this.listener = null;
      for (const w of this.watchers.values()) w.close();
      this.watchers.clear();
      if (this.timer) clearTimeout(this.timer);
    };
  }

  private refollow(): void {
    if (!this.listener) return;
    const wanted = new Map<string, ChangeEvent>();
    const root = existsSync(this.dir) ? this.dir : dirname(this.dir);
    wanted.set(root, { source: this.id, project: null, appId: null });
    for (const project of this.newest.keys()) wanted.set(join(this.dir, project), { source: this.id, project, appId: null });
    const apps = new Set(this.opened);
    for (const [project, ids] of this.newest) for (const a of ids) apps.add(join(project, a));
    for (const key of apps) {
      const [project, appId] = key.split(/[/\\]/);
      wanted.set(join(this.dir, key), { source: this.id, project, appId });
    }
    for (const [path, w] of this.watchers) {
      if (!wanted.has(path)) {
        w.close();
        this.watchers.delete(path);
      }
    }
    for (const [path, event] of wanted) {
      if (this.watchers.has(path)) continue;
      try {
        const w = watch(path, { persistent: false }, () => this.queue(event));
        // A directory removed under us: forget the watch; the next listing re-adds what exists.
        w.on("error", () => {
          w.close();
          this.watchers.delete(path);
        });
        this.watchers.set(path, w);
      } catch {
        // Gone between listing and watching: nothing to follow.
      }
    }
  }

  private queue(e: ChangeEvent): void {
    this.pending.set(`${e.project}\u0000${e.appId}`, e);
    // The storage dir appearing for the first time: watch it instead of its parent.
    if (e.project === null && this.watchers.has(dirname(this.dir)) && existsSync(this.dir)) {
      this.watchers.get(dirname(this.dir))?.close();
      this.watchers.delete(dirname(this.dir));
      this.refollow();
    }
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      const events = [...this.pending.values()];
      this.pending.clear();
      for (const ev of events) this.listener?.(ev);
    }, DEBOUNCE_MS);
  }
}

// Follows a tracking directory cheaply: non-recursive fs.watch on the storage
// dir (projects come and go), on each project dir (apps appear) and on the app
// dirs a person can see (logs grow). Bursts of writes are debounced into one
// refresh per project.
import { existsSync, watch, type FSWatcher } from "node:fs";
import { dirname, join } from "node:path";

export interface WatchTarget {
  project: string;
  /** App directories whose logs are followed (the newest and running ones). */
  appIds: string[];
}

export class TrackingWatcher {
  private readonly watchers = new Map<string, FSWatcher>();
  private readonly pending = new Set<string | null>();
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly storageDir: string,
    /** project = null: the project list itself changed. */
    private readonly onChange: (projects: (string | null)[]) => void,
    private readonly debounceMs = 300,
  ) {}

  /** Watch exactly these; watches no longer needed are closed. */
  follow(projects: string[], targets: WatchTarget[]): void {
    const wanted = new Map<string, string | null>();
    // Before the first run there is no storage dir: watch its parent for it to appear.
    wanted.set(existsSync(this.storageDir) ? this.storageDir : dirname(this.storageDir), null);
    for (const p of projects) wanted.set(join(this.storageDir, p), p);
    for (const t of targets) for (const a of t.appIds) wanted.set(join(this.storageDir, t.project, a), t.project);
    for (const [path, w] of this.watchers) {
      if (!wanted.has(path)) {
        w.close();
        this.watchers.delete(path);
      }
    }
    for (const [path, project] of wanted) {
      if (this.watchers.has(path)) continue;
      try {
        const w = watch(path, { persistent: false }, () => this.schedule(project));
        w.on("error", () => {
          w.close();
          this.watchers.delete(path);
          this.schedule(project);
        });
        this.watchers.set(path, w);
      } catch {
        // Not there (yet): the parent's watch sees it appear.
      }
    }
  }

  get watchCount(): number {
    return this.watchers.size;
  }

  private schedule(project: string | null): void {
    this.pending.add(project);
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      const batch = [...this.pending];
      this.pending.clear();
      this.onChange(batch);
    }, this.debounceMs);
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    for (const w of this.watchers.values()) w.close();
    this.watchers.clear();
  }
}

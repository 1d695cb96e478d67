// Follows a tracking directory cheaply: non-recursive fs.watch on the storage
// dir (projects come and go), on each project dir (apps appear) and on the app
// dirs a person can see (logs grow). Bursts of writes are debounced into one
// refresh per project. SQLite persister databases are followed through their
// directory (the `-wal` file comes and goes with the writer; most steps land
// only in it until a checkpoint).
import { existsSync, watch, type FSWatcher } from "node:fs";
import { basename, dirname, join } from "node:path";

export interface WatchTarget {
  project: string;
  /** App directories whose logs are followed (the newest and running ones). */
  appIds: string[];
}

export class TrackingWatcher {
  private readonly watchers = new Map<string, FSWatcher>();
  private readonly pending = new Set<string | null>();
  private readonly pendingDbs = new Set<string>();
  /** Per directory holding followed databases: its watch and file name → database path. */
  private readonly dbDirs = new Map<string, { watcher: FSWatcher; files: Map<string, string> }>();
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly storageDir: string,
    /** project = null: the project list itself changed; databases: followed database paths whose file or log changed. */
    private readonly onChange: (projects: (string | null)[], databases: string[]) => void,
    private readonly debounceMs = 300,
  ) {}

  /** Watch exactly these; watches no longer needed are closed. */
  follow(projects: string[], targets: WatchTarget[], databases: string[] = []): void {
    this.followDatabases(databases);
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
    return this.watchers.size + this.dbDirs.size;
  }

  /** A change to `<db>` or `<db>-wal` reports `<db>`; `-shm` and other files are ignored. */
  private followDatabases(databases: string[]): void {
    const wanted = new Map<string, Map<string, string>>();
    for (const db of databases) {
      const files = wanted.get(dirname(db)) ?? new Map<string, string>();
      files.set(basename(db), db).set(`${basename(db)}-wal`, db);
      wanted.set(dirname(db), files);
    }
    for (const [dir, d] of this.dbDirs) {
      if (!wanted.has(dir)) {
        d.watcher.close();
        this.dbDirs.delete(dir);
      }
    }
    for (const [dir, files] of wanted) {
      const known = this.dbDirs.get(dir);
      if (known) {
        known.files = files;
        continue;
      }
      try {
        const entry = { watcher: watch(dir, { persistent: false }, (_event, name) => {
          const hits = name ? [entry.files.get(name.toString())] : [...new Set(entry.files.values())];
          for (const db of hits) if (db) this.schedule(undefined, db);
        }), files };
        entry.watcher.on("error", () => {
          entry.watcher.close();
          this.dbDirs.delete(dir);
        });
        this.dbDirs.set(dir, entry);
      } catch {
        // No such directory: the store shows its own error; the next follow() retries.
      }
    }
  }

  private schedule(project: string | null | undefined, database?: string): void {
    if (project !== undefined) this.pending.add(project);
    if (database) this.pendingDbs.add(database);
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      const batch = [...this.pending];
      const dbs = [...this.pendingDbs];
      this.pending.clear();
      this.pendingDbs.clear();
      this.onChange(batch, dbs);
    }, this.debounceMs);
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    for (const w of this.watchers.values()) w.close();
    this.watchers.clear();
    for (const d of this.dbDirs.values()) d.watcher.close();
    this.dbDirs.clear();
  }
}

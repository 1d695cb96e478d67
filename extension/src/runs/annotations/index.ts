// Where the extension reads and writes annotations: per run store and project,
// through the runtime's TrackingReader (Burr's annotations.jsonl in the
// tracking directory) or, for a PostgreSQL persister, the runtime's table
// beside the persister's (the one `burr-ts ui` writes too). Lists are cached per project until the project's files
// change (the tracking watcher reports it) or we write. No vscode import: the
// tree, the run view and tests share it.
import { stat } from "node:fs/promises";
import { annotationsPath } from "../../../../runtime/src/tracking/annotations.js";
import { TrackingReader } from "../../../../runtime/src/tracking/reader.js";
import type { Annotation as StoredAnnotation, AnnotationCreate, AnnotationUpdate } from "../../../../runtime/src/tracking/annotations.js";
import type { Annotation as ViewAnnotation } from "../../../../webview/src/protocol/runs.js";
import { PostgresStore } from "../stores/postgresStore.js";
import { TrackingDirStore } from "../stores/trackingDirStore.js";
import type { RunStore } from "../stores/types.js";

// The run view restates Burr's record (webview/src/protocol/runs.ts): these fail to compile if it drifts.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const sameRecord: Same<StoredAnnotation, ViewAnnotation> = true;
void sameRecord;

export type Annotation = StoredAnnotation;

/** The write side a UI needs, for one project of one store. */
export interface ProjectAnnotations {
  list(): Promise<Annotation[]>;
  create(input: AnnotationCreate): Promise<Annotation>;
  update(id: number, patch: AnnotationUpdate): Promise<Annotation>;
  delete(id: number): Promise<void>;
}

/** A step's identity inside a project, as annotations name it. */
export interface StepRef {
  appId: string;
  partitionKey: string | null;
  sequenceId: number;
}

export function stepKey(r: StepRef): string {
  return `${r.appId}\u0000${r.partitionKey ?? ""}\u0000${r.sequenceId}`;
}

/** Whether an annotation belongs to a step (Burr may write an empty partition key for none). */
export function isOfStep(a: Annotation, r: StepRef): boolean {
  return a.app_id === r.appId && a.step_sequence_id === r.sequenceId && (a.partition_key || null) === (r.partitionKey || null);
}

export class AnnotationIndex {
  private readonly readers = new Map<string, TrackingReader>();
  /** Per store and project: the listing, and the file's size and mtime when it was read. */
  private readonly cache = new Map<string, { list: Promise<Annotation[]>; path: string; seen: Promise<string> }>();
  private readonly listeners = new Set<(sourceId: string, project: string | null) => void>();

  /** Null when the store cannot hold annotations; then `readOnlyReason` says why. */
  forProject(store: RunStore, project: string): ProjectAnnotations | null {
    if (store instanceof PostgresStore) return this.inDatabase(store, project);
    const reader = this.readerOf(store);
    if (!reader) return null;
    const key = `${store.id}\u0000${project}`;
    const changed = <T>(p: Promise<T>) =>
      p.finally(() => {
        this.cache.delete(key);
        this.fire(store.id, project);
      });
    return {
      list: () => {
        let hit = this.cache.get(key);
        if (!hit) {
          const path = annotationsPath(reader.storageDir, project);
          // Stat before reading: a write in between makes the next invalidate read again, never miss one.
          const seen = signature(path);
          // A corrupt line is skipped by the reader; its warning goes to the log, the rest still shows.
          const list = seen.then(() => reader.listAnnotations(project, { onWarning: (w) => console.warn(`Burr annotations (${project}): ${w}`) }));
          hit = { list, path, seen };
          this.cache.set(key, hit);
          list.catch(() => this.cache.delete(key));
        }
        return hit.list;
      },
      create: (input) => changed(reader.annotate(project, input)),
      update: (id, patch) => changed(reader.updateAnnotation(project, id, patch)),
      delete: (id) => changed(reader.deleteAnnotation(project, id)),
    };
  }

  readOnlyReason(store: RunStore): string | null {
    if (this.readerOf(store) || store instanceof PostgresStore) return null;
    // The editor reads a SQLite file through sql.js, an in-memory copy: a write would not reach the file.
    return `${store.label} is read here from a copy of the file, so annotations cannot be written to it from the editor; annotate its runs in the browser with \`npx burr-ts ui --db <file>\`, which keeps them in a table beside the persister's.`;
  }

  /** A PostgreSQL persister's annotations: no file to stat, so every change this index makes is fired, and lists are read fresh. */
  private inDatabase(store: PostgresStore, project: string): ProjectAnnotations {
    const sql = store.annotations(project);
    const changed = <T>(p: Promise<T>) => p.finally(() => this.fire(store.id, project));
    return {
      list: () => sql.list(),
      create: (input) => changed(sql.create(input)),
      update: (id, patch) => changed(sql.update(id, patch)),
      delete: (id) => changed(sql.delete(id)),
    };
  }

  /**
   * Something in the project's folder changed (the tracking watcher: a run's log,
   * or annotations.jsonl by another writer such as Burr's UI). Reads again and
   * tells listeners only when annotations.jsonl itself changed. Null project:
   * every project of the store, unconditionally.
   */
  async invalidate(storeId: string, project: string | null): Promise<void> {
    if (project === null) {
      for (const k of [...this.cache.keys()]) if (k.startsWith(`${storeId}\u0000`)) this.cache.delete(k);
      this.fire(storeId, null);
      return;
    }
    const key = `${storeId}\u0000${project}`;
    const hit = this.cache.get(key);
    if (hit && (await hit.seen.catch(() => "")) === (await signature(hit.path))) return;
    if (this.cache.get(key) === hit) this.cache.delete(key);
    this.fire(storeId, project);
  }

  onDidChange(listener: (sourceId: string, project: string | null) => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  private fire(sourceId: string, project: string | null): void {
    for (const l of this.listeners) l(sourceId, project);
  }

  private readerOf(store: RunStore): TrackingReader | null {
    if (!(store instanceof TrackingDirStore)) return null;
    const dir = store.storageDir;
    let r = this.readers.get(dir);
    if (!r) this.readers.set(dir, (r = new TrackingReader(dir)));
    return r;
  }
}

/** Size and mtime of a file ("none" when absent): what tells a rewrite or an append. */
async function signature(path: string): Promise<string> {
  try {
    const st = await stat(path);
    return `${st.size}:${st.mtimeMs}`;
  } catch {
    return "none";
  }
}

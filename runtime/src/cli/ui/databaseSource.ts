// A persister database as a runs UI source: the runtime's PersistedRunReader
// over a QueryDriver (better-sqlite3 read-only, or a pg pool). Projects are
// partition keys. A SQLite file is followed through its directory (the -wal
// file takes most writes until a checkpoint); PostgreSQL is polled once a
// second with one aggregate query. Annotations go in a table beside the
// persister's (runtime/src/tracking/annotationsSql.ts); for SQLite through a
// second, writable connection opened on the first annotation request.
import { watch, type FSWatcher } from "node:fs";
import { basename, dirname, resolve } from "node:path";
import { openPgDriver, openWritableSqliteDriver } from "../../persistence/openDrivers.js";
import { openSqliteDriver } from "../../persistence/read/node.js";
import type { AnnotationStore } from "../../tracking/annotations.js";
import { sqlAnnotationStore } from "../../tracking/annotationsSql.js";
import { PersistedRunReader } from "../../persistence/read/runs.js";
import { checkTableName } from "../../persistence/read/tables.js";
import type { QueryDriver } from "../../persistence/read/driver.js";
import type { AppRun, AppSummary, ProjectSummary } from "../../tracking/types.js";
import type { ChangeEvent, SourceKind, UiSource } from "./sources.js";

const POLL_MS = 1000;
const DEBOUNCE_MS = 60;

class DatabaseUiSource implements UiSource {
  private readonly reader: PersistedRunReader;

  constructor(
    readonly id: string,
    readonly label: string,
    readonly kind: SourceKind,
    private readonly driver: QueryDriver,
    private readonly table: string,
    private readonly follow: (onChange: () => void) => () => void,
    private readonly release: () => Promise<void>,
    /** The driver annotations are written through (the reading one may be read-only). */
    private readonly writer: () => QueryDriver,
  ) {
    this.reader = new PersistedRunReader(driver, table);
  }

  listProjects(): Promise<ProjectSummary[]> {
    return this.reader.listProjects();
  }

  listApps(project: string): Promise<AppSummary[]> {
    return this.reader.listApps(project);
  }

  readApp(project: string, appId: string): Promise<AppRun> {
    return this.reader.readApp(project, appId);
  }

  annotations(project: string): AnnotationStore {
    return sqlAnnotationStore(this.writer(), { table: this.table, project });
  }

  watch(onChange: (e: ChangeEvent) => void): () => void {
    // Rows carry no cheap per-app change mark: say "something changed" and let the page refresh what it shows.
    return this.follow(() => onChange({ source: this.id, project: null, appId: null }));
  }

  close(): Promise<void> {
    return this.release();
  }

  /** A fingerprint of the table that changes with every saved step (PostgreSQL polling). */
  async fingerprint(): Promise<string> {
    const rows = await this.driver.query(`SELECT count(*) AS n, max(created_at) AS t FROM ${this.table}`);
    return JSON.stringify(rows[0] ?? null);
  }
}

function hideSecret(url: string): string {
  return url.replace(/\/\/([^:@/]*)(:[^@/]*)?@/, (_m, user: string) => `//${user}${user ? ":***" : ""}@`);
}

export async function databaseSource(id: string, spec: string, table = "burr_state"): Promise<UiSource> {
  checkTableName(table);
  if (/^postgres(ql)?:\/\//.test(spec)) {
    const driver = openPgDriver(spec);
    let stop = false;
    const source: DatabaseUiSource = new DatabaseUiSource(id, `${hideSecret(spec)} (${table})`, "postgres", driver, table, (onChange) => {
      let last: string | null = null;
      const tick = async () => {
        if (stop) return;
        try {
          const now = await source.fingerprint();
          if (last !== null && now !== last) onChange();
          last = now;
        } catch {
          // A table not created yet or a connection blip: try again next tick.
        }
        if (!stop) timer = setTimeout(tick, POLL_MS);
      };
      let timer: ReturnType<typeof setTimeout> = setTimeout(tick, 0);
      return () => {
        stop = true;
        clearTimeout(timer);
      };
    }, () => driver.close(), () => driver);
    await source.listProjects();
    return source;
  }
  const path = resolve(spec);
  const driver = openSqliteDriver(path);
  let writable: (QueryDriver & { close(): void }) | null = null;
  const writer = (): QueryDriver => (writable ??= openWritableSqliteDriver(path));
  const source = new DatabaseUiSource(id, `${path} (${table})`, "sqlite", driver, table, (onChange) => {
    let timer: ReturnType<typeof setTimeout> | null = null;
    const name = basename(path);
    let w: FSWatcher | null = null;
    try {
      w = watch(dirname(path), { persistent: false }, (_event, file) => {
        if (file !== null && !String(file).startsWith(name)) return;
        if (timer) return;
        timer = setTimeout(() => {
          timer = null;
          onChange();
        }, DEBOUNCE_MS);
      });
      w.on("error", () => w?.close());
    } catch {
      // The directory cannot be watched: the page still reads on demand.
    }
    return () => {
      w?.close();
      if (timer) clearTimeout(timer);
    };
  }, async () => {
    driver.close();
    writable?.close();
  }, writer);
  try {
    await source.listProjects();
  } catch (err) {
    driver.close();
    throw err;
  }
  return source;
}

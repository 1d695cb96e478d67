// A PostgreSQL persister database (pg is plain JavaScript, so it loads in any
// extension host), read by the runtime's PersistedRunReader. A server that is
// down shows as an error on this store only. Its runs' annotations live in a
// table beside the persister's.
import pg from "pg";
import { PersistedRunReader, type QueryDriver } from "../../../../runtime/src/persistence/read/index.js";
import { sqlAnnotationStore } from "../../../../runtime/src/tracking/annotationsSql.js";
import type { AnnotationStore } from "../../../../runtime/src/tracking/annotations.js";
import { splitTable } from "./databaseSpec.js";
import type { AppRun, AppSummary, ProjectSummary, RunStore } from "./types.js";

export class PostgresStore implements RunStore {
  readonly kind = "postgres" as const;
  readonly id: string;
  readonly label: string;
  private readonly url: string;
  private readonly table: string;
  private readonly reader: PersistedRunReader;

  constructor(spec: string) {
    const { target, table } = splitTable(spec);
    this.url = target;
    this.table = table;
    this.id = `pg:${spec}`;
    this.label = `${redact(target)} (PostgreSQL, ${table})`;
    this.reader = new PersistedRunReader(this.driver(), table);
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

  async deleteApp(): Promise<void> {
    throw new Error(`Runs in ${redact(this.url)} are read-only here: delete them through your app's persister`);
  }

  /** Annotations of this database's runs, in `<table>_annotations` beside the persister's table (as `burr-ts ui` keeps them). */
  annotations(project: string): AnnotationStore {
    return sqlAnnotationStore(this.driver(), { table: this.table, project });
  }

  /** One short-lived connection per query: the view reads rarely, and a server restart between reads is harmless. */
  private driver(): QueryDriver {
    const url = this.url;
    const table = this.table;
    return {
      dialect: "postgres",
      async query(sql, params = []) {
        const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
        try {
          await client.connect();
        } catch (err) {
          throw new Error(`PostgreSQL at ${redact(url)} cannot be reached (${(err as Error).message}): is the server up? check burr.persisterDatabases`);
        }
        try {
          return (await client.query(sql, [...params])).rows as Record<string, unknown>[];
        } catch (err) {
          throw new Error(`PostgreSQL at ${redact(url)}: table "${table}" cannot be read (${(err as Error).message})`);
        } finally {
          await client.end().catch(() => undefined);
        }
      },
    };
  }
}

function redact(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, "//$1:***@");
}

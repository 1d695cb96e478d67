// Annotations of runs that live only in a persister database: a table beside
// the persister's (`<table>_annotations`, e.g. burr_state_annotations) holding
// the same AnnotationOut records as annotations.jsonl, tags and observations
// as JSON text. Works over any QueryDriver (better-sqlite3, pg, sql.js).
import type { QueryDriver } from "../persistence/read/driver.js";
import { sqlText } from "../persistence/read/driver.js";
import {
  checkObservation,
  parseAnnotation,
  type Annotation,
  type AnnotationCreate,
  type AnnotationFilter,
  type AnnotationStore,
  type AnnotationUpdate,
} from "./annotations.js";

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,47}$/;

export interface SqlAnnotationOptions {
  /** The persister's table (default "burr_state"); annotations go in `<table>_annotations`. */
  table?: string;
  /** What the runs UI calls the project (for persister runs: the partition key's project). */
  project: string;
}

/** The annotations table's name beside a persister table. */
export function annotationsTable(persisterTable = "burr_state"): string {
  const name = `${persisterTable}_annotations`;
  if (!IDENTIFIER.test(persisterTable) || !IDENTIFIER.test(name)) {
    throw new Error(`Annotations beside persister table ${JSON.stringify(persisterTable)}: the table name must be 1-36 letters, digits or "_" (it gets the suffix "_annotations")`);
  }
  return name;
}

function schema(table: string): string {
  return `CREATE TABLE IF NOT EXISTS ${table} (
  id INTEGER PRIMARY KEY, project_id TEXT NOT NULL, app_id TEXT NOT NULL, partition_key TEXT,
  step_sequence_id INTEGER NOT NULL, span_id TEXT, step_name TEXT NOT NULL,
  tags TEXT NOT NULL, observations TEXT NOT NULL, created TEXT NOT NULL, updated TEXT NOT NULL)`;
}

const COLUMNS = "id, project_id, app_id, partition_key, step_sequence_id, span_id, step_name, tags, observations, created, updated";

function fromRow(row: Record<string, unknown>): Annotation {
  const json = (k: string): unknown => {
    const v = row[k];
    if (typeof v !== "string") throw new Error(`${k} is not JSON text`);
    return JSON.parse(v) as unknown;
  };
  // One validation for both stores: the row as the JSON line it stands for.
  return parseAnnotation(
    JSON.stringify({
      ...row,
      id: Number(row.id),
      step_sequence_id: Number(row.step_sequence_id),
      tags: json("tags"),
      observations: json("observations"),
    }),
  );
}

function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown };
  return e?.code === "23505" || e?.code === "SQLITE_CONSTRAINT_PRIMARYKEY" || /UNIQUE constraint failed|duplicate key/i.test(String(e?.message));
}

/** Annotations in a table beside a persister's, for runs that have no tracking directory. */
export function sqlAnnotationStore(driver: QueryDriver, options: SqlAnnotationOptions): AnnotationStore {
  const table = annotationsTable(options.table);
  const project = options.project;
  const q = (sql: string, params: readonly unknown[] = []) => driver.query(sqlText(driver.dialect, sql), params);
  let created = false;
  const ensure = async () => {
    if (created) return;
    await q(schema(table));
    created = true;
  };
  const exists = async (): Promise<boolean> => {
    if (created) return true;
    const rows =
      driver.dialect === "sqlite"
        ? await q("SELECT name FROM sqlite_master WHERE type = 'table' AND name = ?", [table])
        : await q("SELECT table_name FROM information_schema.tables WHERE table_name = ? AND table_schema = ANY (current_schemas(false))", [table]);
    return rows.length > 0;
  };
  const one = async (id: number): Promise<Annotation | null> => {
    const rows = await q(`SELECT ${COLUMNS} FROM ${table} WHERE project_id = ? AND id = ?`, [project, id]);
    return rows[0] ? fromRow(rows[0]) : null;
  };
  const notFound = (id: number) => new Error(`Annotation ${id} not found in project "${project}" (table ${table})`);

  return {
    async list(filter: AnnotationFilter = {}) {
      if (!(await exists())) return [];
      const where = ["project_id = ?"];
      const params: unknown[] = [project];
      if (filter.appId !== undefined) (where.push("app_id = ?"), params.push(filter.appId));
      if (filter.partitionKey === null) where.push("partition_key IS NULL");
      else if (filter.partitionKey !== undefined) (where.push("partition_key = ?"), params.push(filter.partitionKey));
      if (filter.stepSequenceId !== undefined) (where.push("step_sequence_id = ?"), params.push(filter.stepSequenceId));
      const rows = await q(`SELECT ${COLUMNS} FROM ${table} WHERE ${where.join(" AND ")} ORDER BY id`, params);
      const out: Annotation[] = [];
      for (const row of rows) {
        try {
          out.push(fromRow(row));
        } catch (err) {
          (filter.onWarning ?? console.warn)(`${table} row id ${String(row.id)}: ${(err as Error).message}; annotation skipped`);
        }
      }
      return out;
    },

    async create(input: AnnotationCreate) {
      if (!input.appId) throw new Error(`annotate (project "${project}"): appId is required`);
      if (!Number.isInteger(input.stepSequenceId) || input.stepSequenceId < 0) throw new Error(`annotate (project "${project}", app "${input.appId}"): stepSequenceId must be a non-negative integer`);
      if (!input.stepName) throw new Error(`annotate (project "${project}", app "${input.appId}", step ${input.stepSequenceId}): stepName is required`);
      if (!Array.isArray(input.tags) || input.tags.some((t) => typeof t !== "string")) throw new Error(`annotate (app "${input.appId}", step ${input.stepSequenceId}): tags must be an array of strings`);
      const observations = input.observations.map((o, i) => checkObservation(o, `annotate (app "${input.appId}", step ${input.stepSequenceId}) observations[${i}]`));
      await ensure();
      const now = new Date().toISOString();
      // Burr's rule, id = max + 1, in one statement; two writers racing for an id retry.
      for (let attempt = 0; ; attempt++) {
        try {
          const rows = await q(
            `INSERT INTO ${table} (${COLUMNS}) SELECT COALESCE(MAX(id), -1) + 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ? FROM ${table} RETURNING ${COLUMNS}`,
            [project, input.appId, input.partitionKey ?? null, input.stepSequenceId, input.spanId ?? null, input.stepName, JSON.stringify(input.tags), JSON.stringify(observations), now, now],
          );
          return fromRow(rows[0]!);
        } catch (err) {
          if (!isUniqueViolation(err) || attempt >= 10) throw err;
        }
      }
    },

    async update(id: number, patch: AnnotationUpdate) {
      const current = (await exists()) ? await one(id) : null;
      if (!current) throw notFound(id);
      const observations = patch.observations?.map((o, i) => checkObservation(o, `updateAnnotation ${id} observations[${i}]`)) ?? current.observations;
      const rows = await q(`UPDATE ${table} SET tags = ?, observations = ?, span_id = ?, step_name = ?, updated = ? WHERE project_id = ? AND id = ? RETURNING ${COLUMNS}`, [
        JSON.stringify(patch.tags ?? current.tags),
        JSON.stringify(observations),
        patch.spanId === undefined ? current.span_id : patch.spanId,
        patch.stepName ?? current.step_name,
        new Date().toISOString(),
        project,
        id,
      ]);
      if (!rows[0]) throw notFound(id);
      return fromRow(rows[0]);
    },

    async delete(id: number) {
      const rows = (await exists()) ? await q(`DELETE FROM ${table} WHERE project_id = ? AND id = ? RETURNING id`, [project, id]) : [];
      if (rows.length === 0) throw notFound(id);
    },
  };
}

// Annotated steps as a dataset (for evaluation and fine-tuning): one row per
// observation of each annotation, with the step's inputs, the state fields and
// span attributes the observation points at, the step's result, and the
// annotation's own fields. JSONL keeps values as JSON; CSV writes non-text
// values as JSON text. Used by `burr-ts dataset export` and the editor.
import type { Annotation, AnnotationFilter } from "./annotations.js";
import type { AppRun, StepRecord } from "./types.js";

/** Anything that reads runs: TrackingReader, or a persister's run reader. */
export interface RunReader {
  readApp(project: string, appId: string): Promise<AppRun>;
}

export interface DatasetRow {
  project: string;
  app_id: string;
  partition_key: string | null;
  step_sequence_id: number;
  step_name: string;
  span_id: string | null;
  annotation_id: number;
  tags: string[];
  note: string | null;
  ground_truth: unknown;
  thumbs_up_thumbs_down: boolean | null;
  inputs: Record<string, unknown>;
  /** The state fields pointed at, as they were after the step. */
  state_fields: Record<string, unknown>;
  /** Pointed-at attributes: `key` for the step's, `spanId:key` for a span's. */
  attributes: Record<string, unknown>;
  result: Record<string, unknown> | null;
  error: string | null;
  created: string;
  updated: string;
}

export const DATASET_COLUMNS: readonly (keyof DatasetRow)[] = [
  "project", "app_id", "partition_key", "step_sequence_id", "step_name", "span_id", "annotation_id", "tags", "note",
  "ground_truth", "thumbs_up_thumbs_down", "inputs", "state_fields", "attributes", "result", "error", "created", "updated",
];

function attributeOf(step: StepRecord, key: string, spanId: string | null): unknown {
  if (spanId === null) return step.attributes[key];
  return step.spans.find((s) => s.spanId === spanId)?.attributes[key];
}

/**
 * Rows for `annotations` (e.g. those with a tag, or a selection). A step that
 * cannot be read (run deleted, step missing) is skipped with a warning.
 */
export async function datasetRows(reader: RunReader, annotations: readonly Annotation[]): Promise<{ rows: DatasetRow[]; warnings: string[] }> {
  const runs = new Map<string, Promise<AppRun>>();
  const rows: DatasetRow[] = [];
  const warnings: string[] = [];
  for (const a of annotations) {
    const key = `${a.project_id}\u0000${a.app_id}`;
    if (!runs.has(key)) runs.set(key, reader.readApp(a.project_id, a.app_id));
    let run: AppRun;
    try {
      run = await runs.get(key)!;
    } catch (err) {
      warnings.push(`annotation ${a.id}: app "${a.app_id}" (project "${a.project_id}") cannot be read: ${(err as Error).message}; skipped`);
      continue;
    }
    const step = run.steps.find((s) => s.sequenceId === a.step_sequence_id);
    if (!step) {
      warnings.push(`annotation ${a.id}: app "${a.app_id}" has no step ${a.step_sequence_id}; skipped`);
      continue;
    }
    const observations = a.observations.length ? a.observations : [null];
    for (const o of observations) {
      const stateFields: Record<string, unknown> = {};
      const attributes: Record<string, unknown> = {};
      for (const p of o?.data_pointers ?? []) {
        if (p.type === "state_field") stateFields[p.field_name] = step.state?.[p.field_name] ?? null;
        else attributes[p.span_id === null ? p.field_name : `${p.span_id}:${p.field_name}`] = attributeOf(step, p.field_name, p.span_id ?? a.span_id) ?? null;
      }
      const note = o?.data_fields.note;
      rows.push({
        project: a.project_id,
        app_id: a.app_id,
        partition_key: a.partition_key,
        step_sequence_id: a.step_sequence_id,
        step_name: a.step_name,
        span_id: a.span_id,
        annotation_id: a.id,
        tags: a.tags,
        note: typeof note === "string" ? note : null,
        ground_truth: o?.data_fields.ground_truth ?? null,
        thumbs_up_thumbs_down: o?.thumbs_up_thumbs_down ?? null,
        inputs: step.inputs,
        state_fields: stateFields,
        attributes,
        result: step.result,
        error: step.error,
        created: a.created,
        updated: a.updated,
      });
    }
  }
  return { rows, warnings };
}

export function datasetToJsonl(rows: readonly DatasetRow[]): string {
  return rows.map((r) => JSON.stringify(r)).join("\n") + (rows.length ? "\n" : "");
}

function csvCell(v: unknown): string {
  const text = v === null || v === undefined ? "" : typeof v === "string" ? v : JSON.stringify(v);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** RFC 4180 CSV with a header row; objects and arrays as JSON text. */
export function datasetToCsv(rows: readonly DatasetRow[]): string {
  const lines = [DATASET_COLUMNS.join(",")];
  for (const r of rows) lines.push(DATASET_COLUMNS.map((c) => csvCell(r[c])).join(","));
  return lines.join("\r\n") + "\r\n";
}

/** A reader that also lists annotations (TrackingReader). */
export interface AnnotatedRunReader extends RunReader {
  listAnnotations(project: string, filter?: AnnotationFilter): Promise<Annotation[]>;
}

/** The dataset of a project's annotations with `tag` (all when omitted), as JSONL or CSV text. */
export async function exportDataset(
  reader: AnnotatedRunReader,
  project: string,
  options: { tag?: string; appId?: string; format?: "jsonl" | "csv"; onWarning?: (message: string) => void } = {},
): Promise<{ text: string; rows: DatasetRow[]; annotations: number; warnings: string[] }> {
  const warnings: string[] = [];
  const all = await reader.listAnnotations(project, { ...(options.appId ? { appId: options.appId } : {}), onWarning: (w) => warnings.push(w) });
  const chosen = all.filter((a) => options.tag === undefined || a.tags.includes(options.tag));
  const out = await datasetRows(reader, chosen);
  warnings.push(...out.warnings);
  for (const w of warnings) options.onWarning?.(w);
  const text = options.format === "csv" ? datasetToCsv(out.rows) : datasetToJsonl(out.rows);
  return { text, rows: out.rows, annotations: chosen.length, warnings };
}

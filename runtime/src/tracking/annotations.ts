// Annotations on tracked steps, in Burr's format and place: one AnnotationOut
// record per line of `<trackingDir>/<project>/annotations.jsonl`, as Burr's
// local tracking server keeps them (its pydantic models are copied in
// test/fixtures/burr-schema/annotation_schema.py). Ids are max + 1, Burr's rule.
// Every write takes a lock file (fileLock.ts), re-reads, and replaces the file
// by rename, checking that nobody (e.g. Burr's own server, which appends
// without a lock) wrote meanwhile.
import { promises as fsp } from "node:fs";
import { dirname, join } from "node:path";
import { withFileLock } from "./fileLock.js";

/** Burr's AnnotationDataPointer: what the annotation is about. */
export interface AnnotationDataPointer {
  type: "state_field" | "attribute";
  /** The state field's or span attribute's key. */
  field_name: string;
  /** The span the attribute belongs to; null when it's about the step itself. */
  span_id: string | null;
}

/** Burr's AnnotationObservation. `data_fields` holds `note` and `ground_truth` in Burr's UI; any JSON is kept. */
export interface AnnotationObservation {
  data_fields: { note?: string; ground_truth?: unknown; [key: string]: unknown };
  thumbs_up_thumbs_down: boolean | null;
  data_pointers: AnnotationDataPointer[];
}

/** Burr's AnnotationOut, field for field. */
export interface Annotation {
  id: number;
  project_id: string;
  app_id: string;
  partition_key: string | null;
  step_sequence_id: number;
  span_id: string | null;
  step_name: string;
  tags: string[];
  observations: AnnotationObservation[];
  /** ISO 8601 time. Burr writes naive local times; ours are UTC with `Z`. */
  created: string;
  updated: string;
}

export interface AnnotationFilter {
  appId?: string;
  /** `null` matches annotations without a partition key; omitted matches all. */
  partitionKey?: string | null;
  stepSequenceId?: number;
  /** Called once per unreadable line (default: console.warn). */
  onWarning?: (message: string) => void;
}

export interface AnnotationCreate {
  appId: string;
  partitionKey: string | null;
  stepSequenceId: number;
  spanId?: string | null;
  stepName: string;
  tags: string[];
  observations: AnnotationObservation[];
}

export interface AnnotationUpdate {
  tags?: string[];
  observations?: AnnotationObservation[];
  spanId?: string | null;
  stepName?: string;
}

/** Where a project's annotations live. The project is one directory name (it may come from a UI request). */
export function annotationsPath(storageDir: string, project: string): string {
  if (typeof project !== "string" || !project || project === "." || project === ".." || /[\\/\0]/.test(project)) {
    throw new Error(`Annotations: invalid project name ${JSON.stringify(project)}: it names one directory of the tracking directory (no "/", "\\" or "..")`);
  }
  return join(storageDir, project, "annotations.jsonl");
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function checkPointer(v: unknown, where: string): AnnotationDataPointer {
  if (!isRecord(v)) throw new Error(`${where}: data pointer is not an object`);
  if (v.type !== "state_field" && v.type !== "attribute") throw new Error(`${where}: data pointer type must be "state_field" or "attribute", got ${JSON.stringify(v.type)}`);
  if (typeof v.field_name !== "string") throw new Error(`${where}: data pointer field_name must be a string`);
  if (v.span_id !== null && v.span_id !== undefined && typeof v.span_id !== "string") throw new Error(`${where}: data pointer span_id must be a string or null`);
  return { type: v.type, field_name: v.field_name, span_id: typeof v.span_id === "string" ? v.span_id : null };
}

/** Validates an observation as Burr's pydantic model would; throws a message naming the problem. */
export function checkObservation(v: unknown, where = "observation"): AnnotationObservation {
  if (!isRecord(v)) throw new Error(`${where}: not an object`);
  if (!isRecord(v.data_fields)) throw new Error(`${where}: data_fields must be an object`);
  const t = v.thumbs_up_thumbs_down;
  if (t !== null && t !== undefined && typeof t !== "boolean") throw new Error(`${where}: thumbs_up_thumbs_down must be true, false or null`);
  if (!Array.isArray(v.data_pointers)) throw new Error(`${where}: data_pointers must be an array`);
  return {
    data_fields: { ...v.data_fields },
    thumbs_up_thumbs_down: typeof t === "boolean" ? t : null,
    data_pointers: v.data_pointers.map((p, i) => checkPointer(p, `${where}.data_pointers[${i}]`)),
  };
}

function checkTags(v: unknown, where: string): string[] {
  if (!Array.isArray(v) || v.some((t) => typeof t !== "string")) throw new Error(`${where}: tags must be an array of strings`);
  return [...(v as string[])];
}

/** Parses one line of annotations.jsonl (ours or Burr's); throws a message naming the bad field. */
export function parseAnnotation(line: string): Annotation {
  const r: unknown = JSON.parse(line);
  if (!isRecord(r)) throw new Error("not a JSON object");
  const str = (k: string): string => {
    if (typeof r[k] !== "string") throw new Error(`${k} must be a string`);
    return r[k] as string;
  };
  const int = (k: string): number => {
    if (typeof r[k] !== "number" || !Number.isInteger(r[k])) throw new Error(`${k} must be an integer`);
    return r[k] as number;
  };
  const nullableStr = (k: string): string | null => {
    if (r[k] === null || r[k] === undefined) return null;
    return str(k);
  };
  if (!Array.isArray(r.observations)) throw new Error("observations must be an array");
  return {
    id: int("id"),
    project_id: str("project_id"),
    app_id: str("app_id"),
    partition_key: nullableStr("partition_key"),
    step_sequence_id: int("step_sequence_id"),
    span_id: nullableStr("span_id"),
    step_name: str("step_name"),
    tags: checkTags(r.tags, "annotation"),
    observations: r.observations.map((o, i) => checkObservation(o, `observations[${i}]`)),
    created: str("created"),
    updated: str("updated"),
  };
}

/** Serialises in AnnotationOut's field order, one line. */
export function formatAnnotation(a: Annotation): string {
  const ordered: Annotation = {
    span_id: a.span_id,
    step_name: a.step_name,
    tags: a.tags,
    observations: a.observations,
    id: a.id,
    project_id: a.project_id,
    app_id: a.app_id,
    partition_key: a.partition_key,
    step_sequence_id: a.step_sequence_id,
    created: a.created,
    updated: a.updated,
  };
  return JSON.stringify(ordered);
}

/** The lines of the file: parsed annotations and, for unreadable lines, the raw text (kept on rewrite). */
interface FileContent {
  entries: Array<{ annotation?: Annotation; raw: string }>;
  warnings: string[];
  /** size + mtime when read, to notice a writer that didn't take our lock. */
  stamp: string;
}

async function readContent(path: string): Promise<FileContent> {
  let text: string;
  let stamp = "absent";
  try {
    const st = await fsp.stat(path);
    stamp = `${st.size}:${st.mtimeMs}`;
    text = await fsp.readFile(path, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return { entries: [], warnings: [], stamp: "absent" };
    throw new Error(`Cannot read annotations ${path}: ${(err as Error).message}`);
  }
  const entries: FileContent["entries"] = [];
  const warnings: string[] = [];
  text.split("\n").forEach((line, i) => {
    if (!line.trim()) return;
    try {
      entries.push({ annotation: parseAnnotation(line), raw: line });
    } catch (err) {
      warnings.push(`${path}:${i + 1}: ${(err as Error).message}; annotation skipped (the line is kept as it is)`);
      entries.push({ raw: line });
    }
  });
  return { entries, warnings, stamp };
}

/** Reads annotations with their warnings, filtered like Burr's get_annotations. */
export async function readAnnotations(storageDir: string, project: string, filter: Omit<AnnotationFilter, "onWarning"> = {}): Promise<{ annotations: Annotation[]; warnings: string[] }> {
  const content = await readContent(annotationsPath(storageDir, project));
  const annotations: Annotation[] = [];
  for (const e of content.entries) {
    const a = e.annotation;
    if (!a) continue;
    if (filter.appId !== undefined && a.app_id !== filter.appId) continue;
    if (filter.partitionKey !== undefined && a.partition_key !== filter.partitionKey) continue;
    if (filter.stepSequenceId !== undefined && a.step_sequence_id !== filter.stepSequenceId) continue;
    annotations.push(a);
  }
  return { annotations, warnings: content.warnings };
}

/**
 * Read-modify-write under the lock. The new file is written beside the old one
 * and renamed over it only if the old one is unchanged since it was read;
 * otherwise the change is computed again on the fresh content.
 */
async function rewrite<T>(path: string, change: (c: FileContent) => { entries: FileContent["entries"]; result: T }): Promise<T> {
  await fsp.mkdir(dirname(path), { recursive: true });
  return withFileLock(path, async () => {
    for (let attempt = 0; ; attempt++) {
      const content = await readContent(path);
      const { entries, result } = change(content);
      // Lines not changed are written back byte for byte (Burr's own among them).
      const text = entries.map((e) => e.raw + "\n").join("");
      const tmp = `${path}.${process.pid}.${Date.now()}.tmp`;
      await fsp.writeFile(tmp, text);
      const now = await fsp.stat(path).then((st) => `${st.size}:${st.mtimeMs}`, () => "absent");
      if (now !== content.stamp && attempt < 5) {
        await fsp.rm(tmp, { force: true });
        continue;
      }
      await fsp.rename(tmp, path);
      return result;
    }
  });
}

function nowIso(): string {
  return new Date().toISOString();
}

function annotationsOf(c: FileContent): Annotation[] {
  const out: Annotation[] = [];
  for (const e of c.entries) if (e.annotation) out.push(e.annotation);
  return out;
}

/** Adds an annotation with id = max + 1 (Burr's rule); returns it. */
export async function createAnnotation(storageDir: string, project: string, input: AnnotationCreate): Promise<Annotation> {
  if (!input.appId) throw new Error(`annotate (project "${project}"): appId is required`);
  if (!Number.isInteger(input.stepSequenceId) || input.stepSequenceId < 0) throw new Error(`annotate (project "${project}", app "${input.appId}"): stepSequenceId must be a non-negative integer, got ${String(input.stepSequenceId)}`);
  if (typeof input.stepName !== "string" || !input.stepName) throw new Error(`annotate (project "${project}", app "${input.appId}", step ${input.stepSequenceId}): stepName is required`);
  const tags = checkTags(input.tags, `annotate (app "${input.appId}", step ${input.stepSequenceId})`);
  const observations = input.observations.map((o, i) => checkObservation(o, `annotate (app "${input.appId}", step ${input.stepSequenceId}) observations[${i}]`));
  return rewrite(annotationsPath(storageDir, project), (c) => {
    const time = nowIso();
    const annotation: Annotation = {
      id: annotationsOf(c).reduce((m, a) => Math.max(m, a.id), -1) + 1,
      project_id: project,
      app_id: input.appId,
      partition_key: input.partitionKey ?? null,
      step_sequence_id: input.stepSequenceId,
      span_id: input.spanId ?? null,
      step_name: input.stepName,
      tags,
      observations,
      created: time,
      updated: time,
    };
    return { entries: [...c.entries, { annotation, raw: formatAnnotation(annotation) }], result: annotation };
  });
}

/** Replaces the given fields of annotation `id` and its `updated` time; returns the updated record. */
export async function updateAnnotation(storageDir: string, project: string, id: number, patch: AnnotationUpdate): Promise<Annotation> {
  const tags = patch.tags === undefined ? undefined : checkTags(patch.tags, `updateAnnotation ${id}`);
  const observations = patch.observations?.map((o, i) => checkObservation(o, `updateAnnotation ${id} observations[${i}]`));
  return rewrite(annotationsPath(storageDir, project), (c) => {
    let updated: Annotation | null = null;
    const entries = c.entries.map((e) => {
      if (!e.annotation || e.annotation.id !== id) return e;
      const a = e.annotation;
      const next: Annotation = {
        ...a,
        tags: tags ?? a.tags,
        observations: observations ?? a.observations,
        span_id: patch.spanId === undefined ? a.span_id : patch.spanId,
        step_name: patch.stepName ?? a.step_name,
        updated: nowIso(),
      };
      updated = next;
      return { annotation: next, raw: formatAnnotation(next) };
    });
    if (!updated) throw new Error(`Annotation ${id} not found in project "${project}" (${annotationsPath(storageDir, project)})`);
    return { entries, result: updated as Annotation };
  });
}

/** Removes annotation `id` (Burr has no delete; the file stays in its format). */
export async function deleteAnnotation(storageDir: string, project: string, id: number): Promise<void> {
  await rewrite(annotationsPath(storageDir, project), (c) => {
    const entries = c.entries.filter((e) => !e.annotation || e.annotation.id !== id);
    if (entries.length === c.entries.length) throw new Error(`Annotation ${id} not found in project "${project}" (${annotationsPath(storageDir, project)})`);
    return { entries, result: undefined };
  });
}

/**
 * One place annotations are kept: the tracking directory's annotations.jsonl
 * (`fileAnnotationStore`) or a table beside a persister's (`sqlAnnotationStore`
 * in annotationsSql.ts). UIs code against this.
 */
export interface AnnotationStore {
  list(filter?: AnnotationFilter): Promise<Annotation[]>;
  create(input: AnnotationCreate): Promise<Annotation>;
  update(id: number, patch: AnnotationUpdate): Promise<Annotation>;
  delete(id: number): Promise<void>;
}

/** The store over `<storageDir>/<project>/annotations.jsonl`. */
export function fileAnnotationStore(storageDir: string, project: string): AnnotationStore {
  return {
    async list(filter = {}) {
      const { onWarning, ...rest } = filter;
      const { annotations, warnings } = await readAnnotations(storageDir, project, rest);
      for (const w of warnings) (onWarning ?? console.warn)(w);
      return annotations;
    },
    create: (input) => createAnnotation(storageDir, project, input),
    update: (id, patch) => updateAnnotation(storageDir, project, id, patch),
    delete: (id) => deleteAnnotation(storageDir, project, id),
  };
}

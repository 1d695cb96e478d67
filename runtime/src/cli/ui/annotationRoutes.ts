// /api/annotations: list, create, update and delete a project's annotations
// through the source's annotation store (Burr's annotations.jsonl for a
// tracking directory). Bodies are bounded and checked field by field before
// anything is written; the store owns the file format.
import type { IncomingMessage } from "node:http";
import { checkWrite } from "./auth.js";
import type { AnnotationCreate, AnnotationObservation, AnnotationUpdate } from "../../tracking/annotations.js";
import type { UiSource } from "./sources.js";
import { HttpError, integerParam, isRecord, optionalText, textId } from "./validate.js";

const MAX_BODY = 256 * 1024;
const MAX_TAGS = 64;
const MAX_TAG = 200;
const MAX_OBSERVATIONS = 32;
const MAX_POINTERS = 64;

export async function handleAnnotations(req: IncomingMessage, url: URL, source: UiSource): Promise<{ status: number; body: unknown }> {
  if (!source.annotations) throw new HttpError(404, "not_found", `Source "${source.label}" keeps no annotations.`);
  const store = source.annotations(textId(url.searchParams.get("project"), "project"));
  switch (req.method) {
    case "GET": {
      const app = url.searchParams.get("app");
      return {
        status: 200,
        body: await store.list({ appId: app === null ? undefined : textId(app, "app"), partitionKey: optionalText(url.searchParams.get("partition"), "partition") ?? undefined, onWarning: () => undefined }),
      };
    }
    case "POST": {
      const body = await readJson(req);
      return { status: 201, body: await store.create(newAnnotation(body)) };
    }
    case "PATCH": {
      const id = integerParam(url.searchParams.get("id"), "id");
      const body = await readJson(req);
      return { status: 200, body: await store.update(id, patch(body)) };
    }
    case "DELETE": {
      const id = integerParam(url.searchParams.get("id"), "id");
      const denied = checkWrite(req, true);
      if (denied) throw new HttpError(403, "forbidden", denied);
      await store.delete(id);
      return { status: 200, body: { deleted: id } };
    }
    default:
      throw new HttpError(405, "method_not_allowed", `${req.method} /api/annotations is not allowed (GET, POST, PATCH, DELETE).`);
  }
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const denied = checkWrite(req, false);
  if (denied) throw new HttpError(denied.startsWith("Writes take") ? 415 : 403, denied.startsWith("Writes take") ? "unsupported_media_type" : "forbidden", denied);
  const declared = Number(req.headers["content-length"] ?? "0");
  if (declared > MAX_BODY) throw new HttpError(413, "payload_too_large", `Annotation bodies are limited to ${MAX_BODY} bytes.`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY) throw new HttpError(413, "payload_too_large", `Annotation bodies are limited to ${MAX_BODY} bytes.`);
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString("utf8"));
  } catch (err) {
    throw new HttpError(400, "bad_json", `The body is not JSON: ${(err as Error).message}`);
  }
}

const fail = (message: string): never => {
  throw new HttpError(400, "bad_request", message);
};

function tags(v: unknown): string[] {
  if (!Array.isArray(v) || v.length > MAX_TAGS || !v.every((t) => typeof t === "string" && t.length > 0 && t.length <= MAX_TAG)) {
    return fail(`"tags" must be a list of at most ${MAX_TAGS} non-empty strings of at most ${MAX_TAG} characters.`);
  }
  return v as string[];
}

function observations(v: unknown): AnnotationObservation[] {
  if (!Array.isArray(v) || v.length > MAX_OBSERVATIONS) return fail(`"observations" must be a list of at most ${MAX_OBSERVATIONS} observations.`);
  return v.map((o, i): AnnotationObservation => {
    if (!isRecord(o)) return fail(`observations[${i}] must be an object.`);
    const fields = o.data_fields ?? {};
    if (!isRecord(fields)) return fail(`observations[${i}].data_fields must be an object.`);
    const thumbs = o.thumbs_up_thumbs_down ?? null;
    if (thumbs !== null && typeof thumbs !== "boolean") return fail(`observations[${i}].thumbs_up_thumbs_down must be true, false or null.`);
    const pointers = o.data_pointers ?? [];
    if (!Array.isArray(pointers) || pointers.length > MAX_POINTERS) return fail(`observations[${i}].data_pointers must be a list of at most ${MAX_POINTERS} pointers.`);
    return {
      data_fields: fields as AnnotationObservation["data_fields"],
      thumbs_up_thumbs_down: thumbs,
      data_pointers: pointers.map((p, j) => {
        if (!isRecord(p) || (p.type !== "state_field" && p.type !== "attribute") || typeof p.field_name !== "string" || (p.span_id !== null && p.span_id !== undefined && typeof p.span_id !== "string")) {
          return fail(`observations[${i}].data_pointers[${j}] must be { type: "state_field" | "attribute", field_name: string, span_id: string | null }.`);
        }
        return { type: p.type, field_name: p.field_name, span_id: typeof p.span_id === "string" ? p.span_id : null };
      }),
    };
  });
}

function spanId(v: unknown): string | null {
  if (v === undefined || v === null) return null;
  if (typeof v !== "string" || v.length > 255) return fail('"spanId" must be a string of at most 255 characters or null.');
  return v;
}

function newAnnotation(body: unknown): AnnotationCreate {
  if (!isRecord(body)) return fail("The body must be a JSON object.");
  const appId = typeof body.appId === "string" ? body.appId : fail('"appId" (string) is required.');
  textId(appId, "appId");
  const seq = body.stepSequenceId;
  if (typeof seq !== "number" || !Number.isInteger(seq) || seq < 0) return fail('"stepSequenceId" must be a non-negative integer.');
  const stepName = typeof body.stepName === "string" && body.stepName.length <= 255 ? body.stepName : fail('"stepName" (string) is required.');
  const partitionKey = body.partitionKey === null || body.partitionKey === undefined ? null : typeof body.partitionKey === "string" ? body.partitionKey : fail('"partitionKey" must be a string or null.');
  return { appId, partitionKey, stepSequenceId: seq, spanId: spanId(body.spanId), stepName, tags: tags(body.tags ?? []), observations: observations(body.observations ?? []) };
}

function patch(body: unknown): AnnotationUpdate {
  if (!isRecord(body)) return fail("The body must be a JSON object.");
  const out: AnnotationUpdate = {};
  if (body.tags !== undefined) out.tags = tags(body.tags);
  if (body.observations !== undefined) out.observations = observations(body.observations);
  if (body.spanId !== undefined) out.spanId = spanId(body.spanId);
  return out;
}

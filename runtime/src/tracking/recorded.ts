// What trace() records of each call so that replay can give it back: the
// `return` attribute holds a plain JSON result as Burr writes it; anything
// JSON alone cannot give back (undefined, a thrown error, a stream's chunks,
// a value that cannot be stored) adds one `__burr_replay` attribute. Values
// are in serde's stored form (Dates, Maps, registered classes come back as such).
import { deserializeValue, serializeValue } from "../state/serde/codec.js";
import type { SpanRecord, StepRecord } from "./types.js";
import { ARGS_DIGEST_ATTRIBUTE } from "./argsDigest.js";

/** The attribute holding what `return` alone cannot say. */
export const REPLAY_ATTRIBUTE = "__burr_replay";

/** How a call ended, as replay gives it back. */
export type RecordedOutcome =
  | { readonly kind: "value"; readonly value: unknown }
  | { readonly kind: "error"; readonly name: string; readonly message: string }
  | { readonly kind: "stream"; readonly chunks: readonly unknown[]; readonly error?: { name: string; message: string } }
  /** The value could not be written (e.g. a class instance with cycles): replay cannot give it back. */
  | { readonly kind: "unrecordable"; readonly description: string };

export interface RecordedCall {
  /** The traced function's name (trace()'s `name` option or the function's own). */
  readonly name: string;
  /** Its position among the step's calls of the same name (0 for the first). */
  readonly index: number;
  readonly spanId: string;
  /** The arguments as logged; undefined when captureInputs was off or they were long (then only the digest is kept). */
  readonly args: unknown;
  /** The arguments' digest (tracking/argsDigest.ts); undefined in records made before digests, or with captureInputs off. */
  readonly argsDigest?: string;
  /** Null when nothing was recorded (captureOutputs off, or the call never ended). */
  readonly outcome: RecordedOutcome | null;
}

/** The stored (serde) form of a value, and whether decoding it gives the value back. */
export function encodeValue(value: unknown): { json: unknown; exact: boolean } {
  if (value === undefined) return { json: null, exact: false };
  if (typeof value === "function" || typeof value === "symbol") return { json: String(value), exact: false };
  try {
    return { json: serializeValue(value), exact: true };
  } catch {
    const kind = typeof value === "object" && value !== null ? (value.constructor?.name ?? "Object") : typeof value;
    return { json: `<${kind}: not JSON-serializable>`, exact: false };
  }
}

/** The `__burr_replay` marker for a value `return` cannot give back exactly; null when `return` suffices. */
export function valueMarker(value: unknown, encoded: { json: unknown; exact: boolean }): Record<string, unknown> | null {
  if (encoded.exact) return null;
  if (value === undefined) return { kind: "undefined" };
  return { kind: "unrecordable", description: String(encoded.json) };
}

export function errorMarker(err: unknown): Record<string, unknown> {
  return { kind: "error", ...errorFields(err) };
}

export function errorFields(err: unknown): { name: string; message: string } {
  return err instanceof Error ? { name: err.name, message: err.message } : { name: "Error", message: String(err) };
}

const isObj = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);

/** Reads one span's record back; throws with the reason when the marker is malformed (hostile or corrupt data). */
export function decodeOutcome(attributes: Record<string, unknown>): RecordedOutcome | null {
  const marker = attributes[REPLAY_ATTRIBUTE];
  if (marker === undefined) return "return" in attributes ? { kind: "value", value: deserializeValue(attributes.return) } : null;
  if (!isObj(marker)) throw new Error(`${REPLAY_ATTRIBUTE} is not an object`);
  switch (marker.kind) {
    case "undefined":
      return { kind: "value", value: undefined };
    case "error":
      return { kind: "error", name: typeof marker.name === "string" ? marker.name : "Error", message: String(marker.message ?? "") };
    case "stream": {
      if (!Array.isArray(marker.chunks)) throw new Error(`${REPLAY_ATTRIBUTE} of a stream has no chunks list`);
      const error = isObj(marker.error) ? { name: String(marker.error.name ?? "Error"), message: String(marker.error.message ?? "") } : undefined;
      const chunks = marker.chunks.map(deserializeValue);
      return error ? { kind: "stream", chunks, error } : { kind: "stream", chunks };
    }
    case "unrecordable":
      return { kind: "unrecordable", description: String(marker.description ?? "a value JSON cannot hold") };
    default:
      throw new Error(`${REPLAY_ATTRIBUTE} has unknown kind ${JSON.stringify(marker.kind)}`);
  }
}

/**
 * The calls a step made through trace(), in call order: only the outermost
 * ones (a traced call inside another does not run when the outer one is
 * given back). Throws naming the step and span when a record is malformed.
 */
export function recordedCalls(step: StepRecord): RecordedCall[] {
  const traced = new Map<string, SpanRecord>();
  for (const s of step.spans) if (typeof s.attributes.__burr_function === "string") traced.set(s.spanId, s);
  if (traced.size === 0) return [];
  const byId = new Map(step.spans.map((s) => [s.spanId, s] as const));
  const counts = new Map<string, number>();
  const out: RecordedCall[] = [];
  for (const span of step.spans) {
    if (!traced.has(span.spanId)) continue;
    let parent = span.parentSpanId;
    let nested = false;
    for (let hops = 0; parent !== null && hops < 1000; hops++) {
      if (traced.has(parent)) {
        nested = true;
        break;
      }
      parent = byId.get(parent)?.parentSpanId ?? null;
    }
    if (nested) continue;
    const name = span.attributes.__burr_function as string;
    const index = counts.get(name) ?? 0;
    counts.set(name, index + 1);
    let outcome: RecordedOutcome | null;
    try {
      outcome = decodeOutcome(span.attributes);
    } catch (err) {
      throw new Error(`step ${step.sequenceId} (${step.action}), traced call ${name} (span ${span.spanId}): ${(err as Error).message}`);
    }
    const digest = span.attributes[ARGS_DIGEST_ATTRIBUTE];
    out.push({ name, index, spanId: span.spanId, args: span.attributes.args, ...(typeof digest === "string" ? { argsDigest: digest } : {}), outcome });
  }
  return out;
}

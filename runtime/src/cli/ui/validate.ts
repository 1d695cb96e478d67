// Untrusted input of the runs UI server: ids that become path segments, query
// strings and JSON bodies. Every refusal is an HttpError with a message that
// says which parameter was wrong and why; nothing here touches the disk.
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
  ) {
    super(message);
    this.name = "HttpError";
  }
}

const MAX_ID = 255;

/**
 * A project or app id names one directory under the tracking dir, so it must be
 * one plain path segment: no separators, no "." or "..", no control characters.
 */
export function segmentId(value: string | null, name: string): string {
  if (value === null || value === "") throw new HttpError(400, "bad_request", `The "${name}" parameter is required.`);
  if (value.length > MAX_ID) throw new HttpError(400, "bad_request", `The "${name}" parameter is longer than ${MAX_ID} characters.`);
  if (value === "." || value === ".." || /[/\\\u0000-\u001f\u007f]/.test(value)) {
    throw new HttpError(400, "bad_request", `The "${name}" parameter ${JSON.stringify(value)} is not a valid id: ids are one path segment (no "/", "\\", "." or "..", no control characters).`);
  }
  return value;
}

/** A required id that is not a path (a persister's partition key or app id): bounded, no control characters. */
export function textId(value: string | null, name: string): string {
  if (value === null || value === "") throw new HttpError(400, "bad_request", `The "${name}" parameter is required.`);
  return optionalText(value, name) as string;
}

/** An optional free-text parameter (a partition key): bounded, no control characters. */
export function optionalText(value: string | null, name: string): string | null {
  if (value === null) return null;
  if (value.length > MAX_ID) throw new HttpError(400, "bad_request", `The "${name}" parameter is longer than ${MAX_ID} characters.`);
  if (/[\u0000-\u001f\u007f]/.test(value)) throw new HttpError(400, "bad_request", `The "${name}" parameter contains control characters.`);
  return value;
}

export function integerParam(value: string | null, name: string): number {
  if (value === null || !/^\d{1,15}$/.test(value)) throw new HttpError(400, "bad_request", `The "${name}" parameter must be a non-negative integer.`);
  return Number(value);
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

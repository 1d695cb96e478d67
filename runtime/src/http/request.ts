// Reading what a client sent, trusting none of it: a size-capped JSON body
// that must be an object, identifiers of a safe shape (an app id becomes a
// directory name in the local tracker), sequence ids that are integers.
import { decodeValue } from "../state/serde/codec.js";
import { HttpError } from "./errors.js";
import { tooLarge, type Incoming } from "./incoming.js";

const utf8 = new TextDecoder("utf-8", { fatal: true });

export type JsonObject = Record<string, unknown>;

/** Reads the body as JSON (an empty body is `{}`), refusing more than `limit` bytes with 413. */
export async function readJsonBody(request: Incoming, limit: number): Promise<JsonObject> {
  const declared = request.header("content-length");
  if (declared !== null && Number(declared) > limit) throw tooLarge(limit);
  const bytes = await request.body(limit);
  if (bytes.length === 0) return {};
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    throw new HttpError(400, "BadRequest", "The request body is not valid UTF-8; send JSON");
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    const why = e instanceof SyntaxError ? e.message : "it nests too deeply";
    throw new HttpError(400, "BadRequest", `The request body is not valid JSON (${why}); send a JSON object`);
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new HttpError(400, "BadRequest", "The request body must be a JSON object, e.g. { \"inputs\": { … } }");
  }
  return value as JsonObject;
}

const ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

/** An app id from a URL or body: 1-128 of letters, digits and . _ : - (never a path). */
export function checkAppId(value: unknown, where: string): string {
  if (typeof value !== "string" || !ID.test(value) || value.includes("..")) {
    throw new HttpError(400, "BadRequest", `${where} must be 1-128 letters, digits, ".", "_", ":" or "-", starting with a letter or digit`);
  }
  return value;
}

/** A partition key from the query string or body; absent means no partition (null). */
export function checkPartitionKey(value: unknown, where: string): string | null {
  if (value === undefined || value === null || value === "") return null;
  if (typeof value !== "string" || value.length > 256 || /[\u0000-\u001f]/.test(value)) {
    throw new HttpError(400, "BadRequest", `${where} must be a string of at most 256 printable characters`);
  }
  return value;
}

export function checkSequenceId(value: unknown): number {
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 0) {
    throw new HttpError(400, "BadRequest", `sequenceId must be a whole number from 0 up, got ${JSON.stringify(value) ?? String(value)}`);
  }
  return value;
}

export function checkNameList(value: unknown, field: string): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || !value.every((v) => typeof v === "string")) {
    throw new HttpError(400, "BadRequest", `${field} must be a list of action names, e.g. ["aiResponse"]`);
  }
  return value as string[];
}

export function checkInputs(value: unknown): JsonObject | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "object" || Array.isArray(value)) throw new HttpError(400, "BadRequest", "inputs must be a JSON object of input names to values");
  // Inputs may carry `__burr_serde__` tags (a Date, a Map...): the action gets the values they stand for.
  const out: JsonObject = {};
  for (const [name, stored] of Object.entries(value)) {
    try {
      const decoded = decodeValue(stored, name);
      if (name === "__proto__") Object.defineProperty(out, name, { value: decoded, enumerable: true, writable: true, configurable: true });
      else out[name] = decoded;
    } catch (error) {
      throw new HttpError(400, "BadRequest", `Input "${name}" holds a tagged value that cannot be read: ${(error as Error).message}`);
    }
  }
  return out;
}

// Turns any value the program holds into JSON the adapter can show, and
// applies an edit at a path without mutating what the app already holds.
// Values state can store beyond JSON go in their stored form (Burr's
// `__burr_serde__` tag), so the adapter shows their type and edits come back exact.
import { encodeAny } from "../state/serde/codec.js";
import { serdeForPrototype } from "../state/serde/registry.js";
import type { WireValue } from "./protocol.js";

/** JSON-safe copy: serde-stored types tagged; cycles, functions and unregistered oddities a description. */
export function toWire(value: unknown, seen: Set<object> = new Set()): WireValue {
  if (value === null || value === undefined) return null;
  switch (typeof value) {
    case "boolean":
    case "string":
      return value;
    case "number":
      return Number.isFinite(value) ? value : String(value);
    case "bigint":
      return encodeAny(value, "value") as WireValue;
    case "function":
      return `[function ${value.name || "anonymous"}]`;
    case "symbol":
      return value.toString();
    default:
      break;
  }
  const obj = value as object;
  if (seen.has(obj)) return "[circular]";
  if (serdeForPrototype(Object.getPrototypeOf(obj) as object | null)) {
    try {
      return encodeAny(obj, "value") as WireValue;
    } catch {
      // Holds something unstorable (a function in a Map): shown the lenient way below.
    }
  }
  if (obj instanceof Date) return Number.isNaN(obj.getTime()) ? "Invalid Date" : obj.toISOString();
  if (obj instanceof Error) return { name: obj.name, message: obj.message };
  seen.add(obj);
  try {
    if (Array.isArray(obj)) return obj.map((item) => toWire(item, seen));
    if (obj instanceof Set) return [...obj].map((item) => toWire(item, seen));
    if (obj instanceof Map) {
      const out: Record<string, WireValue> = {};
      for (const [k, v] of obj) out[String(k)] = toWire(v, seen);
      return out;
    }
    if (ArrayBuffer.isView(obj)) return `[${obj.constructor.name} of ${obj.byteLength} bytes]`;
    const out: Record<string, WireValue> = {};
    for (const [k, v] of Object.entries(obj)) out[k] = toWire(v, seen);
    return out;
  } finally {
    seen.delete(obj);
  }
}

/** A copy of `root` with `value` at `path` (arrays and objects along the path are copied, the rest shared). */
export function setAtPath(root: unknown, path: readonly (string | number)[], value: unknown): unknown {
  if (path.length === 0) return value;
  const [head, ...rest] = path;
  if (root instanceof Map) {
    if (!root.has(head)) throw new Error(`this Map has no key ${JSON.stringify(head)}`);
    const copy = new Map(root);
    copy.set(head, setAtPath(root.get(head), rest, value));
    return copy;
  }
  if (Array.isArray(root)) {
    const index = typeof head === "number" ? head : Number(head);
    if (!Number.isInteger(index) || index < 0 || index >= root.length) {
      throw new Error(`index ${String(head)} is outside the list (length ${root.length})`);
    }
    const copy = root.slice();
    copy[index] = setAtPath(root[index], rest, value);
    return copy;
  }
  if (root !== null && typeof root === "object") {
    const key = String(head);
    if (!(key in root)) throw new Error(`there is no key "${key}" here`);
    return { ...(root as Record<string, unknown>), [key]: setAtPath((root as Record<string, unknown>)[key], rest, value) };
  }
  throw new Error(`cannot set "${String(head)}" inside a ${root === null ? "null" : typeof root} value`);
}

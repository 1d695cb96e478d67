// Comparing recorded JSON with current values: the first difference with its
// path, and a step's written keys (what changed) on both sides.
import type { StepChanges } from "../lifecycle/hooks.js";
import { encodeValue } from "../tracking/recorded.js";

export interface Difference {
  path: string;
  recorded: unknown;
  current: unknown;
}

const isObj = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);

/** The first place two JSON values differ (depth-first, keys in recorded order, then new keys); null when equal. */
export function firstDifference(recorded: unknown, current: unknown, path = ""): Difference | null {
  if (recorded === current) return null;
  if (Array.isArray(recorded) && Array.isArray(current)) {
    const n = Math.min(recorded.length, current.length);
    for (let i = 0; i < n; i++) {
      const d = firstDifference(recorded[i], current[i], `${path}[${i}]`);
      if (d) return d;
    }
    if (recorded.length !== current.length) return { path: `${path}.length`, recorded: recorded.length, current: current.length };
    return null;
  }
  if (isObj(recorded) && isObj(current)) {
    for (const k of Object.keys(recorded)) {
      if (!Object.hasOwn(current, k)) return { path: join(path, k), recorded: recorded[k], current: "(absent)" };
      const d = firstDifference(recorded[k], current[k], join(path, k));
      if (d) return d;
    }
    for (const k of Object.keys(current)) if (!Object.hasOwn(recorded, k)) return { path: join(path, k), recorded: "(absent)", current: current[k] };
    return null;
  }
  return { path: path || "(value)", recorded, current };
}

function join(path: string, key: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(key) ? (path ? `${path}.${key}` : key) : `${path}[${JSON.stringify(key)}]`;
}

/** JSON form of a current value, as the record holds it. */
export const asJson = (v: unknown): unknown => encodeValue(v).json;

const internal = (k: string): boolean => k.startsWith("__");

/** What a full-form record changed between two states (appends to a list are told apart from sets). */
export function changesBetween(prev: Record<string, unknown> | null, next: Record<string, unknown>): StepChanges {
  const changes: StepChanges = { set: {}, appended: {}, deleted: [] };
  const before = prev ?? {};
  for (const k of Object.keys(next)) {
    if (internal(k)) continue;
    const p = before[k];
    const n = next[k];
    if (Object.hasOwn(before, k) && Array.isArray(p) && Array.isArray(n) && n.length >= p.length && firstDifference(p, n.slice(0, p.length)) === null) {
      if (n.length > p.length) changes.appended[k] = n.slice(p.length);
      continue;
    }
    if (!Object.hasOwn(before, k) || firstDifference(p, n) !== null) changes.set[k] = n;
  }
  for (const k of Object.keys(before)) if (!internal(k) && !Object.hasOwn(next, k)) changes.deleted.push(k);
  return changes;
}

/** How one key was written, for a report. */
function writeOf(c: StepChanges, key: string): unknown {
  if (Object.hasOwn(c.set, key)) return c.set[key];
  if (Object.hasOwn(c.appended, key)) return { appended: c.appended[key] };
  if (c.deleted.includes(key)) return "(deleted)";
  return "(not written)";
}

/**
 * The first written key whose value after the step differs between the
 * record and now. Keys both sides appended to compare only the appended
 * items (a long history is not compared again every step).
 */
export function firstWriteDifference(
  recorded: StepChanges,
  current: StepChanges,
  recordedAfter: Record<string, unknown> | null,
  currentAfter: (key: string) => unknown,
): Difference | null {
  const keys: string[] = [];
  const seen = new Set<string>();
  for (const c of [recorded, current]) {
    for (const k of [...Object.keys(c.set), ...Object.keys(c.appended), ...c.deleted]) {
      if (!internal(k) && !seen.has(k)) {
        seen.add(k);
        keys.push(k);
      }
    }
  }
  for (const key of keys) {
    if (Object.hasOwn(recorded.appended, key) && Object.hasOwn(current.appended, key)) {
      const d = firstDifference(recorded.appended[key], asJson(current.appended[key]), key);
      if (d) return { path: key, recorded: writeOf(recorded, key), current: asJson(writeOf(current, key)) };
      continue;
    }
    if (recordedAfter === null) {
      // Only what each side wrote is known (a compact record): compare the writes.
      const r = writeOf(recorded, key);
      const now = asJson(writeOf(current, key));
      if (firstDifference(r, now, key)) return { path: key, recorded: r, current: now };
      continue;
    }
    const r = Object.hasOwn(recordedAfter, key) ? recordedAfter[key] : "(absent)";
    const v = currentAfter(key);
    if (Object.hasOwn(current.appended, key) && Array.isArray(r) && Array.isArray(v) && r.length === v.length) {
      // The items before the step equal the record (replay stops at the first difference, and a
      // re-run starts from the recorded state): only what the step appended needs comparing, not
      // the whole history (a compact record's full-state checkpoints would otherwise cost O(history)).
      const added = current.appended[key];
      if (firstDifference(r.slice(r.length - added.length), asJson(added), key) === null) continue;
    }
    const now = v === undefined ? "(absent)" : asJson(v);
    if (firstDifference(r, now, key)) return { path: key, recorded: writeOf(recorded, key), current: asJson(writeOf(current, key)) };
  }
  return null;
}

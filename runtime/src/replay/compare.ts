// Comparing recorded JSON with current values: the first difference with its
// path, and a step's written keys (what changed) on both sides.
import type { StepChanges } from "../lifecycle/hooks.js";
import { SERDE_KEY } from "../state/serde/registry.js";
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
  // The path is spelled out only once a difference is found: equal values (every step's) cost no strings.
  const trail: (string | number)[] = [];
  const found = differ(recorded, current, trail);
  if (!found) return null;
  let at = path;
  for (const step of trail) at = typeof step === "number" ? `${at}[${step}]` : join(at, step);
  return { path: found.ofLength ? `${at}.length` : at || "(value)", recorded: found.recorded, current: found.current };
}

interface Found {
  recorded: unknown;
  current: unknown;
  /** The arrays at the trail differ in length. */
  ofLength: boolean;
}

function differ(recorded: unknown, current: unknown, trail: (string | number)[]): Found | null {
  if (recorded === current) return null;
  if (Array.isArray(recorded) && Array.isArray(current)) {
    const n = Math.min(recorded.length, current.length);
    for (let i = 0; i < n; i++) {
      if (recorded[i] === current[i]) continue;
      trail.push(i);
      const d = differ(recorded[i], current[i], trail);
      if (d) return d;
      trail.pop();
    }
    return recorded.length !== current.length ? { recorded: recorded.length, current: current.length, ofLength: true } : null;
  }
  if (isObj(recorded) && isObj(current)) {
    for (const k of Object.keys(recorded)) {
      if (!Object.hasOwn(current, k)) {
        trail.push(k);
        return { recorded: recorded[k], current: "(absent)", ofLength: false };
      }
      if (recorded[k] === current[k]) continue;
      trail.push(k);
      const d = differ(recorded[k], current[k], trail);
      if (d) return d;
      trail.pop();
    }
    for (const k of Object.keys(current)) {
      if (!Object.hasOwn(recorded, k)) {
        trail.push(k);
        return { recorded: "(absent)", current: current[k], ofLength: false };
      }
    }
    return null;
  }
  return { recorded, current, ofLength: false };
}

function join(path: string, key: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(key) ? (path ? `${path}.${key}` : key) : `${path}[${JSON.stringify(key)}]`;
}

// Deeper than this a value is encoded the checked way (it says where it fails).
const PLAIN_DEPTH = 64;
// Read once: a CommonJS build (tsx) turns each use of an imported name into a getter call.
const TAG = SERDE_KEY;

/** True when `v` is plain JSON data, which is its own stored form (no walk through the encoder, no copy). */
function isPlainJson(v: unknown, depth = 0): boolean {
  switch (typeof v) {
    case "string":
    case "boolean":
      return true;
    case "number":
      return Number.isFinite(v);
    case "object": {
      if (v === null) return true;
      if (depth >= PLAIN_DEPTH) return false;
      if (Array.isArray(v)) {
        for (const item of v) if (!isPlainJson(item, depth + 1)) return false;
        return true;
      }
      const proto: unknown = Object.getPrototypeOf(v);
      if ((proto !== Object.prototype && proto !== null) || Object.hasOwn(v, TAG)) return false;
      const record = v as Record<string, unknown>;
      for (const k of Object.keys(record)) if (!isPlainJson(record[k], depth + 1)) return false;
      return true;
    }
    default:
      return false;
  }
}

/**
 * JSON form of a current value, as the record holds it. Plain JSON data (a
 * chat message, most results) is its own stored form and is returned as it
 * is; anything else goes through the encoder's checked walk, which copies.
 * (The state codec's faster path cannot be used: under `burr-ts replay` the
 * program's state may come from another copy of the runtime, whose marks of
 * values needing a tag it cannot see.)
 */
export const asJson = (v: unknown): unknown => (isPlainJson(v) ? v : encodeValue(v).json);

/** A step's changes in their stored form, as the tracker wrote them. */
export function storedChanges(changes: StepChanges): StepChanges {
  const set: Record<string, unknown> = {};
  for (const k of Object.keys(changes.set)) set[k] = asJson(changes.set[k]);
  const appended: Record<string, unknown[]> = {};
  for (const k of Object.keys(changes.appended)) appended[k] = changes.appended[k].map(asJson);
  return { set, appended, deleted: changes.deleted };
}

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

/** Adds the keys not yet in `keys` (a step writes a few: a scan beats a Set), leaving out Burr's bookkeeping. */
function addKeys(keys: string[], more: readonly string[]): void {
  for (const k of more) if (!internal(k) && !keys.includes(k)) keys.push(k);
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
 * items (a long history is not compared again every step). `current` is in
 * its stored form (storedChanges); `currentAfter` gives live values.
 */
export function firstWriteDifference(
  recorded: StepChanges,
  current: StepChanges,
  recordedAfter: Record<string, unknown> | null,
  currentAfter: (key: string) => unknown,
): Difference | null {
  const keys: string[] = [];
  for (const c of [recorded, current]) {
    addKeys(keys, Object.keys(c.set));
    addKeys(keys, Object.keys(c.appended));
    addKeys(keys, c.deleted);
  }
  for (const key of keys) {
    if (Object.hasOwn(recorded.appended, key) && Object.hasOwn(current.appended, key)) {
      const d = firstDifference(recorded.appended[key], current.appended[key], key);
      if (d) return { path: key, recorded: writeOf(recorded, key), current: writeOf(current, key) };
      continue;
    }
    if (recordedAfter === null) {
      // Only what each side wrote is known (a compact record): compare the writes.
      const r = writeOf(recorded, key);
      const now = writeOf(current, key);
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
      if (firstDifference(r.slice(r.length - added.length), added, key) === null) continue;
    }
    const now = v === undefined ? "(absent)" : asJson(v);
    if (firstDifference(r, now, key)) return { path: key, recorded: writeOf(recorded, key), current: writeOf(current, key) };
  }
  return null;
}

// What one step changed in the state: added, removed and changed keys, and
// for arrays that only grew, the appended items. Burr's internal keys
// (__SEQUENCE_ID, __PRIOR_STEP) change every step and are left out.

import type { StateChange } from "../../../../webview/src/protocol/runs.js";
export type { StateChange };

export function isInternalKey(key: string): boolean {
  return key.startsWith("__");
}

export function diffState(before: Record<string, unknown> | null, after: Record<string, unknown> | null): StateChange {
  const change: StateChange = { added: [], removed: [], changed: [], appended: [] };
  const prev = before ?? {};
  const next = after ?? {};
  for (const key of Object.keys(next)) {
    if (isInternalKey(key)) continue;
    if (!(key in prev)) {
      change.added.push({ key, value: next[key] });
      continue;
    }
    const a = prev[key];
    const b = next[key];
    if (deepEqual(a, b)) continue;
    if (Array.isArray(a) && Array.isArray(b) && b.length > a.length && a.every((x, i) => deepEqual(x, b[i]))) {
      change.appended.push({ key, items: b.slice(a.length) });
    } else {
      change.changed.push({ key, before: a, after: b });
    }
  }
  for (const key of Object.keys(prev)) {
    if (!isInternalKey(key) && !(key in next)) change.removed.push({ key, value: prev[key] });
  }
  return change;
}

export function isEmptyChange(c: StateChange): boolean {
  return !c.added.length && !c.removed.length && !c.changed.length && !c.appended.length;
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return Number.isNaN(a) && Number.isNaN(b);
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    return a.length === bb.length && a.every((x, i) => deepEqual(x, bb[i]));
  }
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  const ob = b as Record<string, unknown>;
  return ka.every((k) => k in ob && deepEqual((a as Record<string, unknown>)[k], ob[k]));
}

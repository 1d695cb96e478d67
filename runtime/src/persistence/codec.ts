// How a step's state becomes a stored row: a full snapshot (the serialized
// state) or a delta (what the step changed), and back. Rows hold the stored
// (serde-tagged) form; only plainToState turns tags back into values.
import { State } from "../state/state.js";
import type { StepChanges } from "../lifecycle/hooks.js";
import { encodeChanges } from "../state/serde/codec.js";
import { PersistenceError } from "./errors.js";

export type PlainState = Record<string, unknown>;
export type RowKind = "full" | "delta";

/** The stored form of a delta: short keys, empty parts left out. */
interface StoredDelta {
  s?: Record<string, unknown>;
  a?: Record<string, unknown[]>;
  d?: string[];
}

export function stateToPlain(state: State): PlainState {
  return state.serialize() as PlainState;
}

export function plainToState(plain: PlainState): State {
  return State.deserialize(plain);
}

export function encodeDelta(raw: StepChanges): string {
  const changes = encodeChanges(raw);
  const d: StoredDelta = {};
  if (changes.set && Object.keys(changes.set).length) d.s = changes.set;
  if (changes.appended && Object.keys(changes.appended).length) d.a = changes.appended;
  if (changes.deleted && changes.deleted.length) d.d = changes.deleted;
  return JSON.stringify(d);
}

export function decodeDelta(text: string | StoredDelta): StepChanges {
  const d: StoredDelta = typeof text === "string" ? (JSON.parse(text) as StoredDelta) : text;
  return { set: d.s ?? {}, appended: d.a ?? {}, deleted: d.d ?? [] };
}

/** Applies one step's changes in place (the caller owns `target`). */
export function applyChanges(target: PlainState, changes: StepChanges): void {
  for (const [key, value] of Object.entries(changes.set)) setKey(target, key, value);
  for (const [key, items] of Object.entries(changes.appended)) {
    const current = target[key];
    // A loop, not push(...items): a step may append more items than fit in a call's arguments.
    if (Array.isArray(current) && Object.prototype.hasOwnProperty.call(target, key)) for (const item of items) current.push(item);
    else setKey(target, key, Array.from(items));
  }
  for (const key of changes.deleted) delete target[key];
}

// Keys come from stored rows and logs: "__proto__" must stay a plain key.
function setKey(target: PlainState, key: string, value: unknown): void {
  if (key === "__proto__") Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
  else target[key] = value;
}

/** Which stored rows are being rebuilt, for the error when they cannot be. */
export interface RowsOf {
  appId: string;
  partitionKey: string | null;
  /** The table (or file) the rows came from. */
  table?: string;
}

/** Rebuilds a full state from a snapshot row and the delta rows after it, oldest first. */
export function replay(rows: Array<{ kind: RowKind; state: string | object }>, of?: RowsOf): PlainState {
  if (!rows.length || rows[0].kind !== "full") {
    const whose = of ? `app "${of.appId}"${of.table ? ` in ${of.table}` : ""}` : "the app";
    throw new PersistenceError(
      rows.length
        ? `Cannot rebuild the state of ${whose}: its stored rows start with a delta, not a full snapshot. ` +
            `The rows were deleted or edited by hand; restore the full row, or delete the app's rows and start it again`
        : `Cannot rebuild the state of ${whose}: no stored rows were given`,
      undefined,
      of ? { appId: of.appId, partitionKey: of.partitionKey } : {},
    );
  }
  const first = rows[0].state;
  const plain = (typeof first === "string" ? JSON.parse(first) : structuredClone(first)) as PlainState;
  for (let i = 1; i < rows.length; i++) {
    const row = rows[i];
    if (row.kind === "full") {
      const s = row.state;
      Object.keys(plain).forEach((k) => delete plain[k]);
      Object.assign(plain, typeof s === "string" ? JSON.parse(s) : structuredClone(s));
    } else applyChanges(plain, decodeDelta(row.state as string | StoredDelta));
  }
  return plain;
}

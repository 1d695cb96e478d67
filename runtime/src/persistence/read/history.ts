// One app's stored history as steps with states: the head branch's rows
// (after rewinds), each state rebuilt from the last full row and the deltas
// after it. States stay in the stored (serde-tagged) form; State.deserialize
// turns one into a State. Rows that a persister would not write raise a
// PersistedRowError, or, with `badRows: "report"`, leave that step's state
// null and are listed in `problems`.
import { applyChanges, decodeDelta, type PlainState } from "../codec.js";
import { ROOT_BRANCH, branchHolding, headOf, rootBranch, type BranchRecord } from "../lineage.js";
import type { StepChanges } from "../../lifecycle/hooks.js";
import { PersistedRowError, type RowPlace } from "./errors.js";
import { branchRows, stepRows, type PersisterTable, type RawBranchRow, type RawStepRow } from "./tables.js";

export interface ReadHistoryOptions {
  /** "throw" (default): the first bad row throws. "report": its state is null and the error is in `problems`. */
  badRows?: "throw" | "report";
  /**
   * "full" (default): every step's whole state. "delta": a delta row's step keeps
   * `state: null` and its `delta`, rebuilt only when looked at (stateAt from
   * "burr-ts"), so reading a long history costs O(rows), not O(rows x state).
   */
  states?: "full" | "delta";
}

export interface PersistedStepRecord {
  sequenceId: number;
  /** The action that ran at this step. */
  position: string;
  /** "completed" or "failed" as the persister stored it. */
  status: string;
  /** Epoch ms; null when the row has no readable time. */
  createdAt: number | null;
  /** The whole state after this step in stored form, or null when it cannot be rebuilt (or is left as `delta`). */
  state: PlainState | null;
  /** With states: "delta", what a delta row's step changed (state is then null). */
  delta?: StepChanges;
}

export interface PersistedHistory {
  table: string;
  partitionKey: string | null;
  appId: string;
  layout: PersisterTable["layout"];
  /** The branch shown: the newest one (0 unless the app was rewound). */
  headBranch: number;
  steps: PersistedStepRecord[];
  /** Bad rows met (only with badRows: "report"). */
  problems: PersistedRowError[];
}

/** SQLite's CURRENT_TIMESTAMP is UTC without a zone; say so before parsing. Unreadable times are null. */
export function rowTime(v: unknown): number | null {
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? null : v.getTime();
  if (typeof v === "number") return Number.isFinite(v) ? v : null;
  if (typeof v !== "string") return null;
  const iso = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d+)?$/.test(v) ? `${v.replace(" ", "T")}Z` : v;
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? null : ms;
}

/** Reads and decodes one app's history from a persister table. */
export async function readPersistedHistory(
  t: PersisterTable, partitionKey: string | null, appId: string, options: ReadHistoryOptions = {},
): Promise<PersistedHistory> {
  const history: PersistedHistory = { table: t.table, partitionKey: partitionKey || null, appId, layout: t.layout, headBranch: ROOT_BRANCH, steps: [], problems: [] };
  const place = (sequenceId: number | null, column: string): RowPlace => ({ table: t.table, partitionKey: partitionKey || null, appId, sequenceId, column });
  const bad = (err: PersistedRowError): void => {
    if (options.badRows !== "report") throw err;
    history.problems.push(err);
  };
  const rows = await stepRows(t, partitionKey, appId);
  // SQLite stores state as TEXT; pg hands JSONB over parsed.
  const jsonText = t.driver.dialect === "sqlite";
  if (t.layout === "burr") {
    for (const r of rows) {
      const step = stepOf(r, place, bad);
      if (!step) continue;
      try {
        step.state = objectOf(r.state, place(step.sequenceId, "state"), jsonText);
      } catch (err) {
        if (!(err instanceof PersistedRowError)) throw err;
        bad(err);
      }
      history.steps.push(step);
    }
    return history;
  }
  const branches = branchMap(await branchRows(t, partitionKey, appId), place, bad);
  const head = headOf(branches);
  history.headBranch = head;
  const chosen = new Map<number, { row: RawStepRow; step: PersistedStepRecord }>();
  for (const r of rows) {
    const step = stepOf(r, place, bad);
    if (!step) continue;
    if (integer(r.branch) === branchHolding(branches, head, step.sequenceId)) chosen.set(step.sequenceId, { row: r, step });
  }
  const lazy = options.states === "delta";
  // The state after the previous row; `known` alone when deltas are left unapplied.
  let state: PlainState | null = null;
  let known = false;
  for (const { row, step } of [...chosen.values()].sort((a, b) => a.step.sequenceId - b.step.sequenceId)) {
    try {
      if (row.kind === "full") {
        state = objectOf(row.state, place(step.sequenceId, "state"), jsonText);
        step.state = state;
      } else if (row.kind !== "delta") throw new PersistedRowError(place(step.sequenceId, "kind"), `is ${JSON.stringify(row.kind)}, not "full" or "delta"`);
      else if (!known) throw new PersistedRowError(place(step.sequenceId, "state"), "holds a delta with no full row before it, so the state is unknown");
      else {
        const delta = deltaOf(row.state, place(step.sequenceId, "state"), jsonText);
        if (lazy) step.delta = delta;
        else {
          state = structuredClone(state!);
          applyChanges(state, delta);
          step.state = state;
        }
      }
      known = true;
    } catch (err) {
      if (!(err instanceof PersistedRowError)) throw err;
      bad(err);
      // Until the next full row no state can be rebuilt, eagerly or later.
      state = null;
      known = false;
    }
    history.steps.push(step);
  }
  return history;
}

/** What a wrong value is, in words. */
function kindOf(v: unknown): string {
  if (v === null || v === undefined) return "null";
  if (Array.isArray(v)) return "an array";
  if (v instanceof Uint8Array) return "a blob";
  return typeof v;
}

function integer(v: unknown): number | null {
  const n = typeof v === "bigint" ? Number(v) : typeof v === "string" && /^-?\d+$/.test(v) ? Number(v) : v;
  return typeof n === "number" && Number.isSafeInteger(n) ? n : null;
}

/** The row's fixed columns, checked; null (after reporting) when the step cannot even be placed. */
function stepOf(r: RawStepRow, place: (s: number | null, c: string) => RowPlace, bad: (e: PersistedRowError) => void): PersistedStepRecord | null {
  const sequenceId = integer(r.sequence_id);
  if (sequenceId === null || sequenceId < 0) {
    bad(new PersistedRowError(place(null, "sequence_id"), `is ${JSON.stringify(String(r.sequence_id))}, not a step number`));
    return null;
  }
  if (typeof r.position !== "string") {
    bad(new PersistedRowError(place(sequenceId, "position"), `is ${kindOf(r.position)}, not the name of an action`));
    return null;
  }
  return { sequenceId, position: r.position, status: typeof r.status === "string" ? r.status : String(r.status), createdAt: rowTime(r.created_at), state: null };
}

/** A full state: JSON text (SQLite) or an already parsed JSONB value (PostgreSQL, where a string is a JSON string) holding an object. */
function objectOf(v: unknown, at: RowPlace, jsonText: boolean): PlainState {
  let value = v;
  if (typeof v === "string" && jsonText) {
    try {
      value = JSON.parse(v) as unknown;
    } catch (err) {
      throw new PersistedRowError(at, `is not valid JSON (${(err as Error).message})`, err);
    }
  }
  if (!value || typeof value !== "object" || Array.isArray(value) || value instanceof Uint8Array) {
    throw new PersistedRowError(at, `holds ${kindOf(value)}, not a JSON object of state keys`);
  }
  return value as PlainState;
}

/** A delta row: { s?: {key: value}, a?: {key: [items]}, d?: [keys] }. */
function deltaOf(v: unknown, at: RowPlace, jsonText: boolean): StepChanges {
  const d = objectOf(v, at, jsonText);
  const isRecord = (x: unknown): boolean => x === undefined || (!!x && typeof x === "object" && !Array.isArray(x));
  if (!isRecord(d.s)) throw new PersistedRowError(at, `holds a delta whose "s" (keys set) is not an object`);
  if (!isRecord(d.a) || Object.values((d.a ?? {}) as object).some((items) => !Array.isArray(items))) {
    throw new PersistedRowError(at, `holds a delta whose "a" (items appended) is not an object of arrays`);
  }
  if (d.d !== undefined && !(Array.isArray(d.d) && d.d.every((k) => typeof k === "string"))) {
    throw new PersistedRowError(at, `holds a delta whose "d" (keys deleted) is not an array of key names`);
  }
  return decodeDelta(d as Parameters<typeof decodeDelta>[0]);
}

function branchMap(rows: RawBranchRow[], place: (s: number | null, c: string) => RowPlace, bad: (e: PersistedRowError) => void): Map<number, BranchRecord> {
  const branches = new Map<number, BranchRecord>([[ROOT_BRANCH, rootBranch()]]);
  for (const b of rows) {
    const branch = integer(b.branch);
    const parentBranch = b.parent_branch === null ? null : integer(b.parent_branch);
    const forkSequenceId = b.fork_sequence_id === null ? null : integer(b.fork_sequence_id);
    if (branch === null || (b.parent_branch !== null && parentBranch === null) || (b.fork_sequence_id !== null && forkSequenceId === null)) {
      const at = place(forkSequenceId, "branch");
      bad(new PersistedRowError({ ...at, table: `${at.table}_branches` }, `holds ${JSON.stringify([b.branch, b.parent_branch, b.fork_sequence_id].map(String))}, not branch numbers`));
      continue;
    }
    branches.set(branch, { branch, parentBranch, forkSequenceId, createdAt: new Date(0) });
  }
  return branches;
}

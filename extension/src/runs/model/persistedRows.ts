// Rows of a persister table shown as projects, apps and steps: Burr's schema
// (partition_key, app_id, sequence_id, position, status, state, created_at) or
// burr-ts's (the same plus branch and kind: full or delta rows).
// Persisters have no project: the partition key plays that part.
import { applyChanges, decodeDelta } from "../../../../runtime/src/persistence/codec.js";
import { ROOT_BRANCH, branchHolding, headOf, rootBranch, type BranchRecord } from "../../../../runtime/src/persistence/lineage.js";
import type { AppRun, AppSummary, ProjectSummary, StepRecord } from "./types.js";

export const NO_PARTITION = "(no partition key)";

export interface AppRow {
  partitionKey: string;
  appId: string;
  lastSequenceId: number;
  lastStatus: string;
  lastWritten: string | Date | null;
}

export interface StepRow {
  sequenceId: number;
  position: string;
  status: string;
  state: unknown;
  createdAt: string | Date | null;
}

export function projectName(partitionKey: string | null): string {
  return partitionKey ? partitionKey : NO_PARTITION;
}

export function partitionOf(project: string): string {
  return project === NO_PARTITION ? "" : project;
}

/** SQLite's CURRENT_TIMESTAMP is UTC without a zone; say so before parsing. */
export function rowTime(v: string | Date | null): number {
  if (v === null) return 0;
  if (v instanceof Date) return v.getTime();
  const iso = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d+)?$/.test(v) ? `${v.replace(" ", "T")}Z` : v;
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? 0 : ms;
}

export function projectsFromApps(apps: AppRow[]): ProjectSummary[] {
  const map = new Map<string, ProjectSummary>();
  for (const a of apps) {
    const name = projectName(a.partitionKey);
    const p = map.get(name) ?? { name, appCount: 0, lastWritten: 0 };
    p.appCount++;
    p.lastWritten = Math.max(p.lastWritten, rowTime(a.lastWritten));
    map.set(name, p);
  }
  return [...map.values()].sort((a, b) => b.lastWritten - a.lastWritten);
}

export function appSummary(a: AppRow): AppSummary {
  return {
    appId: a.appId, partitionKey: a.partitionKey || null, steps: a.lastSequenceId + 1,
    lastWritten: rowTime(a.lastWritten), status: a.lastStatus === "failed" ? "failed" : "completed",
  };
}

export function runFromRows(partitionKey: string, rows: StepRow[]): AppRun {
  const warnings: string[] = ["A persister stores state only: no graph, inputs, results or timing (use withTracker for those)"];
  const steps: StepRecord[] = rows.map((r) => {
    let state: Record<string, unknown> | null = null;
    try {
      const v = typeof r.state === "string" ? (JSON.parse(r.state) as unknown) : r.state;
      state = v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
      if (!state) warnings.push(`step ${r.sequenceId}: state is not a JSON object`);
    } catch {
      warnings.push(`step ${r.sequenceId}: state is not valid JSON, shown as missing`);
    }
    const t = rowTime(r.createdAt) || null;
    return {
      sequenceId: r.sequenceId, action: r.position, inputs: {}, result: null, state,
      error: r.status === "failed" ? `${r.position} failed (the persister records the status, not the error)` : null,
      startTime: t, endTime: t, spans: [], attributes: {}, stream: null,
    };
  });
  return { graph: null, steps, children: [], warnings, partitionKey: partitionKey || null, parent: null, spawningParent: null, compact: false };
}

/** Table names go into SQL text, so only plain identifiers are accepted. */
export function checkTableName(name: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new Error(`Invalid table name ${JSON.stringify(name)}: use letters, digits and _`);
  return name;
}

/** "path/to.db" or "path/to.db#table"; "postgresql://…#table" likewise. */
export function splitTable(spec: string): { target: string; table: string } {
  const hash = spec.lastIndexOf("#");
  if (hash < 0) return { target: spec, table: "burr_state" };
  return { target: spec.slice(0, hash), table: checkTableName(spec.slice(hash + 1)) };
}

/** burr-ts's own persister tables add `branch` (rewinds) and `kind` (full or delta row). */
export interface BurrTsStepRow extends StepRow {
  kind: string;
  branch: number;
}

export interface BranchRow {
  branch: number;
  parentBranch: number | null;
  forkSequenceId: number | null;
}

/** The head branch's history, each step's state rebuilt from the last full row and the deltas after it. */
export function runFromBurrTsRows(partitionKey: string, rows: BurrTsStepRow[], branchRows: BranchRow[]): AppRun {
  const branches = new Map<number, BranchRecord>([[ROOT_BRANCH, rootBranch()]]);
  for (const b of branchRows) branches.set(Number(b.branch), { branch: Number(b.branch), parentBranch: b.parentBranch === null ? null : Number(b.parentBranch), forkSequenceId: b.forkSequenceId === null ? null : Number(b.forkSequenceId), createdAt: new Date(0) });
  const head = headOf(branches);
  const chosen = new Map<number, BurrTsStepRow>();
  for (const r of rows) {
    if (Number(r.branch) === branchHolding(branches, head, Number(r.sequenceId))) chosen.set(Number(r.sequenceId), r);
  }
  const ordered = [...chosen.values()].sort((a, b) => a.sequenceId - b.sequenceId);
  const run = runFromRows(partitionKey, []);
  let state: Record<string, unknown> | null = null;
  for (const r of ordered) {
    try {
      if (r.kind === "full") state = (typeof r.state === "string" ? JSON.parse(r.state) : structuredClone(r.state)) as Record<string, unknown>;
      else if (state) {
        state = structuredClone(state);
        applyChanges(state, decodeDelta(r.state as string));
      } else run.warnings.push(`step ${r.sequenceId}: a delta row with no full row before it; state unknown`);
    } catch (err) {
      run.warnings.push(`step ${r.sequenceId}: state cannot be decoded (${(err as Error).message})`);
      state = null;
    }
    const t = rowTime(r.createdAt) || null;
    run.steps.push({
      sequenceId: Number(r.sequenceId), action: r.position, inputs: {}, result: null, state,
      error: r.status === "failed" ? `${r.position} failed (the persister records the status, not the error)` : null,
      startTime: t, endTime: t, spans: [], attributes: {}, stream: null,
    });
  }
  if (head !== ROOT_BRANCH) run.warnings.push(`Showing branch ${head}, the latest history after a rewind`);
  return run;
}

// A persister table seen as the run views see a tracking directory: projects
// (one per partition key: persisters have no project), apps and runs, in the
// TrackingReader's types (../../tracking/types.ts). Used by the VS Code
// Tracked Runs view and by any Node program that shows persisted runs.
import type { AppRun, AppSummary, ProjectSummary, ReadAppOptions, StepRecord } from "../../tracking/types.js";
import type { QueryDriver } from "./driver.js";
import { readPersistedHistory, rowTime, type PersistedHistory } from "./history.js";
import { latestRows, openPersisterTable, type PersisterTable, type RawAppRow } from "./tables.js";

/** The project name of the empty (or NULL) partition key. */
export const NO_PARTITION = "(no partition key)";

export function projectOfPartition(partitionKey: string | null): string {
  return partitionKey ? partitionKey : NO_PARTITION;
}

export function partitionOfProject(project: string): string {
  return project === NO_PARTITION ? "" : project;
}

/** One app's newest step, as listed. */
export interface PersistedAppRow {
  partitionKey: string;
  appId: string;
  lastSequenceId: number;
  lastPosition: string;
  lastStatus: string;
  /** Epoch ms, 0 when unreadable. */
  lastWritten: number;
}

/** Every app in the table (or in one partition), newest step of each. Rows with unreadable ids are left out. */
export async function listPersistedApps(t: PersisterTable, partitionKey?: string | null): Promise<PersistedAppRow[]> {
  return (await latestRows(t, partitionKey)).flatMap((r: RawAppRow) => {
    const seq = typeof r.sequence_id === "bigint" ? Number(r.sequence_id) : Number(r.sequence_id);
    if (typeof r.app_id !== "string" || !Number.isSafeInteger(seq)) return [];
    return [{
      partitionKey: typeof r.partition_key === "string" ? r.partition_key : "", appId: r.app_id, lastSequenceId: seq,
      lastPosition: String(r.position), lastStatus: String(r.status), lastWritten: rowTime(r.created_at) ?? 0,
    }];
  });
}

const STATE_ONLY = "A persister stores state only: no graph, inputs, results or timing (use withTracker for those)";

/** A stored history as the run views show it: one StepRecord per step, problems as warnings. */
export function historyToRun(h: PersistedHistory): AppRun {
  const warnings = [STATE_ONLY, ...h.problems.map((p) => p.message)];
  const steps: StepRecord[] = h.steps.map((s) => ({
    sequenceId: s.sequenceId, action: s.position, inputs: {}, result: null, state: s.state, ...(s.delta ? { stateDelta: s.delta } : {}),
    error: s.status === "failed" ? `${s.position} failed (the persister records the status, not the error)` : null,
    startTime: s.createdAt, endTime: s.createdAt, spans: [], attributes: {}, stream: null,
  }));
  if (h.headBranch !== 0) warnings.push(`Showing branch ${h.headBranch}, the latest history after a rewind`);
  return { graph: null, steps, children: [], warnings, partitionKey: h.partitionKey, parent: null, spawningParent: null, compact: false };
}

/** Reads one persister table through a driver, shaped like TrackingReader (projects are partition keys). */
export class PersistedRunReader {
  private opened: Promise<PersisterTable> | null = null;

  constructor(readonly driver: QueryDriver, readonly table = "burr_state") {}

  /** The table and its layout, looked up once (again after a failure). */
  persisterTable(): Promise<PersisterTable> {
    this.opened ??= openPersisterTable(this.driver, this.table);
    this.opened.catch(() => (this.opened = null));
    return this.opened;
  }

  async listProjects(): Promise<ProjectSummary[]> {
    const map = new Map<string, ProjectSummary>();
    for (const a of await listPersistedApps(await this.persisterTable())) {
      const name = projectOfPartition(a.partitionKey);
      const p = map.get(name) ?? { name, appCount: 0, lastWritten: 0 };
      p.appCount++;
      p.lastWritten = Math.max(p.lastWritten, a.lastWritten);
      map.set(name, p);
    }
    return [...map.values()].sort((a, b) => b.lastWritten - a.lastWritten);
  }

  async listApps(project: string): Promise<AppSummary[]> {
    const apps = await listPersistedApps(await this.persisterTable(), partitionOfProject(project));
    return apps
      .map((a): AppSummary => ({
        appId: a.appId, partitionKey: a.partitionKey || null, steps: a.lastSequenceId + 1,
        lastWritten: a.lastWritten, status: a.lastStatus === "failed" ? "failed" : "completed",
      }))
      .sort((a, b) => b.lastWritten - a.lastWritten);
  }

  /**
   * The app's run; bad rows become warnings and steps with no state, as a viewer wants.
   * states: "delta" leaves delta rows' steps as `stateDelta` (rebuild one with the tracking module's stateAt).
   */
  async readApp(project: string, appId: string, options: ReadAppOptions = {}): Promise<AppRun> {
    const history = await readPersistedHistory(await this.persisterTable(), partitionOfProject(project), appId, { badRows: "report", states: options.states });
    return historyToRun(history);
  }
}

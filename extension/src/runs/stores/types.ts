// The run data is the runtime TrackingReader's (runtime/src/tracking/types.ts); a
// RunStore is one place runs come from. No vscode, no Node-only types.

export type {
  AppRun, AppStatus, AppSummary, ChildPointer, ProjectSummary, RunPointer, SpanRecord, StepRecord, StreamRecord,
} from "../../../../runtime/src/tracking/types.js";
import type { AppRun, AppSummary, ProjectSummary } from "../../../../runtime/src/tracking/types.js";

/** One place runs come from: a tracking directory or a persister database. */
export interface RunStore {
  /** Stable id, e.g. "dir:/home/u/.burr" or "sqlite:/tmp/app.db#burr_state". */
  readonly id: string;
  /** What the user sees on the store's node. */
  readonly label: string;
  readonly kind: "trackingDir" | "sqlite" | "postgres";
  listProjects(): Promise<ProjectSummary[]>;
  listApps(project: string): Promise<AppSummary[]>;
  readApp(project: string, appId: string): Promise<AppRun>;
  /** Removes the run; stores that cannot delete throw with a reason. */
  deleteApp(project: string, appId: string): Promise<void>;
  /** The directory of a tracked app (for replay), when the store is a tracking dir. */
  appDirectory?(project: string, appId: string): string;
  close?(): Promise<void>;
}

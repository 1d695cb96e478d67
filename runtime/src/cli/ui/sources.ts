// Where the runs UI reads runs from: the tracking directory (TrackingReader)
// and persister databases. Each source lists projects and apps and reads one
// run with compact states left as deltas (the browser rebuilds a step's state
// only when it is shown), the same shapes the editor's Tracked Runs use.
import type { AnnotationStore } from "../../tracking/annotations.js";
import type { AppRun, AppSummary, ProjectSummary } from "../../tracking/types.js";

export type SourceKind = "trackingDir" | "sqlite" | "postgres";

export interface SourceInfo {
  id: string;
  label: string;
  kind: SourceKind;
}

/** What changed: a project's list of apps (appId null), one app's run, or the list of projects (both null). */
export interface ChangeEvent {
  source: string;
  project: string | null;
  appId: string | null;
}

export interface UiSource extends SourceInfo {
  listProjects(): Promise<ProjectSummary[]>;
  listApps(project: string): Promise<AppSummary[]>;
  /** The run, compact states left as deltas. */
  readApp(project: string, appId: string): Promise<AppRun>;
  /** Changes whenever the run does (a log's size and time); null when there is no cheap mark (then no caching). */
  runVersion?(project: string, appId: string): string | null;
  /** Starts following changes; the returned function stops. */
  watch(onChange: (e: ChangeEvent) => void): () => void;
  /** Tells the source someone looks at this app now (its log is followed closely). */
  touch?(project: string, appId: string): void;
  /** Annotations kept with this source's runs, when it keeps any. */
  annotations?(project: string): AnnotationStore;
  close?(): Promise<void>;
}

export class NotFoundError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "NotFoundError";
  }
}

// The shell's side of the runs UI server: typed fetch calls for the JSON API
// and the change stream (EventSource). Errors arrive as { error: { message } }
// and become Errors with that message.
import type { AppRun, AppSummary, ProjectSummary, StepRecord } from "../../../runtime/src/tracking/types.js";
import type { Annotation, AnnotationObservation } from "../protocol/runs.js";

/** The body of POST /api/annotations (the server checks every field). */
export interface NewAnnotation {
  appId: string;
  partitionKey: string | null;
  stepSequenceId: number;
  spanId: string | null;
  stepName: string;
  tags: string[];
  observations: AnnotationObservation[];
}

export type AnnotationChange = Partial<Pick<NewAnnotation, "spanId" | "tags" | "observations">>;

export interface SourceInfo {
  id: string;
  label: string;
  kind: "trackingDir" | "sqlite" | "postgres";
}

export interface ChangeEvent {
  type: "changed";
  source: string;
  project: string | null;
  appId: string | null;
}

async function call<T>(path: string, params: Record<string, string | null | undefined>, init?: RequestInit): Promise<T> {
  const query = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null) query.set(k, v);
  const q = query.toString();
  const res = await fetch(`${path}${q ? `?${q}` : ""}`, { credentials: "same-origin", ...init });
  const body = (await res.json().catch(() => null)) as unknown;
  if (!res.ok) {
    const message = (body as { error?: { message?: string } } | null)?.error?.message;
    throw new Error(message ?? `${res.status} ${res.statusText} from ${path}`);
  }
  return body as T;
}

const write = (method: string, body?: unknown): RequestInit => ({
  method,
  headers: body === undefined ? {} : { "content-type": "application/json" },
  body: body === undefined ? undefined : JSON.stringify(body),
});

export const api = {
  sources: () => call<SourceInfo[]>("/api/sources", {}),
  projects: (source: string) => call<ProjectSummary[]>("/api/projects", { source }),
  apps: (source: string, project: string) => call<AppSummary[]>("/api/apps", { source, project }),
  /** The run with step summaries (no states, inputs, results or spans): what the tree shows. */
  run: (source: string, project: string, app: string) => call<AppRun>("/api/run", { source, project, app }),
  /** One step and the one before it, whole (states rebuilt): what the run view shows. */
  step: (source: string, project: string, app: string, seq: number) =>
    call<{ step: StepRecord; previous: StepRecord | null }>("/api/step", { source, project, app, seq: String(seq) }),
  annotations: (source: string, project: string, app?: string) => call<Annotation[]>("/api/annotations", { source, project, app }),
  annotate: (source: string, project: string, input: NewAnnotation) => call<Annotation>("/api/annotations", { source, project }, write("POST", input)),
  updateAnnotation: (source: string, project: string, id: number, patch: AnnotationChange) =>
    call<Annotation>("/api/annotations", { source, project, id: String(id) }, write("PATCH", patch)),
  deleteAnnotation: (source: string, project: string, id: number) => call<{ deleted: number }>("/api/annotations", { source, project, id: String(id) }, write("DELETE")),
};

/** Follows the server's change stream; EventSource reconnects by itself (retry: 1000). */
export function followChanges(onChange: (e: ChangeEvent) => void, onState: (connected: boolean) => void): () => void {
  const events = new EventSource("/api/events", { withCredentials: true });
  events.onopen = () => onState(true);
  events.onerror = () => onState(false);
  events.onmessage = (m: MessageEvent<string>) => {
    try {
      const e = JSON.parse(m.data) as ChangeEvent;
      if (e.type === "changed") onChange(e);
    } catch {
      // Not ours: ignore.
    }
  };
  return () => events.close();
}

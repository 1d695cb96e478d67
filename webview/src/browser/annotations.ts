// Annotations in the browser runs UI, hosted like the extension hosts them
// (extension/src/runs/annotations/session.ts): per project, the list read from
// the server; the run view's annotate / update / delete requests carried out
// over the API and answered; the shown step's annotations sent after its
// `step` message and again after every change (ours or another writer's).
import type { Annotation, HostToRunView, RunViewToHost, StepAnnotations } from "../protocol/runs.js";
import { api } from "./api.js";

export type AnnotationRequest = Extract<RunViewToHost, { type: "annotate" | "updateAnnotation" | "deleteAnnotation" }>;

export interface ShownStep {
  sourceId: string;
  project: string;
  appId: string;
  partitionKey: string | null;
  sequenceId: number;
  action: string;
}

interface ProjectState {
  list: Annotation[];
  /** Why this project's annotations cannot be written (a database source, an unreadable file). */
  readOnly: string | null;
}

const key = (sourceId: string, project: string) => `${sourceId}\u0000${project}`;

export function isOfStep(a: Annotation, s: Pick<ShownStep, "appId" | "partitionKey" | "sequenceId">): boolean {
  return a.app_id === s.appId && a.step_sequence_id === s.sequenceId && (a.partition_key || null) === (s.partitionKey || null);
}

export class BrowserAnnotations {
  private readonly projects = new Map<string, ProjectState>();
  private readonly loading = new Map<string, Promise<boolean>>();

  constructor(private readonly onChange: (sourceId: string, project: string) => void) {}

  has(sourceId: string, project: string): boolean {
    return this.projects.has(key(sourceId, project));
  }

  /** Reads the project's annotations; true (and onChange) when they differ from what was known. */
  load(sourceId: string, project: string): Promise<boolean> {
    const k = key(sourceId, project);
    const running = this.loading.get(k);
    if (running) return running;
    const job = (async () => {
      let next: ProjectState;
      try {
        next = { list: await api.annotations(sourceId, project), readOnly: null };
      } catch (err) {
        next = { list: [], readOnly: (err as Error).message };
      }
      const before = this.projects.get(k);
      this.projects.set(k, next);
      const changed = !before || JSON.stringify(before) !== JSON.stringify(next);
      if (changed) this.onChange(sourceId, project);
      return changed;
    })().finally(() => this.loading.delete(k));
    this.loading.set(k, job);
    return job;
  }

  list(sourceId: string, project: string): Annotation[] {
    return this.projects.get(key(sourceId, project))?.list ?? [];
  }

  tagsOf(sourceId: string, project: string, appId: string, sequenceId?: number): string[] {
    return this.list(sourceId, project)
      .filter((a) => a.app_id === appId && (sequenceId === undefined || a.step_sequence_id === sequenceId))
      .flatMap((a) => a.tags);
  }

  /** Annotations per action name of one run, for the graph's badges. */
  perAction(sourceId: string, project: string, appId: string, partitionKey: string | null, actionOf: Map<number, string>): Record<string, number> {
    const out: Record<string, number> = {};
    for (const a of this.list(sourceId, project)) {
      if (a.app_id !== appId || (a.partition_key || null) !== (partitionKey || null)) continue;
      const action = actionOf.get(a.step_sequence_id) ?? a.step_name;
      out[action] = (out[action] ?? 0) + 1;
    }
    return out;
  }

  /** The message the run view gets for the shown step. */
  stepMessage(s: ShownStep): HostToRunView {
    const state = this.projects.get(key(s.sourceId, s.project));
    const all = state?.list ?? [];
    const data: StepAnnotations = {
      project: s.project, appId: s.appId, partitionKey: s.partitionKey, sequenceId: s.sequenceId,
      annotations: all.filter((a) => isOfStep(a, s)),
      projectTags: [...new Set(all.flatMap((a) => a.tags))].sort(),
      writable: state !== undefined && state.readOnly === null,
      readOnlyReason: state === undefined ? "Annotations are loading." : state.readOnly,
    };
    return { type: "annotations", data };
  }

  /** Carries out one request of the run view and answers it; a refused request says why. */
  async handle(m: AnnotationRequest, s: ShownStep, send: (m: HostToRunView) => void): Promise<void> {
    let error: string | null = null;
    try {
      switch (m.type) {
        case "annotate":
          await api.annotate(s.sourceId, s.project, {
            appId: s.appId, partitionKey: s.partitionKey, stepSequenceId: s.sequenceId, stepName: s.action,
            spanId: m.draft.spanId, tags: m.draft.tags, observations: m.draft.observations,
          });
          break;
        case "updateAnnotation":
          await api.updateAnnotation(s.sourceId, s.project, m.id, { spanId: m.draft.spanId, tags: m.draft.tags, observations: m.draft.observations });
          break;
        case "deleteAnnotation":
          await api.deleteAnnotation(s.sourceId, s.project, m.id);
          break;
      }
    } catch (err) {
      const what = m.type === "annotate" ? "add the annotation" : m.type === "updateAnnotation" ? `save annotation #${m.id}` : `delete annotation #${m.id}`;
      error = `Could not ${what} on step ${s.sequenceId} (${s.action}) of app ${s.appId}: ${(err as Error).message}`;
    }
    send({ type: "annotationResult", requestId: m.requestId, ok: error === null, error });
    await this.load(s.sourceId, s.project);
    send(this.stepMessage(s));
  }
}

// The annotations of the step the run view shows: answers the view's
// annotate / update / delete requests through the AnnotationIndex and sends the
// step's annotations back after every change (ours or another writer's).
// No vscode import: `send` is the panel's (or a test's) postMessage.
import type { AnnotationDraft, HostToRunView, RunViewToHost, StepAnnotations } from "../../../../webview/src/protocol/runs.js";
import type { RunStore } from "../stores/types.js";
import { isOfStep, type AnnotationIndex, type StepRef } from "./index.js";

export type AnnotationRequest = Extract<RunViewToHost, { type: "annotate" | "updateAnnotation" | "deleteAnnotation" }>;

export interface ShownStep extends StepRef {
  store: RunStore;
  project: string;
  action: string;
}

export class StepAnnotationSession {
  private disposed = false;
  private readonly subscription: { dispose(): void };

  constructor(
    private readonly index: AnnotationIndex,
    readonly step: ShownStep,
    private readonly send: (m: HostToRunView) => void,
  ) {
    this.subscription = index.onDidChange((sourceId, project) => {
      if (sourceId === step.store.id && (project === null || project === step.project)) void this.refresh();
    });
  }

  /** Reads and sends the step's annotations (errors become a read-only state with the reason). */
  async refresh(): Promise<void> {
    const s = this.step;
    const base = { project: s.project, appId: s.appId, partitionKey: s.partitionKey, sequenceId: s.sequenceId };
    const notes = this.index.forProject(s.store, s.project);
    let data: StepAnnotations;
    if (!notes) data = { ...base, annotations: [], projectTags: [], writable: false, readOnlyReason: this.index.readOnlyReason(s.store) };
    else {
      try {
        const all = await notes.list();
        const tags = [...new Set(all.flatMap((a) => a.tags))].sort();
        data = { ...base, annotations: all.filter((a) => isOfStep(a, s)), projectTags: tags, writable: true, readOnlyReason: null };
      } catch (err) {
        data = { ...base, annotations: [], projectTags: [], writable: false, readOnlyReason: `Could not read the annotations of project "${s.project}": ${(err as Error).message}` };
      }
    }
    if (!this.disposed) this.send({ type: "annotations", data });
  }

  /** Carries out one request from the view and answers it; a refused request says why. */
  async handle(m: AnnotationRequest): Promise<void> {
    const s = this.step;
    const notes = this.index.forProject(s.store, s.project);
    let error: string | null = null;
    try {
      if (!notes) throw new Error(this.index.readOnlyReason(s.store) ?? "this run cannot be annotated");
      switch (m.type) {
        case "annotate":
          checkDraft(m.draft);
          await notes.create({ appId: s.appId, partitionKey: s.partitionKey, stepSequenceId: s.sequenceId, stepName: s.action, spanId: m.draft.spanId, tags: m.draft.tags, observations: m.draft.observations });
          break;
        case "updateAnnotation":
          checkDraft(m.draft);
          await notes.update(m.id, { spanId: m.draft.spanId, tags: m.draft.tags, observations: m.draft.observations });
          break;
        case "deleteAnnotation":
          await notes.delete(m.id);
          break;
      }
    } catch (err) {
      const what = m.type === "annotate" ? "add the annotation" : m.type === "updateAnnotation" ? `save annotation #${m.id}` : `delete annotation #${m.id}`;
      error = `Could not ${what} on step ${s.sequenceId} (${s.action}) of app ${s.appId}: ${(err as Error).message}`;
    }
    if (!this.disposed) this.send({ type: "annotationResult", requestId: m.requestId, ok: error === null, error });
    if (error !== null) await this.refresh(); // on success the index's change event refreshes
  }

  dispose(): void {
    this.disposed = true;
    this.subscription.dispose();
  }
}

/** The view is ours, but its messages still cross a boundary: refuse malformed drafts with a reason. */
function checkDraft(d: AnnotationDraft): void {
  if (!d || !Array.isArray(d.tags) || d.tags.some((t) => typeof t !== "string")) throw new Error("tags must be a list of strings");
  if (d.spanId !== null && typeof d.spanId !== "string") throw new Error("spanId must be a string or null");
  if (!Array.isArray(d.observations)) throw new Error("observations must be a list");
}

// A tracked run replayed as if it ran: steps forward and back through what the
// tracker recorded (Burr's on-disk format, written by Python Burr or by
// burr-ts), with no code running. The cursor is the step about to "run".
import { homedir } from "node:os";
import { isAbsolute, join, resolve } from "node:path";
import { existsSync } from "node:fs";
import { readKeyPath } from "../../../runtime/src/debug/protocol.js";
import { placeGraphSources } from "../runs/code/workspacePaths.js";
import { loadTrackedRun, type RecordedStep, type TrackedRun } from "./trackedRun.js";
import type { FrameData, SourceEvents, StepSource, StepSummary, WireValue } from "./source.js";

export const END_OF_RUN = "(end of run)";

export interface ReplaySources {
  /** Workspace folders (the launch's sourceRoots, else its cwd). */
  roots?: string[];
  /** Recorded file → the workspace file chosen for it (null: none). */
  chosen?: Record<string, string | null>;
}

export class ReplaySource implements StepSource {
  readonly kind = "replay";
  private run: TrackedRun | null = null;
  private events: SourceEvents | null = null;
  private cursor = 0;
  private failureShown = false;
  private closed = false;

  constructor(
    private readonly target: string,
    private readonly trackingDir?: string,
    /** Where sources may be shown: a run from another checkout is placed inside these folders, never outside. */
    private readonly sources: ReplaySources = {},
  ) {}

  async start(events: SourceEvents): Promise<void> {
    this.events = events;
    const dir = this.resolveDirectory();
    const loaded = await loadTrackedRun(dir);
    const roots = this.sources.roots ?? [];
    const run = roots.length ? { ...loaded, graph: placeGraphSources(loaded.graph, roots, this.sources.chosen) } : loaded;
    this.run = run;
    for (const warning of run.warnings) events.output("stderr", `${warning}\n`);
    events.output("console", `Replaying ${run.steps.length} recorded steps of app "${run.appId}" from ${dir} (no code runs)\n`);
    setImmediate(() => {
      events.app(run.appId, run.graph);
      events.beforeStep(this.summary(0));
    });
  }

  private resolveDirectory(): string {
    const direct = isAbsolute(this.target) ? this.target : resolve(this.target);
    if (existsSync(join(direct, "log.jsonl"))) return direct;
    const base = (this.trackingDir ?? join(homedir(), ".burr")).replace(/^~(?=$|\/)/, homedir());
    const underTracking = join(base, this.target);
    if (existsSync(join(underTracking, "log.jsonl"))) return underTracking;
    throw new Error(`no tracked run at "${this.target}": give an app directory holding log.jsonl, or "project/appId" under ${base}`);
  }

  private get steps(): RecordedStep[] {
    return this.run?.steps ?? [];
  }

  private summary(index: number): StepSummary {
    const appId = this.run?.appId ?? "";
    const step = this.steps[index];
    if (step) return { appId, index, sequenceId: step.sequenceId, action: step.action };
    const last = this.steps[this.steps.length - 1];
    return { appId, index, sequenceId: last ? last.sequenceId + 1 : 0, action: END_OF_RUN };
  }

  resume(_appId: string, _retry: boolean): void {
    const events = this.events;
    if (!events || this.closed) return;
    const index = this.cursor;
    const step = this.steps[index];
    setImmediate(() => {
      if (!step) return this.close("the replay reached the end of the recorded run");
      if (step.error && !this.failureShown) {
        this.failureShown = true;
        const message = lastLine(step.error);
        return events.failed(this.summary(index), { name: "RecordedError", message, stack: step.error });
      }
      this.failureShown = false;
      const following = this.steps[index + 1];
      const transitionIndex = following ? this.run?.graph.transitions.findIndex((t) => t.from === step.action && t.to === following.action) ?? -1 : -1;
      events.stepped(this.summary(index), following ? { to: following.action, transitionIndex } : null);
      this.cursor = index + 1;
      events.beforeStep(this.summary(this.cursor));
    });
  }

  async frame(_appId: string, index: number): Promise<FrameData> {
    const step = this.steps[index];
    const before = this.stateBefore(index);
    if (!step) return { kind: "frame", state: before, inputs: {}, result: null, changes: null, error: null };
    const taken = index < this.cursor;
    return {
      kind: "frame",
      state: before,
      inputs: step.inputs,
      result: taken ? step.result : null,
      changes: taken && !step.error ? diff(before, step.stateAfter) : null,
      error: step.error && (taken || this.failureShown) ? step.error : null,
    };
  }

  async evaluate(_appId: string, index: number, expression: string): Promise<WireValue> {
    const state = this.stateBefore(index);
    const found = readKeyPath(state as Record<string, unknown>, expression);
    if (!found.found) throw new Error(`"${expression}" is not a key path in the recorded state before step ${index}`);
    return found.value as WireValue;
  }

  async rewind(_appId: string, index: number): Promise<StepSummary> {
    if (index < 0 || index > this.steps.length) throw new Error(`the recorded run has no step at index ${index}`);
    this.cursor = index;
    this.failureShown = false;
    return this.summary(index);
  }

  async setValue(): Promise<WireValue> {
    throw new Error("a replay runs no code, so its recorded state cannot be edited");
  }

  async terminate(): Promise<void> {
    this.close("replay closed");
  }

  private close(summary: string): void {
    if (this.closed) return;
    this.closed = true;
    this.events?.ended(summary);
  }

  /** The state the step at `index` started from: what the step before it left. */
  private stateBefore(index: number): WireValue {
    for (let i = index - 1; i >= 0; i--) {
      const step = this.steps[i];
      if (!step.error) return step.stateAfter;
    }
    const first = this.steps[index];
    // A failed step records the state it started from.
    return first?.error ? first.stateAfter : {};
  }
}

function lastLine(text: string): string {
  const lines = text.trim().split("\n");
  return lines[lines.length - 1] ?? text;
}

function diff(before: WireValue, after: WireValue): WireValue {
  const a = (before ?? {}) as Record<string, WireValue>;
  const b = (after ?? {}) as Record<string, WireValue>;
  const set: Record<string, WireValue> = {};
  for (const [key, value] of Object.entries(b)) {
    if (JSON.stringify(a[key]) !== JSON.stringify(value)) set[key] = value;
  }
  return { set, deleted: Object.keys(a).filter((k) => !(k in b)) };
}

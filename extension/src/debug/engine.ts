// The debugger's model of a burr program, in burr terms only (steps, actions,
// transitions): it decides where to stop and drives a StepSource. It knows
// nothing of DAP; session.ts translates (the mock-debug split).
import type { GraphModel, SourceRange } from "../../../runtime/src/graph/model.js";
import { breakpointAtTakenStep, breakpointsThatStop, via, type Evaluate } from "./breakpointHits.js";
import { mapBreakpoint, normalizeFile, type BreakpointOptions, type BurrBreakpoint } from "./breakpoints.js";
import type { AppParent, DivergenceInfo, FrameData, StepSource, StepSummary, WireValue } from "./source.js";

export type StopReason = "entry" | "step" | "breakpoint" | "function breakpoint" | "exception" | "pause" | "goto" | "divergence";

export interface StopInfo {
  reason: StopReason;
  description: string;
  text?: string;
  breakpointIds?: number[];
}

export interface PathHighlight {
  current: string | null;
  visited: string[];
  edgeCounts: Record<string, number>;
}

export interface EngineEvents {
  stopped(info: StopInfo): void;
  output(category: "stdout" | "stderr" | "console", text: string): void;
  breakpointsChanged(breakpoints: BurrBreakpoint[]): void;
  position(appId: string, graph: GraphModel, highlight: PathHighlight): void;
  ended(summary: string): void;
}

/** A fork the session asked the runtime to apply. */
export interface RequestedFork {
  project: string;
  appId: string;
  sequenceId: number;
}

interface AppTrack {
  graph: GraphModel;
  /** The step the app was forked from, as the runtime announced it. */
  parent: AppParent | null;
  /** Steps taken on the current path, by index. */
  path: StepSummary[];
}

interface Waiting {
  step: StepSummary;
  /** The gate waits after a failed step: resuming answers retry or rethrow. */
  afterFailure: boolean;
  error: { name: string; message: string; stack: string | null } | null;
  /** Where the top frame points instead of the action: the transition line a transition breakpoint stopped on. */
  at?: SourceRange;
  /** Replay with the program: stopped at the divergence (the step at the top ran when `ran`). */
  diverged?: DivergenceInfo;
}

export class DebugEngine {
  readonly apps = new Map<string, AppTrack>();
  private current: Waiting | null = null;
  private mode: "run" | "step" = "run";
  private pauseRequested = false;
  private seenFirstStep = false;
  private edited = false;
  private transitionHits: BurrBreakpoint[] = [];
  /** The transition that led to the pending step, with its condition text (for the stop description). */
  private takenTransition: { from: string; to: string; condition: string | null; source?: SourceRange } | null = null;
  private frames = new Map<string, Promise<FrameData>>();
  private readonly lineBreakpoints = new Map<string, BurrBreakpoint[]>();
  private functionBreakpoints: BurrBreakpoint[] = [];
  private nextBreakpointId = 1;
  private ended = false;
  stopOnEntry = false;
  breakOnErrors = true;
  /** Set before start() for "Fork and Debug from Here": the first app must announce this fork. */
  fork: RequestedFork | null = null;
  /** The app the fork was applied to, once announced. */
  forkedApp: string | null = null;
  private refused = false;

  private source: StepSource | null = null;
  /** Steps wait on this before anything is decided: the program may start before VS Code has sent its breakpoints. */
  private hold: Promise<void> = Promise.resolve();

  constructor(private readonly events: EngineEvents) {}

  /** Start the program now (its start-up overlaps VS Code's configuration), but decide no step before `ready`. */
  holdStepsUntil(ready: Promise<unknown>): void {
    this.hold = ready.then(() => undefined, () => undefined);
  }

  private get isReplay(): boolean {
    return this.source?.kind === "replay";
  }

  private get steps(): StepSource {
    if (!this.source) throw new Error("nothing has been launched yet");
    return this.source;
  }

  start(source: StepSource): Promise<void> {
    this.source = source;
    for (const bp of this.allBreakpoints()) mapBreakpoint(bp, this.graphs(), this.isReplay);
    return source.start({
      app: (appId, graph, parent) => this.onApp(appId, graph, parent ?? null),
      beforeStep: (step) => void this.onBeforeStep(step),
      stepped: (step, next) => this.onStepped(step, next),
      failed: (step, error) => this.onFailed(step, error),
      diverged: (step, info) => void this.onDiverged(step, info),
      output: (category, text) => this.events.output(category, text),
      ended: (summary) => this.onEnded(summary),
    });
  }

  // ── breakpoints ──────────────────────────────────────────────────────────

  setLineBreakpoints(file: string, specs: ({ line: number } & BreakpointOptions)[]): BurrBreakpoint[] {
    const normalized = normalizeFile(file);
    const list = specs.map((spec) => this.newBreakpoint({ ...spec, file: normalized }));
    this.lineBreakpoints.set(normalized, list);
    return list;
  }

  setFunctionBreakpoints(specs: ({ name: string } & BreakpointOptions)[]): BurrBreakpoint[] {
    this.functionBreakpoints = specs.map(({ name, ...options }) => this.newBreakpoint({ ...options, functionName: name }));
    return this.functionBreakpoints;
  }

  private newBreakpoint(spec: Partial<BurrBreakpoint> & BreakpointOptions): BurrBreakpoint {
    const bp: BurrBreakpoint = { ...spec, id: this.nextBreakpointId++, verified: false, targets: [], hits: 0 };
    mapBreakpoint(bp, this.graphs(), this.isReplay);
    return bp;
  }

  private graphs(): Map<string, GraphModel> {
    return new Map([...this.apps].map(([appId, track]) => [appId, track.graph]));
  }

  private allBreakpoints(): BurrBreakpoint[] {
    return [...[...this.lineBreakpoints.values()].flat(), ...this.functionBreakpoints];
  }

  // ── what the source reports ──────────────────────────────────────────────

  private onApp(appId: string, graph: GraphModel, parent: AppParent | null): void {
    this.apps.set(appId, { graph, path: [], parent });
    if (this.fork && this.forkedApp === null && !this.refused) this.checkFork(this.fork, appId, parent);
    const all = this.allBreakpoints();
    for (const bp of all) mapBreakpoint(bp, this.graphs(), this.isReplay);
    if (all.length) this.events.breakpointsChanged(all);
  }

  /** The first app must be the fork; anything else would be debugged under a title that lies. */
  private checkFork(fork: RequestedFork, appId: string, parent: AppParent | null): void {
    const at = `step ${fork.sequenceId} of app ${fork.appId} (project "${fork.project}")`;
    if (parent && parent.appId === fork.appId && parent.sequenceId === fork.sequenceId) {
      this.forkedApp = appId;
      this.events.output("console", `Forked ${at} as app ${appId}: it starts from that step's recorded state.\n`);
      return;
    }
    this.refused = true;
    this.events.output(
      "stderr",
      `Not forked: app ${appId} started without ${at}. The program's burr-ts does not apply the debugger's fork requests; ` +
        `update burr-ts in the program's project to the version beside this extension. Stopping the program.\n`,
    );
    void this.terminate();
  }

  private async onBeforeStep(step: StepSummary): Promise<void> {
    await this.hold;
    if (this.refused) return;
    const track = this.apps.get(step.appId);
    if (track) track.path.length = Math.min(track.path.length, step.index);
    this.current = { step, afterFailure: false, error: null };
    const transitionHits = this.transitionHits;
    const taken = this.takenTransition;
    this.transitionHits = [];
    this.takenTransition = null;
    const first = !this.seenFirstStep;
    this.seenFirstStep = true;
    if (first && this.stopOnEntry) return this.stop({ reason: "entry", description: `Before ${step.action} (entry)` });
    if (this.pauseRequested) return this.stop({ reason: "pause", description: `Paused before ${step.action}` });
    if (this.mode === "step") return this.stop({ reason: "step", description: `Before ${step.action}${taken ? ` (${via(taken)})` : ""}` });
    const candidates = [...transitionHits, ...this.allBreakpoints().filter((bp) => bp.targets.some((t) => t.kind === "action" && t.appId === step.appId && t.action === step.action))];
    const hits = await breakpointsThatStop(candidates, step, this.evaluator(), (category, text) => this.events.output(category, text));
    if (this.current?.step !== step) return;
    if (hits.length === 0) return this.resumeCurrent(false);
    const viaTransition = hits.some((bp) => transitionHits.includes(bp));
    const description = viaTransition && taken ? `Transition ${via(taken)}` : `Breakpoint before ${step.action}`;
    if (viaTransition && taken?.source) this.current.at = taken.source;
    const reason = hits.every((bp) => bp.functionName !== undefined) ? "function breakpoint" : "breakpoint";
    this.stop({ reason, description, breakpointIds: hits.map((bp) => bp.id) });
  }

  private onStepped(step: StepSummary, next: { to: string; transitionIndex: number } | null): void {
    const track = this.apps.get(step.appId);
    if (track) {
      track.path.length = step.index;
      track.path.push(step);
    }
    if (!next) return;
    const transition = track?.graph.transitions[next.transitionIndex];
    this.takenTransition = { from: step.action, to: next.to, condition: transition?.condition ?? null, source: transition?.source };
    this.transitionHits = this.allBreakpoints().filter((bp) =>
      bp.targets.some((t) => t.kind === "transition" && t.appId === step.appId && t.transitionIndex === next.transitionIndex && t.from === step.action),
    );
  }

  private onFailed(step: StepSummary, error: { name: string; message: string; stack: string | null }): void {
    this.current = { step, afterFailure: true, error };
    if (!this.breakOnErrors) return this.resumeCurrent(false);
    this.stop({ reason: "exception", description: `${step.action} threw: ${error.message}`, text: error.message });
  }

  private async onDiverged(step: StepSummary, info: DivergenceInfo): Promise<void> {
    await this.hold;
    const track = this.apps.get(step.appId);
    if (track) track.path.length = Math.min(track.path.length, info.ran ? step.index + 1 : step.index);
    this.current = { step, afterFailure: false, error: null, diverged: info };
    this.events.output("console", `${info.report}\n`);
    const d = info.divergence;
    this.stop({ reason: "divergence", description: `Replay diverged at step ${step.sequenceId} (${step.action}): ${d.message}`, text: d.message });
  }

  private onEnded(summary: string): void {
    if (this.ended) return;
    this.ended = true;
    if (this.fork && this.forkedApp === null && !this.refused) {
      this.events.output("stderr", `Not forked: the program ended before an app took step ${this.fork.sequenceId} of app ${this.fork.appId} (see its error above).\n`);
    }
    this.current = null;
    this.events.ended(summary);
  }

  private stop(info: StopInfo): void {
    this.pauseRequested = false;
    this.frames.clear();
    this.events.stopped(info);
    const waiting = this.current;
    const track = waiting ? this.apps.get(waiting.step.appId) : undefined;
    if (waiting && track) this.events.position(waiting.step.appId, track.graph, this.highlight(track, waiting.step));
  }

  private highlight(track: AppTrack, current: StepSummary): PathHighlight {
    const visited = track.path.map((s) => s.action);
    const edgeCounts: Record<string, number> = {};
    const walk = [...visited, current.action];
    for (let i = 1; i < walk.length; i++) {
      const key = `${walk[i - 1]}->${walk[i]}`;
      edgeCounts[key] = (edgeCounts[key] ?? 0) + 1;
    }
    return { current: current.action, visited, edgeCounts };
  }

  // ── commands ─────────────────────────────────────────────────────────────

  get waiting(): Waiting | null {
    return this.current;
  }

  get hasEnded(): boolean {
    return this.ended;
  }

  continue(): void {
    this.mode = "run";
    this.resumeCurrent(true);
  }

  next(): void {
    this.mode = "step";
    this.resumeCurrent(true);
  }

  pause(): void {
    if (this.current) this.stop({ reason: "pause", description: `Paused before ${this.current.step.action}` });
    else this.pauseRequested = true;
  }

  private resumeCurrent(userAsked: boolean): void {
    const waiting = this.current;
    if (!waiting) return;
    this.current = null;
    this.frames.clear();
    const retry = waiting.afterFailure && this.edited;
    if (userAsked) this.edited = false;
    this.steps.resume(waiting.step.appId, retry);
  }

  async stepBack(): Promise<void> {
    const waiting = this.requireWaiting("step back");
    if (waiting.step.index === 0) throw new Error(`app "${waiting.step.appId}" is at its first step: there is nothing to step back to`);
    await this.rewindTo(waiting.step.index - 1, "step", "Stepped back to");
  }

  async reverseContinue(): Promise<void> {
    const waiting = this.requireWaiting("reverse continue");
    const track = this.apps.get(waiting.step.appId);
    const path = track?.path ?? [];
    for (let i = Math.min(waiting.step.index, path.length) - 1; i >= 0; i--) {
      const hit = await breakpointAtTakenStep(this.allBreakpoints(), path[i], this.evaluator());
      if (hit) return this.rewindTo(i, "breakpoint", "Reversed to breakpoint before", [hit.id]);
    }
    if (waiting.step.index === 0) throw new Error(`app "${waiting.step.appId}" is at its first step: there is nothing to go back to`);
    await this.rewindTo(0, "entry", "Reversed to the first step:");
  }

  async restartFrame(index: number): Promise<void> {
    await this.rewindTo(index, "goto", "Restarted at");
  }

  private evaluator(): Evaluate {
    return (step, expression) => this.steps.evaluate(step.appId, step.index, expression);
  }

  private async rewindTo(index: number, reason: StopReason, verb: string, breakpointIds?: number[]): Promise<void> {
    const waiting = this.requireWaiting("rewind");
    const { note, ...step } = await this.steps.rewind(waiting.step.appId, index);
    if (note) this.events.output("console", `${note}\n`);
    const track = this.apps.get(step.appId);
    if (track) track.path.length = Math.min(track.path.length, step.index);
    this.current = { step, afterFailure: waiting.afterFailure, error: null };
    this.edited = true;
    this.stop({ reason, description: `${verb} ${step.action} (sequence id ${step.sequenceId})`, breakpointIds });
  }

  async setValue(path: (string | number)[], value: WireValue): Promise<WireValue> {
    const waiting = this.requireWaiting("edit state");
    const result = await this.steps.setValue(waiting.step.appId, path, value);
    this.edited = true;
    this.frames.clear();
    return result;
  }

  /** Steps of the waiting app, newest first: the step about to run, then those taken. */
  stack(): StepSummary[] {
    const waiting = this.current;
    if (!waiting) return [];
    const path = this.apps.get(waiting.step.appId)?.path ?? [];
    return [waiting.step, ...path.slice(0, waiting.step.index).reverse()];
  }

  frame(index: number): Promise<FrameData> {
    const waiting = this.requireWaiting("read a frame");
    const key = `${waiting.step.appId}#${index}`;
    let frame = this.frames.get(key);
    if (!frame) {
      frame = this.steps.frame(waiting.step.appId, index);
      this.frames.set(key, frame);
      frame.catch(() => this.frames.delete(key));
    }
    return frame;
  }

  evaluate(index: number, expression: string): Promise<WireValue> {
    const waiting = this.requireWaiting("evaluate");
    return this.steps.evaluate(waiting.step.appId, index, expression);
  }

  private requireWaiting(what: string): Waiting {
    if (!this.current) throw new Error(this.ended ? `cannot ${what}: the program has ended` : `cannot ${what} while the app runs: pause first`);
    return this.current;
  }

  terminate(): Promise<void> {
    return this.source ? this.source.terminate() : Promise.resolve();
  }
}

export { renderInline, truthy } from "./breakpointHits.js";

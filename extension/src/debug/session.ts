// The DAP side: translates requests into engine commands and engine events
// into DAP events. One class, hosted over stdio (debugAdapter.ts) or inline in
// the extension (register.ts).
import { basename } from "node:path";
import {
  BreakpointEvent,
  DebugSession,
  InitializedEvent,
  InvalidatedEvent,
  OutputEvent,
  Scope,
  Source,
  StackFrame,
  StoppedEvent,
  TerminatedEvent,
  Thread,
} from "@vscode/debugadapter";
import type { DebugProtocol } from "@vscode/debugprotocol";
import type { GraphModel } from "../../../runtime/src/graph/model.js";
import type { BurrBreakpoint } from "./breakpoints.js";
import { DebugEngine, type PathHighlight } from "./engine.js";
import { resolveProgramCommand, resolveReplayProgramCommand, type BurrLaunchArguments, type ProgramCommand } from "./programCommand.js";
import { rerunCurrentStep, type RerunShown } from "./rerunStep.js";
import type { RangeLookup } from "./definitionRanges.js";
import type { PrewarmedPrograms } from "./prewarm.js";
import { ProgramSource } from "./programSource.js";
import { ReplaySource } from "./replaySource.js";
import { ServerRanges } from "./serverRanges.js";
import type { StepSource } from "./source.js";
import { parseEditedValue, VariableStore, type ScopeName, type ValueRef } from "./variables.js";
import { mark } from "../timing.js";

const THREAD_ID = 1;
const CONFIGURATION_WAIT_MS = 2000;

export interface SessionHost {
  /** Where the adapter's bundle lives (tsx is looked for there last). */
  adapterDir: string;
  /** Called at every stop with the app's graph and the path taken (the graph view paints it). */
  onPosition?(appId: string, graph: GraphModel, highlight: PathHighlight, sessionName: string): void;
  onEnded?(): void;
  /** The launch started (a program or a replay): the graph view can get ready for the first app. */
  onLaunched?(sessionName: string): void;
  /** Widens the runtime's definition points (the extension's language client); without it a server is started next to the adapter. */
  ranges?: RangeLookup;
  /** Programs started when their configuration was resolved, before the launch (the extension's prewarm.ts). */
  prewarmed?: PrewarmedPrograms;
}

type LaunchRequestArguments = DebugProtocol.LaunchRequestArguments & BurrLaunchArguments;

export class BurrDebugSession extends DebugSession {
  private readonly engine: DebugEngine;
  private readonly variables = new VariableStore();
  private configured!: () => void;
  private readonly configurationDone = new Promise<void>((resolve) => (this.configured = resolve));
  private terminated = false;
  private sessionName = "burr";
  private programName = "burr";
  /** A launch with both "replay" and "program": how to re-run a step with the current code. */
  private replayCommand: ProgramCommand | null = null;
  /** The last "Re-run Step with Current Code", shown as the "Re-run" scope of its frame until the app moves. */
  private rerun: RerunShown | null = null;

  constructor(private readonly host: SessionHost = { adapterDir: __dirname }) {
    super();
    this.setDebuggerLinesStartAt1(false);
    this.setDebuggerColumnsStartAt1(false);
    this.engine = new DebugEngine({
      stopped: (info) => {
        this.variables.reset();
        this.rerun = null;
        const event = new StoppedEvent(info.reason, THREAD_ID, info.text) as DebugProtocol.StoppedEvent;
        event.body.description = info.description;
        if (info.breakpointIds) event.body.hitBreakpointIds = info.breakpointIds;
        event.body.allThreadsStopped = true;
        mark("debug.stopped", { reason: info.reason });
        this.sendEvent(event);
      },
      output: (category, text) => this.output(category, text),
      breakpointsChanged: (bps) => bps.forEach((bp) => this.sendEvent(new BreakpointEvent("changed", this.toDap(bp)))),
      position: (appId, graph, highlight) => this.host.onPosition?.(appId, graph, highlight, this.titleOf(appId)),
      ended: (summary) => this.end(summary),
    });
  }

  protected override initializeRequest(response: DebugProtocol.InitializeResponse): void {
    mark("debug.initialize");
    response.body = {
      supportsConfigurationDoneRequest: true,
      supportsFunctionBreakpoints: true,
      supportsConditionalBreakpoints: true,
      supportsHitConditionalBreakpoints: true,
      supportsLogPoints: true,
      supportsStepBack: true,
      supportsRestartFrame: true,
      supportsSetVariable: true,
      supportsExceptionInfoRequest: true,
      supportsTerminateRequest: true,
      supportsEvaluateForHovers: false,
      exceptionBreakpointFilters: [{ filter: "actionErrors", label: "Action errors", default: true, description: "Stop when an action throws, before its state changes" }],
    };
    this.sendResponse(response);
    this.sendEvent(new InitializedEvent());
  }

  protected override configurationDoneRequest(response: DebugProtocol.ConfigurationDoneResponse): void {
    mark("debug.configurationDone");
    this.configured();
    this.sendResponse(response);
  }

  protected override async launchRequest(response: DebugProtocol.LaunchResponse, args: LaunchRequestArguments): Promise<void> {
    mark("debug.launch");
    // The program starts at once (tsx and its imports take most of a first stop); its steps wait for the breakpoints.
    const configured = Promise.race([this.configurationDone, new Promise((r) => setTimeout(r, CONFIGURATION_WAIT_MS))]);
    const name = (args as { name?: unknown }).name;
    this.sessionName = typeof name === "string" && name ? name : basename(args.program ?? args.replay ?? "burr");
    let source: StepSource;
    try {
      if (args.replay && args.program) {
        const command = resolveReplayProgramCommand(args, this.host.adapterDir);
        this.output("console", `Running ${command.program} (${command.note})\n`);
        this.programName = basename(command.program);
        this.replayCommand = command;
        source = new ProgramSource(command, this.host.ranges ?? new ServerRanges(this.host.adapterDir ?? __dirname));
      } else if (args.replay) {
        const roots = Array.isArray(args.sourceRoots) ? args.sourceRoots.filter((r): r is string => typeof r === "string") : args.cwd ? [args.cwd] : [];
        const chosen = args.sourceMap && typeof args.sourceMap === "object" ? args.sourceMap : undefined;
        source = new ReplaySource(args.replay, args.trackingDir, { roots, chosen });
      }
      else {
        const command = resolveProgramCommand(args, this.host.adapterDir);
        this.output("console", `Running ${command.program} (${command.note})\n`);
        this.programName = basename(command.program);
        if (command.fork) this.engine.fork = { project: command.fork.project, appId: command.fork.appId, sequenceId: command.fork.sequenceId };
        source = new ProgramSource(command, this.host.ranges ?? new ServerRanges(this.host.adapterDir ?? __dirname), this.host.prewarmed);
      }
    } catch (err) {
      return this.sendErrorResponse(response, { id: 1001, format: (err as Error).message, showUser: true });
    }
    const engine = this.engine;
    // A replay runs no code: unless told otherwise it stops first, or it would end before it is seen.
    // With a program the replay runs code: like a live run it goes on to a breakpoint or the divergence.
    engine.stopOnEntry = args.stopOnEntry ?? Boolean(args.replay && !args.program);
    engine.holdStepsUntil(configured);
    try {
      await engine.start(source);
    } catch (err) {
      return this.sendErrorResponse(response, { id: 1002, format: `Could not start: ${(err as Error).message}`, showUser: true });
    }
    // After the spawn, so the program starts first; the standalone adapter's server then starts beside it.
    if (source instanceof ProgramSource) source.warmRanges();
    this.sendResponse(response);
    this.host.onLaunched?.(this.sessionName);
  }

  // ── breakpoints ──────────────────────────────────────────────────────────

  protected override setBreakPointsRequest(response: DebugProtocol.SetBreakpointsResponse, args: DebugProtocol.SetBreakpointsArguments): void {
    const specs = (args.breakpoints ?? []).map((b) => ({ line: this.convertClientLineToDebugger(b.line), condition: b.condition, hitCondition: b.hitCondition, logMessage: b.logMessage }));
    response.body = { breakpoints: this.engine.setLineBreakpoints(args.source.path ?? "", specs).map((bp) => this.toDap(bp)) };
    this.sendResponse(response);
  }

  protected override setFunctionBreakPointsRequest(response: DebugProtocol.SetFunctionBreakpointsResponse, args: DebugProtocol.SetFunctionBreakpointsArguments): void {
    response.body = { breakpoints: this.engine.setFunctionBreakpoints(args.breakpoints).map((bp) => this.toDap(bp)) };
    this.sendResponse(response);
  }

  protected override setExceptionBreakPointsRequest(response: DebugProtocol.SetExceptionBreakpointsResponse, args: DebugProtocol.SetExceptionBreakpointsArguments): void {
    this.engine.breakOnErrors = args.filters.includes("actionErrors");
    this.sendResponse(response);
  }

  private toDap(bp: BurrBreakpoint): DebugProtocol.Breakpoint {
    const out: DebugProtocol.Breakpoint = { id: bp.id, verified: bp.verified };
    if (bp.message) out.message = bp.message;
    if (bp.file !== undefined && bp.line !== undefined) {
      out.line = this.convertDebuggerLineToClient(bp.line);
      out.source = new Source(basename(bp.file), bp.file);
    }
    return out;
  }

  // ── execution ────────────────────────────────────────────────────────────

  protected override threadsRequest(response: DebugProtocol.ThreadsResponse): void {
    response.body = { threads: [new Thread(THREAD_ID, "burr app")] };
    this.sendResponse(response);
  }

  protected override continueRequest(response: DebugProtocol.ContinueResponse): void {
    response.body = { allThreadsContinued: true };
    this.sendResponse(response);
    this.engine?.continue();
  }

  protected override nextRequest(response: DebugProtocol.NextResponse): void {
    this.sendResponse(response);
    this.engine?.next();
  }

  protected override stepInRequest(response: DebugProtocol.StepInResponse): void {
    this.sendResponse(response);
    this.engine?.next();
  }

  protected override stepOutRequest(response: DebugProtocol.StepOutResponse): void {
    this.sendResponse(response);
    this.engine?.next();
  }

  protected override pauseRequest(response: DebugProtocol.PauseResponse): void {
    this.sendResponse(response);
    this.engine?.pause();
  }

  protected override async stepBackRequest(response: DebugProtocol.StepBackResponse): Promise<void> {
    await this.afterResponse(response, (engine) => engine.stepBack());
  }

  protected override async reverseContinueRequest(response: DebugProtocol.ReverseContinueResponse): Promise<void> {
    await this.afterResponse(response, (engine) => engine.reverseContinue());
  }

  protected override async restartFrameRequest(response: DebugProtocol.RestartFrameResponse, args: DebugProtocol.RestartFrameArguments): Promise<void> {
    await this.afterResponse(response, (engine) => engine.restartFrame(args.frameId - 1));
  }

  /** Rewinds answer first, then stop: DAP clients expect the response before the stopped event. */
  private async afterResponse(response: DebugProtocol.Response, run: (engine: DebugEngine) => Promise<void>): Promise<void> {
    const engine = this.engine;
    if (!engine?.waiting) return this.fail(response, new Error(engine?.hasEnded ? "the program has ended" : "pause the app first"));
    this.sendResponse(response);
    try {
      await run(engine);
    } catch (err) {
      this.output("stderr", `${(err as Error).message}\n`);
    }
  }

  // ── inspection ───────────────────────────────────────────────────────────

  protected override stackTraceRequest(response: DebugProtocol.StackTraceResponse, args: DebugProtocol.StackTraceArguments): void {
    const engine = this.engine;
    const steps = engine?.stack() ?? [];
    const start = args.startFrame ?? 0;
    const shown = steps.slice(start, args.levels ? start + args.levels : undefined);
    response.body = {
      totalFrames: steps.length,
      stackFrames: shown.map((step, i) => {
        const action = engine?.apps.get(step.appId)?.graph.actions.find((a) => a.name === step.action);
        const top = start + i === 0;
        const diverged = top ? engine?.waiting?.diverged : undefined;
        const label = diverged
          ? `${step.action} (${diverged.ran ? "diverged" : "recorded next; the current code diverged"}, sequence ${step.sequenceId})`
          : top ? `${step.action} (next, sequence ${step.sequenceId})` : `${step.action} (sequence ${step.sequenceId})`;
        // A stop on a transition breakpoint shows the transition's line, where the breakpoint is.
        const where = (top ? engine?.waiting?.at : undefined) ?? action?.source;
        const frame = where
          ? new StackFrame(step.index + 1, label, new Source(basename(where.file), where.file), this.convertDebuggerLineToClient(where.start.line), this.convertDebuggerColumnToClient(where.start.character))
          : new StackFrame(step.index + 1, label);
        if (!where) (frame as DebugProtocol.StackFrame).presentationHint = "label";
        return frame;
      }),
    };
    this.sendResponse(response);
  }

  protected override async scopesRequest(response: DebugProtocol.ScopesResponse, args: DebugProtocol.ScopesArguments): Promise<void> {
    const index = args.frameId - 1;
    try {
      const frame = await this.requireEngine().frame(index);
      const scope = (name: ScopeName, value: ValueRef["value"] | null) => {
        const ref: ValueRef = { frameIndex: index, scope: name, path: [], value: value ?? {} };
        return new Scope(name, this.variables.scopeReference(ref), false);
      };
      const scopes = [scope("State", frame.state), scope("Inputs", frame.inputs), scope("Result", frame.error ? { error: frame.error } : frame.result), scope("Changes", frame.changes)];
      // Replay with the program: what the step's traced calls return (from the record, not run).
      if (frame.calls !== undefined) scopes.push(scope("Recorded Calls", frame.calls));
      if (this.rerun && this.rerun.frameIndex === index) scopes.push(scope("Re-run", this.rerun.scope));
      response.body = { scopes };
      this.sendResponse(response);
    } catch (err) {
      this.fail(response, err);
    }
  }

  protected override variablesRequest(response: DebugProtocol.VariablesResponse, args: DebugProtocol.VariablesArguments): void {
    const parent = this.variables.get(args.variablesReference);
    response.body = { variables: parent ? this.variables.children(parent, args) : [] };
    this.sendResponse(response);
  }

  protected override async setVariableRequest(response: DebugProtocol.SetVariableResponse, args: DebugProtocol.SetVariableArguments): Promise<void> {
    try {
      const engine = this.requireEngine();
      const parent = this.variables.get(args.variablesReference);
      const top = engine.waiting?.step.index;
      if (!parent || parent.scope !== "State" || parent.frameIndex !== top) {
        throw new Error("only the State of the top frame (the step about to run) can be edited");
      }
      const { step: key, current } = this.variables.childToEdit(parent, args.name);
      const value = await engine.setValue([...parent.path, key], parseEditedValue(args.value, current));
      const variable = this.variables.variable(args.name, { ...parent, path: [...parent.path, key], value });
      response.body = { value: variable.value, variablesReference: variable.variablesReference, indexedVariables: variable.indexedVariables };
      this.sendResponse(response);
    } catch (err) {
      this.fail(response, err);
    }
  }

  protected override async evaluateRequest(response: DebugProtocol.EvaluateResponse, args: DebugProtocol.EvaluateArguments): Promise<void> {
    try {
      const engine = this.requireEngine();
      const index = args.frameId !== undefined ? args.frameId - 1 : (engine.waiting?.step.index ?? 0);
      const value = await engine.evaluate(index, args.expression);
      const variable = this.variables.variable(args.expression, { frameIndex: index, scope: "Value", path: [], value });
      response.body = { result: variable.value, variablesReference: variable.variablesReference, indexedVariables: variable.indexedVariables, type: variable.type };
      this.sendResponse(response);
    } catch (err) {
      this.fail(response, err);
    }
  }

  protected override exceptionInfoRequest(response: DebugProtocol.ExceptionInfoResponse): void {
    const waiting = this.engine?.waiting;
    const error = waiting?.error;
    if (!waiting || !error) return this.fail(response, new Error("the app is not stopped on an error"));
    // Name the app (several may run), and the action unless the message already does.
    const { appId, action } = waiting.step;
    const where = error.message.includes(`"${action}"`) ? `App "${appId}"` : `App "${appId}", action "${action}"`;
    const description = `${where}: ${error.message}`;
    response.body = { exceptionId: error.name, description, breakMode: "always", details: { message: error.message, stackTrace: error.stack ?? undefined, typeName: error.name } };
    this.sendResponse(response);
  }

  // ── re-run step with current code ────────────────────────────────────────

  protected override async customRequest(command: string, response: DebugProtocol.Response, args: unknown): Promise<void> {
    if (command !== "rerunStep") return super.customRequest(command, response, args);
    try {
      if (!this.replayCommand?.replay) throw new Error('"Re-run Step with Current Code" needs a session launched with both "replay" and "program"');
      const shown = await rerunCurrentStep(this.engine, this.replayCommand, (text) => this.output("console", text));
      this.rerun = shown;
      // The Variables view asks again and shows the "Re-run" scope.
      this.sendEvent(new InvalidatedEvent(["variables"], THREAD_ID, shown.frameIndex + 1));
      response.body = shown.report;
      this.sendResponse(response);
    } catch (err) {
      this.output("stderr", `${(err as Error).message}\n`);
      this.sendErrorResponse(response, { id: 1004, format: ((err as Error).message ?? String(err)).replace(/[{}]/g, ""), showUser: true });
    }
  }

  // ── ending ───────────────────────────────────────────────────────────────

  protected override async terminateRequest(response: DebugProtocol.TerminateResponse): Promise<void> {
    await this.engine?.terminate();
    this.sendResponse(response);
  }

  protected override async disconnectRequest(response: DebugProtocol.DisconnectResponse): Promise<void> {
    await this.engine?.terminate();
    this.sendResponse(response);
  }

  private end(summary: string): void {
    if (this.terminated) return;
    this.terminated = true;
    this.output("console", `${summary}\n`);
    this.sendEvent(new TerminatedEvent());
    this.host.onEnded?.();
  }

  /** The session's name belongs to the forked app only: another app of a fork session is named after the program. */
  private titleOf(appId: string): string {
    const engine = this.engine;
    if (!engine.fork || engine.forkedApp === appId) return this.sessionName;
    return `Debug ${this.programName}`;
  }

  private output(category: "stdout" | "stderr" | "console", text: string): void {
    this.sendEvent(new OutputEvent(text, category));
  }

  private requireEngine(): DebugEngine {
    return this.engine;
  }

  private fail(response: DebugProtocol.Response, err: unknown): void {
    this.sendErrorResponse(response, { id: 1003, format: ((err as Error).message ?? String(err)).replace(/[{}]/g, ""), showUser: false });
  }
}

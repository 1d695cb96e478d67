// OpenTelemetry export (Burr's OpenTelemetryBridge, apache/burr#203/#204), as
// lifecycle hooks: a span per execute call (run, step, …), a child span per
// step, and spans for ctx.tracer / trace() below the step. Imported only from
// "burr-ts/opentelemetry", so `import "burr-ts"` never loads @opentelemetry/api.
//
// Spans get explicit parents from what the hooks receive (app id, sequence id,
// span uid): the hooks cannot wrap the action, so the active OTel context is
// never changed; contextOf() hands it to code that wants to nest its own spans.
// Exporting must never fail the user's step: every hook catches what OTel
// throws and reports it through onError (default: one console warning).
import { context as otelContext, propagation, trace, SpanStatusCode, type Attributes, type Context, type Span, type Tracer } from "@opentelemetry/api";
import type { ActionContext } from "../actions/action.js";
import type { Span as BurrSpan } from "../application/tracer.js";
import { ActionError } from "../errors.js";
import type {
  ApplicationExecuteCallArgs,
  DoLogAttributeArgs,
  LifecycleHooks,
  PostApplicationCreateArgs,
  PostEndSpanArgs,
  PostRunStepArgs,
  PostStreamItemArgs,
  PreRunStepArgs,
  PreStartSpanArgs,
  PreStartStreamArgs,
} from "../lifecycle/hooks.js";
import { toAttributeValue, toJson } from "./otelAttributes.js";
import { TRACKS_CHILDREN } from "../application/parallelTypes.js";

export interface OpenTelemetryHooksOptions {
  /** Where spans go; `trace.getTracer("burr-ts")` (the global provider) by default. */
  tracer?: Tracer;
  /** Also write each step's inputs as JSON (`burr.inputs`). Off by default: inputs often hold prompts and user data; their keys are always written. */
  captureInputs?: boolean;
  /** Told when OpenTelemetry throws inside a hook; the app carries on either way. Default: one console warning per OpenTelemetryHooks. */
  onError?: (error: unknown, hook: keyof LifecycleHooks) => void;
}

interface StreamInfo {
  items: number;
}

interface OpenStep {
  span: Span;
  /** Open ctx.tracer spans of this step, by Burr span uid. */
  spans: Map<string, Span> | null;
  stream: StreamInfo | null;
  /** Child apps spawned by this step (parallel actions), forgotten when it ends. */
  children: string[] | null;
}

interface AppRecord {
  /** The open execute call's span (calls on one app do not overlap). */
  call: Span | null;
  steps: Map<number, OpenStep>;
  /** The span a spawned child's first execute call nests under, and attributes naming its parents. */
  parentSpan: Span | null;
  createAttributes: Attributes | null;
}

/** Apps are told apart by partition key and app id, as Burr does. */
function appKey(appId: string, partitionKey: string | null): string {
  return partitionKey === null ? appId : `${appId}\u0000${partitionKey}`;
}

function ids(appId: string, partitionKey: string | null): Attributes {
  return partitionKey === null ? { "burr.app_id": appId } : { "burr.app_id": appId, "burr.partition_key": partitionKey };
}

/** Lifecycle hooks that export an application's runs as OpenTelemetry spans: `.withHooks(new OpenTelemetryHooks())`. */
export class OpenTelemetryHooks implements LifecycleHooks {
  /** Parallel children inherit these hooks as their tracker, so their spans nest under the parent's step. */
  readonly [TRACKS_CHILDREN] = true;
  private readonly tracer: Tracer;
  private readonly captureInputs: boolean;
  private readonly onError: (error: unknown, hook: keyof LifecycleHooks) => void;
  private readonly apps = new Map<string, AppRecord>();
  private warned = false;

  constructor(options: OpenTelemetryHooksOptions = {}) {
    this.tracer = options.tracer ?? trace.getTracer("burr-ts");
    this.captureInputs = options.captureInputs ?? false;
    this.onError = options.onError ?? ((error, hook) => this.warnOnce(error, hook));
  }

  /**
   * The OpenTelemetry context of a running step (or of one of its ctx.tracer
   * spans), to nest other instrumentation under it:
   * `context.with(otel.contextOf(ctx), () => client.chat(...))`.
   * The active context when the step is not (or no longer) open.
   */
  contextOf(ctx: Pick<ActionContext, "appId" | "partitionKey" | "sequenceId">, span?: Pick<BurrSpan, "uid">): Context {
    const step = this.apps.get(appKey(ctx.appId, ctx.partitionKey))?.steps.get(ctx.sequenceId);
    const target = (span && step?.spans?.get(span.uid)) || step?.span;
    return target ? trace.setSpan(otelContext.active(), target) : otelContext.active();
  }

  /**
   * The W3C trace context of a running step, for a child that runs in another
   * process (burr-ts/bullmq puts it in the child's job). Needs a registered
   * propagator (the SDK's default is W3C trace context).
   */
  injectContext(ctx: Pick<ActionContext, "appId" | "partitionKey" | "sequenceId">): Record<string, string> {
    const carrier: Record<string, string> = {};
    try {
      propagation.inject(this.contextOf(ctx), carrier);
    } catch (e) {
      this.onError(e, "preRunStep");
    }
    return carrier;
  }

  /** Runs `fn` with a remote parent's context active, so the child's `burr.run` span nests under the step that spawned it. */
  runUnderContext<T>(carrier: Record<string, string>, fn: () => T): T {
    let parent: Context;
    try {
      parent = propagation.extract(otelContext.active(), carrier);
    } catch (e) {
      this.onError(e, "preApplicationExecuteCall");
      return fn();
    }
    return otelContext.with(parent, fn);
  }

  postApplicationCreate(args: PostApplicationCreateArgs): void {
    try {
      const parent = args.spawningParent;
      const fork = args.parent;
      if (!parent && !fork) return;
      const attributes: Attributes = {};
      if (fork) {
        attributes["burr.parent.app_id"] = fork.appId;
        if (fork.sequenceId !== null) attributes["burr.parent.sequence_id"] = fork.sequenceId;
      }
      let parentSpan: Span | null = null;
      const key = appKey(args.appId, args.partitionKey);
      if (parent) {
        attributes["burr.spawning_parent.app_id"] = parent.appId;
        if (parent.sequenceId !== null) attributes["burr.spawning_parent.sequence_id"] = parent.sequenceId;
        const step = parent.sequenceId === null ? undefined : this.apps.get(appKey(parent.appId, parent.partitionKey))?.steps.get(parent.sequenceId);
        if (step) {
          parentSpan = step.span;
          (step.children ??= []).push(key);
        }
      }
      // Kept until the app's first execute call ends (or its spawning step does).
      const app = this.app(key);
      app.parentSpan = parentSpan;
      app.createAttributes = attributes;
    } catch (e) {
      this.onError(e, "postApplicationCreate");
    }
  }

  preApplicationExecuteCall(args: ApplicationExecuteCallArgs): void {
    try {
      const app = this.app(appKey(args.appId, args.partitionKey));
      // Still open: a hook after this one failed the last call before it began, so its post hooks never came.
      if (app.call) this.endCall(app, new Error("the call did not finish"));
      const parent = app.parentSpan ? trace.setSpan(otelContext.active(), app.parentSpan) : otelContext.active();
      const attributes = ids(args.appId, args.partitionKey);
      attributes["burr.method"] = args.method;
      if (app.createAttributes) Object.assign(attributes, app.createAttributes);
      app.call = this.tracer.startSpan(`burr.${args.method}`, { attributes }, parent);
    } catch (e) {
      this.onError(e, "preApplicationExecuteCall");
    }
  }

  postApplicationExecuteCall(args: ApplicationExecuteCallArgs): void {
    try {
      const key = appKey(args.appId, args.partitionKey);
      const app = this.apps.get(key);
      if (!app) return;
      this.apps.delete(key);
      this.endCall(app, args.exception ?? null);
    } catch (e) {
      this.onError(e, "postApplicationExecuteCall");
    }
  }

  preRunStep(args: PreRunStepArgs): void {
    try {
      const app = this.app(appKey(args.appId, args.partitionKey));
      // A retry under the same sequence id after a hook failed the first attempt before it ran.
      if (app.steps.has(args.sequenceId)) this.endStep(app, args.sequenceId, new Error("the step did not finish"));
      const parent = app.call ? trace.setSpan(otelContext.active(), app.call) : otelContext.active();
      const attributes = ids(args.appId, args.partitionKey);
      attributes["burr.sequence_id"] = args.sequenceId;
      attributes["burr.action"] = args.action;
      const keys = Object.keys(args.inputs);
      if (keys.length !== 0) {
        attributes["burr.input_keys"] = keys;
        if (this.captureInputs) attributes["burr.inputs"] = toJson(args.inputs);
      }
      const span = this.tracer.startSpan(args.action, { attributes }, parent);
      app.steps.set(args.sequenceId, { span, spans: null, stream: null, children: null });
    } catch (e) {
      this.onError(e, "preRunStep");
    }
  }

  postRunStep(args: PostRunStepArgs): void {
    try {
      const app = this.apps.get(appKey(args.appId, args.partitionKey));
      if (app) this.endStep(app, args.sequenceId, args.exception);
    } catch (e) {
      this.onError(e, "postRunStep");
    }
  }

  preStartSpan(args: PreStartSpanArgs): void {
    try {
      const step = this.step(args.appId, args.partitionKey, args.span.sequenceId);
      if (!step) return;
      const spans = (step.spans ??= new Map());
      const enclosing = (args.span.parentUid !== null && spans.get(args.span.parentUid)) || step.span;
      const attributes = ids(args.appId, args.partitionKey);
      attributes["burr.sequence_id"] = args.span.sequenceId;
      attributes["burr.action"] = args.span.action;
      attributes["burr.span.uid"] = args.span.uid;
      const span = this.tracer.startSpan(args.span.name, { attributes, startTime: args.startTime }, trace.setSpan(otelContext.active(), enclosing));
      spans.set(args.span.uid, span);
    } catch (e) {
      this.onError(e, "preStartSpan");
    }
  }

  postEndSpan(args: PostEndSpanArgs): void {
    try {
      const spans = this.step(args.appId, args.partitionKey, args.span.sequenceId)?.spans;
      const span = spans?.get(args.span.uid);
      if (!span) return;
      spans!.delete(args.span.uid);
      span.end(args.endTime);
    } catch (e) {
      this.onError(e, "postEndSpan");
    }
  }

  doLogAttribute(args: DoLogAttributeArgs): void {
    try {
      const step = this.step(args.appId, args.partitionKey, args.sequenceId);
      if (!step) return;
      const span = (args.span && step.spans?.get(args.span.uid)) || step.span;
      const value = toAttributeValue(args.value);
      if (value === undefined) return;
      // trace() names the wrapped function with Burr's internal key; OTel has a convention for it.
      span.setAttribute(args.key === "__burr_function" ? "code.function.name" : args.key, value);
    } catch (e) {
      this.onError(e, "doLogAttribute");
    }
  }

  // No postEndStream: it comes after the step has committed (and its span ended),
  // so the stream's summary is written by endStep.
  preStartStream(args: PreStartStreamArgs): void {
    try {
      const step = this.step(args.appId, args.partitionKey, args.sequenceId);
      if (!step) return;
      step.stream = { items: 0 };
      step.span.addEvent("burr.stream.start");
    } catch (e) {
      this.onError(e, "preStartStream");
    }
  }

  postStreamItem(args: PostStreamItemArgs): void {
    try {
      const step = this.step(args.appId, args.partitionKey, args.sequenceId);
      if (!step?.stream) return;
      // One counter per item; events are written once, not per item (a stream can be thousands of tokens).
      if (step.stream.items++ === 0) {
        const wait = args.firstItemTime.getTime() - args.streamInitializeTime.getTime();
        step.span.addEvent("burr.stream.first_item", { "burr.stream.time_to_first_item_ms": wait }, args.firstItemTime);
      }
    } catch (e) {
      this.onError(e, "postStreamItem");
    }
  }

  private app(key: string): AppRecord {
    let app = this.apps.get(key);
    if (!app) {
      app = { call: null, steps: new Map(), parentSpan: null, createAttributes: null };
      this.apps.set(key, app);
    }
    return app;
  }

  private step(appId: string, partitionKey: string | null, sequenceId: number): OpenStep | undefined {
    return this.apps.get(appKey(appId, partitionKey))?.steps.get(sequenceId);
  }

  /** Ends a call's span after any step a failing hook left open (failed, as the call was). */
  private endCall(app: AppRecord, exception: Error | null): void {
    const span = app.call;
    app.call = null;
    for (const seq of [...app.steps.keys()]) this.endStep(app, seq, exception ?? new Error("the step did not finish"));
    if (span) finish(span, exception);
  }

  /** Ends a step's leftover tracer spans, then the step; bookkeeping goes first so a throwing span processor leaves none behind. */
  private endStep(app: AppRecord, sequenceId: number, exception: Error | null): void {
    const step = app.steps.get(sequenceId);
    if (!step) return;
    app.steps.delete(sequenceId);
    if (step.children) for (const child of step.children) this.forgetChild(child);
    if (step.spans?.size) for (const span of [...step.spans.values()].reverse()) span.end();
    if (step.stream) {
      step.span.setAttribute("burr.stream.item_count", step.stream.items);
      step.span.addEvent("burr.stream.end", { "burr.stream.item_count": step.stream.items });
    }
    finish(step.span, exception);
  }

  private forgetChild(key: string): void {
    const child = this.apps.get(key);
    if (!child) return;
    child.parentSpan = null;
    if (child.call === null && child.steps.size === 0) this.apps.delete(key);
  }

  private warnOnce(error: unknown, hook: string): void {
    if (this.warned) return;
    this.warned = true;
    const message = error instanceof Error ? error.message : String(error);
    console.warn(`burr-ts: OpenTelemetry export failed in ${hook} (${message}); some spans may be missing, the application keeps running.`);
  }
}

/** Ends a span, marking it failed with the error's cause (the user's own error, for a failed action). */
function finish(span: Span, exception: Error | null): void {
  if (exception) {
    const cause = exception instanceof ActionError && exception.cause instanceof Error ? exception.cause : exception;
    span.recordException(cause);
    span.setAttribute("error.type", cause.name || cause.constructor?.name || "Error");
    span.setStatus({ code: SpanStatusCode.ERROR, message: cause.message });
  }
  span.end();
}

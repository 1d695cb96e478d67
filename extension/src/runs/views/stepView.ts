// Everything the run view shows for one step, computed in the host (pure).
import type { RunViewCommand, SpanView, StepViewData } from "../../../../webview/src/protocol/runs.js";
import { CAPTURED_ERROR_ATTRIBUTE, capturedErrorOf } from "./capturedError.js";
import { fullStep, isRunning } from "./materialize.js";
import { diffState } from "./stateDiff.js";
import { explainNext } from "./transitionWhy.js";
import type { AppRun, SpanRecord, StepRecord } from "../stores/types.js";

export interface StepViewInput {
  storeLabel: string;
  project: string;
  appId: string;
  run: AppRun;
  step: StepRecord;
  previous: StepRecord | null;
  actions: RunViewCommand[];
}

export function buildStepView(input: StepViewInput): StepViewData {
  const { run } = input;
  const step = fullStep(run, input.step);
  const previous = input.previous ? fullStep(run, input.previous) : null;
  const start = step.startTime;
  const offset = (t: number | null) => (t === null || start === null ? null : t - start);
  const stream = step.stream
    ? {
        timeToFirstItemMs: step.stream.firstItemTime !== null && step.stream.initTime !== null ? step.stream.firstItemTime - step.stream.initTime : null,
        streamMs: step.stream.endTime !== null && step.stream.initTime !== null ? step.stream.endTime - step.stream.initTime : null,
        items: step.stream.itemsStreamed,
      }
    : null;
  const status = step.error ? "failed" : isRunning(step) ? "running" : "completed";
  const capturedError = capturedErrorOf(step, run);
  const attributes = { ...step.attributes };
  if (capturedError) delete attributes[CAPTURED_ERROR_ATTRIBUTE];
  // The step after this one in the log (steps are in the order they ran).
  const index = run.steps.indexOf(input.step);
  const after = index >= 0 ? (run.steps[index + 1] ?? null) : null;
  const next = explainNext({
    graph: run.graph, action: step.action, status, state: step.state,
    next: after ? { action: after.action, sequenceId: after.sequenceId } : null,
  });
  return {
    source: input.storeLabel,
    project: input.project,
    appId: input.appId,
    partitionKey: run.partitionKey ?? null,
    sequenceId: step.sequenceId,
    action: step.action,
    status,
    startTime: step.startTime === null ? null : new Date(step.startTime).toISOString(),
    endTime: step.endTime === null ? null : new Date(step.endTime).toISOString(),
    durationMs: step.startTime !== null && step.endTime !== null ? step.endTime - step.startTime : null,
    state: step.state,
    inputs: step.inputs,
    result: step.result,
    previousAction: previous?.action ?? null,
    // A failed step records the state before it, so it changed nothing.
    change: diffState(previous?.state ?? null, step.error ? (previous?.state ?? step.state) : step.state),
    next,
    error: step.error,
    capturedError,
    stream,
    spans: orderSpans(step.spans).map(({ span, depth }): SpanView => ({
      spanId: span.spanId, name: span.name, parentSpanId: span.parentSpanId, depth,
      startOffset: offset(span.startTime), endOffset: offset(span.endTime), attributes: span.attributes,
    })),
    attributes,
    warnings: run.warnings,
    actions: input.actions,
  };
}

/** Depth-first, children after their parent, siblings by start time. */
function orderSpans(spans: SpanRecord[]): { span: SpanRecord; depth: number }[] {
  const byParent = new Map<string | null, SpanRecord[]>();
  const ids = new Set(spans.map((s) => s.spanId));
  for (const s of spans) {
    const parent = s.parentSpanId && ids.has(s.parentSpanId) ? s.parentSpanId : null;
    byParent.set(parent, [...(byParent.get(parent) ?? []), s]);
  }
  const out: { span: SpanRecord; depth: number }[] = [];
  const walk = (parent: string | null, depth: number) => {
    const kids = (byParent.get(parent) ?? []).sort((a, b) => (a.startTime ?? 0) - (b.startTime ?? 0));
    for (const k of kids) {
      out.push({ span: k, depth });
      walk(k.spanId, depth + 1);
    }
  };
  walk(null, 0);
  return out;
}

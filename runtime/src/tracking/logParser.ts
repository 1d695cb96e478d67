// Turns log.jsonl text into steps. Tolerant: a line that does not parse or
// does not fit is skipped with a warning, and nothing else is lost.
import type { StepChanges } from "../lifecycle/hooks.js";
import { applyChanges, type PlainState } from "../persistence/codec.js";
import { parseTime } from "./format.js";
import type { StepRecord } from "./types.js";

type Raw = Record<string, unknown>;

const num = (v: unknown): number | null => (typeof v === "number" && Number.isFinite(v) ? v : null);
const obj = (v: unknown): Record<string, unknown> | null => (v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : null);

function asChanges(v: unknown): StepChanges | null {
  const d = obj(v);
  if (!d) return null;
  return { set: obj(d.set) ?? {}, appended: (obj(d.appended) ?? {}) as Record<string, unknown[]>, deleted: Array.isArray(d.deleted) ? d.deleted.filter((k): k is string => typeof k === "string") : [] };
}

export interface ParsedLog {
  steps: StepRecord[];
  warnings: string[];
  compact: boolean;
}

export function parseLog(text: string, file: string, materialize: boolean): ParsedLog {
  const steps: StepRecord[] = [];
  const warnings: string[] = [];
  const latest = new Map<number, StepRecord>();
  let current: PlainState | null = null;
  // In delta mode `current` is grown in place, so it must not be a step's own state object.
  let currentShared = false;
  let compact = false;
  const warn = (line: number, why: string) => warnings.push(`${file}:${line}: ${why}; line skipped`);
  const stepFor = (seq: number | null, line: number, what: string): StepRecord | null => {
    const s = seq === null ? undefined : latest.get(seq);
    if (!s) warn(line, `${what} for sequence id ${seq} has no begin_entry before it`);
    return s ?? null;
  };

  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 1;
    const line = lines[i];
    if (!line.trim()) continue;
    let r: Raw;
    try {
      const parsed: unknown = JSON.parse(line);
      if (!obj(parsed)) throw new Error("not a JSON object");
      r = parsed as Raw;
    } catch (err) {
      warn(lineNo, i === lines.length - 1 ? "truncated last line (still being written, or cut by a crash)" : `not valid JSON (${(err as Error).message})`);
      continue;
    }
    switch (r.type) {
      case "begin_entry": {
        const seq = num(r.sequence_id);
        if (seq === null || typeof r.action !== "string") {
          warn(lineNo, "begin_entry without sequence_id or action");
          break;
        }
        const step: StepRecord = {
          sequenceId: seq,
          action: r.action,
          inputs: obj(r.inputs) ?? {},
          result: null,
          state: null,
          error: null,
          startTime: parseTime(r.start_time),
          endTime: null,
          spans: [],
          attributes: {},
          stream: null,
        };
        steps.push(step);
        latest.set(seq, step);
        break;
      }
      case "end_entry": {
        const s = stepFor(num(r.sequence_id), lineNo, "end_entry");
        if (!s) break;
        s.endTime = parseTime(r.end_time);
        s.result = obj(r.result);
        s.error = typeof r.exception === "string" ? r.exception : null;
        const full = obj(r.state);
        if (full) {
          s.state = full;
          current = full;
          currentShared = true;
        } else {
          const delta = asChanges(r.state_delta);
          if (!delta) {
            warn(lineNo, `end_entry of step ${s.sequenceId} has neither state nor state_delta`);
            break;
          }
          compact = true;
          s.stateDelta = delta;
          if (current === null) {
            warnings.push(`${file}:${lineNo}: state delta of step ${s.sequenceId} has no full state before it; its state is unknown`);
            break;
          }
          if (materialize) {
            const next: PlainState = { ...current };
            for (const k of Object.keys(delta.appended)) if (Array.isArray(next[k])) next[k] = [...(next[k] as unknown[])];
            applyChanges(next, delta);
            s.state = next;
            current = next;
          } else {
            if (currentShared) current = structuredClone(current);
            currentShared = false;
            applyChanges(current, delta);
          }
        }
        break;
      }
      case "begin_span": {
        const s = stepFor(num(r.action_sequence_id), lineNo, "begin_span");
        if (!s || typeof r.span_id !== "string") break;
        s.spans.push({
          spanId: r.span_id,
          name: typeof r.span_name === "string" ? r.span_name : r.span_id,
          parentSpanId: typeof r.parent_span_id === "string" ? r.parent_span_id : null,
          startTime: parseTime(r.start_time),
          endTime: null,
          attributes: {},
        });
        break;
      }
      case "end_span": {
        const s = stepFor(num(r.action_sequence_id), lineNo, "end_span");
        const span = s?.spans.find((x) => x.spanId === r.span_id);
        if (span) span.endTime = parseTime(r.end_time);
        else if (s) warn(lineNo, `end_span ${String(r.span_id)} without begin_span`);
        break;
      }
      case "attribute": {
        const s = stepFor(num(r.action_sequence_id), lineNo, "attribute");
        if (!s || typeof r.key !== "string") break;
        if (typeof r.span_id === "string") {
          const span = s.spans.find((x) => x.spanId === r.span_id);
          if (span) span.attributes[r.key] = r.value;
          else warn(lineNo, `attribute ${r.key} names span ${r.span_id} that was never begun`);
        } else s.attributes[r.key] = r.value;
        break;
      }
      case "begin_stream":
      case "first_item_stream":
      case "end_stream": {
        const s = stepFor(num(r.action_sequence_id), lineNo, String(r.type));
        if (!s) break;
        s.stream ??= { initTime: null, firstItemTime: null, endTime: null, itemsStreamed: null };
        if (r.type === "begin_stream") s.stream.initTime = parseTime(r.stream_init_time);
        else if (r.type === "first_item_stream") s.stream.firstItemTime = parseTime(r.first_item_time);
        else {
          s.stream.endTime = parseTime(r.end_time);
          s.stream.itemsStreamed = num(r.items_streamed);
        }
        break;
      }
      default:
        warn(lineNo, `unknown record type ${JSON.stringify(r.type)}`);
    }
  }
  return { steps, warnings, compact };
}

/** The full state of step `index` of a run read with { states: "delta" }. */
export function stateAt(steps: StepRecord[], index: number): Record<string, unknown> | null {
  let start = index;
  while (start >= 0 && !(steps[start].state && !steps[start].stateDelta)) start--;
  if (start < 0) return null;
  const state: PlainState = structuredClone(steps[start].state!);
  for (let i = start + 1; i <= index; i++) {
    const delta = steps[i].stateDelta;
    if (delta) applyChanges(state, structuredClone(delta));
  }
  return state;
}

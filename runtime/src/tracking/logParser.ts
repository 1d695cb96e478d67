// Turns log.jsonl text into steps. Tolerant: a line that does not parse or
// does not fit is skipped with a warning, and nothing else is lost.
import type { StepChanges } from "../lifecycle/hooks.js";
import { applyChanges, type PlainState } from "../persistence/codec.js";
import { parseTime } from "./format.js";
import type { StepRecord } from "./types.js";
import { LAZY_STATE_MIN_CHARS, defineLazyState, splitFullState } from "./lazyState.js";

type Raw = Record<string, unknown>;

const num = (v: unknown): number | null => (typeof v === "number" && Number.isFinite(v) ? v : null);
const obj = (v: unknown): Record<string, unknown> | null => (v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : null);

/** A state_delta that fits (set: object, appended: arrays by key, deleted: keys), or why it does not. */
export function asChanges(v: unknown): StepChanges | string {
  const d = obj(v);
  if (!d) return "is not an object";
  if (d.set !== undefined && !obj(d.set)) return "has a set that is not an object";
  if (d.appended !== undefined && !obj(d.appended)) return "has an appended that is not an object";
  const appended = (obj(d.appended) ?? {}) as Record<string, unknown>;
  for (const [key, items] of Object.entries(appended)) if (!Array.isArray(items)) return `appends to "${key}" something that is not an array`;
  if (d.deleted !== undefined && !(Array.isArray(d.deleted) && d.deleted.every((k) => typeof k === "string"))) return "has a deleted that is not a list of keys";
  return { set: obj(d.set) ?? {}, appended: appended as Record<string, unknown[]>, deleted: (d.deleted as string[] | undefined) ?? [] };
}

/** Sets a field from a log (a key like "__proto__" stays a plain field; any other is a plain assignment, much cheaper than defineProperty). */
function setField(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === "__proto__") Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
  else target[key] = value;
}

/** A line's record, or why it is not one. Lines that cannot be an object are refused before JSON.parse (its errors are slow). */
function parseRecord(line: string): Raw | string {
  if (line.charCodeAt(0) !== 123 /* { */ && line.trimStart()[0] !== "{") return "not a JSON object";
  try {
    const parsed: unknown = JSON.parse(line);
    return obj(parsed) ?? "not a JSON object";
  } catch (err) {
    return `not valid JSON (${(err as Error).message})`;
  }
}

/** The first MAX_WARNINGS problems of a file, then how many more there were. */
export const MAX_WARNINGS = 100;

class Warnings {
  readonly list: string[] = [];
  private dropped = 0;
  add(message: string): void {
    if (this.list.length < MAX_WARNINGS) this.list.push(message);
    else this.dropped++;
  }
  done(file: string): string[] {
    if (this.dropped) this.list.push(`${file}: ...and ${this.dropped.toLocaleString("en-US")} more problems (the first ${MAX_WARNINGS} are listed)`);
    return this.list;
  }
}

export interface ParsedLog {
  steps: StepRecord[];
  warnings: string[];
  compact: boolean;
}

export interface ParseOptions {
  /** Leave large full states unparsed until read, on lines that also hold the step's state_delta (tracking/lazyState.ts). Not with materialize. */
  lazyStates?: boolean;
}

export function parseLog(text: string, file: string, materialize: boolean, options: ParseOptions = {}): ParsedLog {
  const lazy = options.lazyStates === true && !materialize;
  const steps: StepRecord[] = [];
  const warnings = new Warnings();
  const latest = new Map<number, StepRecord>();
  // The state so far, rebuilt only when materializing; otherwise only whether a full state came before.
  let current: PlainState | null = null;
  let haveState = false;
  let compact = false;
  const warn = (line: number, why: string) => warnings.add(`${file}:${line}: ${why}; line skipped`);
  const stepFor = (seq: number | null, line: number, what: string): StepRecord | null => {
    const s = seq === null ? undefined : latest.get(seq);
    if (!s) warn(line, `${what} for sequence id ${seq} has no begin_entry before it`);
    return s ?? null;
  };

  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 1;
    const line = lines[i];
    // Blank lines are skipped; only a line starting with a space (ASCII or not) can be one, and only those are trimmed.
    const first = line.charCodeAt(0);
    if (line.length === 0 || ((first <= 32 || first >= 0x80) && !line.trim())) continue;
    const split = lazy && line.length >= LAZY_STATE_MIN_CHARS && line.startsWith('{"type":"end_entry"') ? splitFullState(line, hasDelta) : null;
    const r = split ? split.head : parseRecord(line);
    if (typeof r === "string") {
      warn(lineNo, i === lines.length - 1 ? "truncated last line (still being written, or cut by a crash)" : r);
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
        const full = split ? null : obj(r.state);
        const delta = r.state_delta === undefined ? (full || split ? null : "is missing (and so is state)") : asChanges(r.state_delta);
        // A full state's state_delta (compact logs write both) is extra: a malformed one is left out, the state suffices.
        if (typeof delta === "string" && !full) {
          warn(lineNo, `the state_delta of step ${s.sequenceId}'s end_entry ${delta}`);
          break;
        }
        const changes = typeof delta === "string" ? null : delta;
        s.endTime = parseTime(r.end_time);
        s.result = obj(r.result);
        s.error = typeof r.exception === "string" ? r.exception : null;
        if (full || split) {
          if (split) defineLazyState(s, line, split, `${file}:${lineNo}`);
          else s.state = full;
          if (changes) {
            s.stateDelta = changes;
            compact = true;
          }
          current = full;
          haveState = true;
        } else if (changes) {
          compact = true;
          s.stateDelta = changes;
          if (!haveState) {
            warnings.add(`${file}:${lineNo}: state delta of step ${s.sequenceId} has no full state before it; its state is unknown`);
            break;
          }
          // Left as a delta, nothing is rebuilt: stateAt() does it for the steps that need it.
          if (materialize && current !== null) {
            const next: PlainState = { ...current };
            for (const k of Object.keys(changes.appended)) if (Array.isArray(next[k])) next[k] = [...(next[k] as unknown[])];
            applyChanges(next, changes);
            s.state = next;
            current = next;
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
          if (span) setField(span.attributes, r.key, r.value);
          else warn(lineNo, `attribute ${r.key} names span ${r.span_id} that was never begun`);
        } else setField(s.attributes, r.key, r.value);
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
  return { steps, warnings: warnings.done(file), compact };
}

const hasDelta = (head: Raw): boolean => typeof asChanges(head.state_delta) !== "string";

/** The full state of step `index` of a run read with { states: "delta" }. */
export function stateAt(steps: StepRecord[], index: number): Record<string, unknown> | null {
  let start = index;
  // A step with a state (a full-state line, whether or not it also says what it wrote) is where rebuilding starts.
  while (start >= 0 && !steps[start].state) start--;
  if (start < 0) return null;
  const state: PlainState = structuredClone(steps[start].state!);
  for (let i = start + 1; i <= index; i++) {
    const delta = steps[i].stateDelta;
    if (delta) applyChanges(state, structuredClone(delta));
  }
  return state;
}

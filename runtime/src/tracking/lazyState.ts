// A compact log's full-state lines are most of its bytes (a 2,000-turn chat's
// 34 full states: 6 MB of 12), yet replay from the first step needs none of
// them when the line also says what the step wrote (the tracker writes
// state_delta before state). Such a line is parsed without its state, which is
// kept as text and parsed the first time something reads `step.state`.
import type { StepRecord } from "./types.js";

/** A part of a log that is not what it claims, found only when it is read (a lazily parsed state). */
export class DamagedLogError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DamagedLogError";
  }
}

/** Lines shorter than this are parsed whole: splitting them saves little. */
export const LAZY_STATE_MIN_CHARS = 4096;

const STATE_KEY = ',"state":';
// The tracker ends an end_entry with the sequence id; anything else is parsed whole.
const TAIL = /,"sequence_id":(-?\d+)\}\s*$/;
// A `,"state":` inside the result (a nested key) is passed over; past a few, the line is parsed whole.
const MAX_TRIES = 4;

type Raw = Record<string, unknown>;

/** Where an end_entry line's state is: its text runs from `start` to `end`. */
export interface StateSpan {
  head: Raw;
  start: number;
  end: number;
}

/**
 * An end_entry line split as `head,"state":STATE,"sequence_id":N}`: the head
 * parsed (with sequence_id), the state's place in the line; null when the
 * line is not so, or has no state_delta to compare instead (it is then parsed
 * whole). A prefix of a JSON object that parses when closed ends between two
 * top-level members, so the `,"state":` found is the line's own key.
 */
export function splitFullState(line: string, hasDelta: (head: Raw) => boolean): StateSpan | null {
  const tail = TAIL.exec(line.slice(-64));
  if (!tail) return null;
  const end = line.length - tail[0].length;
  let at = line.indexOf(STATE_KEY);
  for (let tries = 0; at >= 0 && at < end && tries < MAX_TRIES; tries++) {
    let head: unknown;
    try {
      head = JSON.parse(`${line.slice(0, at)}}`);
    } catch {
      at = line.indexOf(STATE_KEY, at + 1);
      continue;
    }
    if (head === null || typeof head !== "object" || Array.isArray(head)) return null;
    const h = head as Raw;
    // Duplicate keys would make JSON.parse of the whole line answer otherwise.
    if (h.type !== "end_entry" || Object.hasOwn(h, "state") || Object.hasOwn(h, "sequence_id") || !hasDelta(h)) return null;
    h.sequence_id = Number(tail[1]);
    return { head: h, start: at + STATE_KEY.length, end };
  }
  return null;
}

/**
 * Makes `step.state` parse the state's text when first read (then it is a
 * plain field). Should that text not be one JSON value (another member after
 * the state), the whole line is parsed, as it would have been; a damaged
 * state throws DamagedLogError there. The line (a slice of the log's text)
 * stays in memory until then, about what the parsed state would take.
 */
export function defineLazyState(step: StepRecord, line: string, span: StateSpan, where: string): void {
  const settle = (value: Raw | null) => Object.defineProperty(step, "state", { value, writable: true, enumerable: true, configurable: true });
  Object.defineProperty(step, "state", {
    enumerable: true,
    configurable: true,
    get(): Raw {
      let value: unknown;
      try {
        value = JSON.parse(line.slice(span.start, span.end));
      } catch {
        try {
          value = (JSON.parse(line) as Raw).state;
        } catch (err) {
          throw new DamagedLogError(`${where}: the state of step ${step.sequenceId} is not valid JSON (${(err as Error).message})`);
        }
      }
      if (value === null || typeof value !== "object" || Array.isArray(value)) throw new DamagedLogError(`${where}: the state of step ${step.sequenceId} is not a JSON object`);
      settle(value as Raw);
      return value as Raw;
    },
    set: settle,
  });
}

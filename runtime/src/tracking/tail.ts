// The step count and status of an app from the end of its log.jsonl, reading
// backwards only as far as the last record with a sequence_id (Burr's
// server rule: steps = that sequence id + 1), so listing 10,000 apps is fast.
// The read is bounded whatever the file holds: a long last line (a big state)
// is read whole, but a run of lines that are not JSON records ends the search.
import { readSync } from "node:fs";
import type { AppStatus } from "./types.js";

export interface TailSummary {
  steps: number;
  status: AppStatus;
  warnings: string[];
  /** Bytes read from the file (for tests and benchmarks). */
  bytesRead: number;
}

const FIRST_WINDOW = 4 * 1024;
// The longest last line read to find its start (a state this big is rare; a bigger one lists as 0 steps with a warning).
const MAX_LINE = 64 * 1024 * 1024;
// Corrupt lines in a row at the end of a log before it is called garbage.
const MAX_CORRUPT = 16;
// Reused across calls: the common case (short last lines) needs one small read.
const shared = Buffer.alloc(FIRST_WINDOW);
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;

function isSpace(b: number): boolean {
  return b === 0x20 || b === 0x09 || b === 0x0d || b === 0x0a;
}

/** Reads from an open log file of `size` bytes; the caller closes `fd`. */
export function summarizeTail(fd: number, size: number, path: string): TailSummary {
  const warnings: string[] = [];
  let bytesRead = 0;
  let corrupt = 0;
  let end = size; // bytes [0, end) are not examined yet
  let window = FIRST_WINDOW;
  // Set once the current last line is known not to be a record: only its start is searched for.
  let skipping = false;
  const result = (steps: number, status: AppStatus): TailSummary => ({ steps, status, warnings, bytesRead });
  while (end > 0) {
    const start = Math.max(0, end - window);
    const length = end - start;
    const buf = length <= FIRST_WINDOW ? shared : Buffer.alloc(length);
    readSync(fd, buf, 0, length, start);
    bytesRead += length;
    let lineEnd = length;
    let consumed = false;
    for (;;) {
      const nl = lineEnd > 0 ? buf.lastIndexOf(0x0a, lineEnd - 1) : -1;
      if (nl < 0 && start > 0) break; // the line starts before this window
      const verdict = skipping ? "corrupt" : examine(buf, nl + 1, lineEnd);
      skipping = false;
      consumed = true;
      if (typeof verdict === "object") return result(verdict.steps, verdict.status);
      if (verdict === "corrupt") {
        if (!warnings.length) warnings.push(`${path}: a torn or corrupt line near the end was skipped`);
        if (++corrupt >= MAX_CORRUPT) {
          warnings.push(`${path}: the end of the log is not JSON lines (${MAX_CORRUPT} corrupt lines in a row); its step count is unknown`);
          return result(0, "completed");
        }
      } else if (verdict === "record") corrupt = 0;
      if (nl < 0) return result(0, "completed");
      lineEnd = nl;
    }
    if (!consumed) {
      // One line longer than the window. A record ends with "}" and holds no raw control bytes;
      // anything else is skipped by looking for its start only, a bounded number of chunks back.
      if (!skipping && (lastNonSpace(buf, length) !== CLOSE_BRACE || hasControlByte(buf, length))) skipping = true;
      if (!skipping && window >= MAX_LINE) {
        warnings.push(`${path}: the last line is longer than ${MAX_LINE} bytes; its step count is unknown`);
        return result(0, "completed");
      }
      if (skipping) {
        // Only the line's start is wanted: move back a window at a time, reading FIRST_WINDOW-sized chunks.
        end = start;
        window = FIRST_WINDOW * 16;
        if (bytesRead > MAX_CORRUPT * FIRST_WINDOW * 16) {
          warnings.push(`${path}: the end of the log is not JSON lines; its step count is unknown`);
          return result(0, "completed");
        }
        continue;
      }
      window *= 8;
      continue;
    }
    end = start + lineEnd;
    window = FIRST_WINDOW;
  }
  return result(0, "completed");
}

function hasControlByte(buf: Buffer, length: number): boolean {
  for (let i = 0; i < length; i++) {
    const b = buf[i];
    if (b < 0x20 && b !== 0x09 && b !== 0x0d) return true;
  }
  return false;
}

function lastNonSpace(buf: Buffer, length: number): number {
  for (let i = length - 1; i >= 0; i--) if (!isSpace(buf[i])) return buf[i];
  return -1;
}

/** A record with a sequence id gives the summary; other lines are a record without one, blank, or corrupt. */
function examine(buf: Buffer, from: number, to: number): { steps: number; status: AppStatus } | "record" | "blank" | "corrupt" {
  let a = from;
  let b = to;
  while (a < b && isSpace(buf[a])) a++;
  while (b > a && isSpace(buf[b - 1])) b--;
  if (a === b) return "blank";
  if (buf[a] !== OPEN_BRACE || buf[b - 1] !== CLOSE_BRACE) return "corrupt";
  let rec: unknown;
  try {
    rec = JSON.parse(buf.toString("utf8", a, b));
  } catch {
    return "corrupt";
  }
  if (rec === null || typeof rec !== "object") return "corrupt";
  const r = rec as Record<string, unknown>;
  if (typeof r.sequence_id !== "number" || !Number.isFinite(r.sequence_id)) return "record";
  const steps = Math.max(0, Math.floor(r.sequence_id) + 1);
  if (r.type === "begin_entry") return { steps, status: "running" };
  return { steps, status: typeof r.exception === "string" ? "failed" : "completed" };
}

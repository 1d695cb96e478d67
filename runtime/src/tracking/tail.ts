// The step count and status of an app from the end of its log.jsonl, reading
// backwards only as far as the last record with a sequence_id (Burr's
// server rule: steps = that sequence id + 1), so listing 10,000 apps is fast.
import { readSync } from "node:fs";
import type { AppStatus } from "./types.js";

export interface TailSummary {
  steps: number;
  status: AppStatus;
  warnings: string[];
}

const FIRST_WINDOW = 4 * 1024;
const LIMIT = 256 * 1024 * 1024;
// Reused across calls: the common case (short last lines) needs one small read.
const shared = Buffer.alloc(FIRST_WINDOW);

/** Reads from an open log file of `size` bytes; the caller closes `fd`. */
export function summarizeTail(fd: number, size: number, path: string): TailSummary {
  const warnings: string[] = [];
  let window = FIRST_WINDOW;
  while (true) {
    const start = Math.max(0, size - window);
    const buf = window === FIRST_WINDOW ? shared : Buffer.alloc(size - start);
    const length = size - start;
    readSync(fd, buf, 0, length, start);
    const lines = buf.toString("utf8", 0, length).split("\n");
    // The first piece may be the end of a line that starts further back.
    const firstComplete = start > 0 ? 1 : 0;
    for (let i = lines.length - 1; i >= firstComplete; i--) {
      const line = lines[i];
      if (!line.trim()) continue;
      let rec: Record<string, unknown>;
      try {
        rec = JSON.parse(line) as Record<string, unknown>;
      } catch {
        if (!warnings.length) warnings.push(`${path}: a torn or corrupt line near the end was skipped`);
        continue;
      }
      if (typeof rec.sequence_id !== "number") continue;
      const steps = rec.sequence_id + 1;
      if (rec.type === "begin_entry") return { steps, status: "running", warnings };
      return { steps, status: typeof rec.exception === "string" ? "failed" : "completed", warnings };
    }
    if (start === 0 || window >= LIMIT) return { steps: 0, status: "completed", warnings };
    window *= 8; // a long last line (a big state): look further back
  }
}

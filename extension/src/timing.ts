// Milestones of first interactions (command invoked, panel created, page ready,
// first drawing; launch, spawn, program connected, first stop), for the
// first-interaction bench. Written only when BURR_TIMING_LOG names a file: one
// JSON line per mark with the wall clock, so the bench (another process on the
// same machine) can put them on its own timeline. Otherwise every call is a no-op.
import { appendFileSync } from "node:fs";

const file = process.env.BURR_TIMING_LOG;

/** Whether marks are written (callers skip building costly details otherwise). */
export const timingEnabled = Boolean(file);

/** Records `event` now, or at `at` (epoch ms, e.g. a webview's own clock), with optional details. */
export function mark(event: string, detail?: Record<string, unknown>, at: number = Date.now()): void {
  if (!file) return;
  try {
    appendFileSync(file, `${JSON.stringify({ t: at, event, ...detail })}\n`);
  } catch {
    // A bench aid must never break the extension.
  }
}

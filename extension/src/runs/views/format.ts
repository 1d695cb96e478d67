// Short human text for durations and ages, shared by the tree and the run view.

// One duration formatter for the tree and the views; "" where the tree shows nothing.
import { formatDuration as format } from "../../../../webview/src/shared/format.js";

export function formatDuration(ms: number | null): string {
  return format(ms, "");
}

export function formatAge(thenMs: number, nowMs: number): string {
  if (!thenMs) return "never";
  const s = Math.max(0, Math.round((nowMs - thenMs) / 1000));
  if (s < 5) return "just now";
  if (s < 60) return `${s} s ago`;
  const m = Math.round(s / 60);
  if (m < 60) return `${m} min ago`;
  const h = Math.round(m / 60);
  if (h < 48) return `${h} h ago`;
  return `${Math.round(h / 24)} days ago`;
}

/** The line of a traceback or stack that names the error (Python's last line, JS's first). */
export function errorHeadline(error: string): string {
  const lines = error.split("\n").map((l) => l.trim()).filter(Boolean);
  if (!lines.length) return "error";
  if (lines[0].startsWith("Traceback")) return lines[lines.length - 1];
  return lines[0];
}

/** How soon an age written by formatAge next reads differently enough to redraw it. */
export function ageRefreshMs(thenMs: number, nowMs: number): number {
  const s = (nowMs - thenMs) / 1000;
  if (!thenMs || s >= 48 * 3600) return 3_600_000;
  if (s < 60) return 5_000;
  if (s < 3600) return 30_000;
  return 600_000;
}

// The one duration formatter, for the Tracked Runs tree (extension) and the
// views (webview). Pure: no DOM, no Node.

/** A duration in short human text; `none` when there is no number. */
export function formatDuration(ms: number | null, none = "–"): string {
  if (ms === null || !Number.isFinite(ms)) return none;
  // burr-ts writes times in whole milliseconds: zero means "under one".
  if (ms === 0) return "< 1 ms";
  if (ms < 1) return `${(ms * 1000).toFixed(0)} µs`;
  if (ms < 1000) return `${ms < 10 ? ms.toFixed(1) : Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
  const m = Math.floor(ms / 60_000);
  return `${m} min ${Math.round((ms % 60_000) / 1000)} s`;
}

// A page's first milestones (script started, first graph received, first
// picture, final drawing) on the wall clock, handed to the host once with the
// message that follows them, for the first-interaction bench's trace.
import type { PageTiming } from "../protocol/graph.js";

let marks: PageTiming = {};
const seen = new Set<string>();

/** The first time only: later graphs, renders and so on are not first interactions. */
export function markPage(name: string): void {
  if (seen.has(name)) return;
  seen.add(name);
  marks[name] = performance.timeOrigin + performance.now();
}

/** The marks not yet sent (none after the first call, unless new ones were made). */
export function takeMarks(): PageTiming | undefined {
  const taken = marks;
  marks = {};
  return Object.keys(taken).length > 0 ? taken : undefined;
}

/**
 * When the page's navigation began, when its document arrived and was parsed (in a VS Code webview that
 * is a placeholder page, into which VS Code then writes ours), and when a linked file finished arriving.
 */
export function markLoad(files: string[]): void {
  marks.navigation = performance.timeOrigin;
  const nav = performance.getEntriesByType("navigation")[0] as PerformanceNavigationTiming | undefined;
  // In code-server every webview after a window's first waits about a second here (see bench/README.md).
  if (nav?.fetchStart) marks.fakeFetch = performance.timeOrigin + nav.fetchStart;
  if (nav?.responseEnd) marks.fakeLoaded = performance.timeOrigin + nav.responseEnd;
  if (nav?.domContentLoadedEventStart) marks.fakeReady = performance.timeOrigin + nav.domContentLoadedEventStart;
  for (const entry of performance.getEntriesByType("resource")) {
    const file = files.find((f) => entry.name.split("?")[0]?.endsWith(`/${f}`));
    if (file) marks[`loaded:${file}`] = performance.timeOrigin + (entry as PerformanceResourceTiming).responseEnd;
  }
}

// Where a first interaction's time goes: the extension host's and the graph
// page's marks (extension/src/timing.ts, webview/src/shared/timing.ts), written
// to BURR_TIMING_LOG as JSON lines on the wall clock, read back as milliseconds
// from the click that started the interaction.
import { existsSync, readFileSync } from "node:fs";

export interface Mark {
  t: number;
  event: string;
  [detail: string]: unknown;
}

export function readMarks(file: string): Mark[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, "utf8").split("\n").filter(Boolean).map((line) => JSON.parse(line) as Mark);
}

/** A graph panel's, from its creation in the host to elkjs's drawing in its page. */
const PANEL_MILESTONES: Array<[event: string, label: string]> = [
  ["panel.created", "createWebviewPanel returned"],
  ["panel.html", "html set"],
  ["page.navigation", "page navigation began (iframe)"],
  ["page.fakeFetch", "placeholder's fetch began (code-server's service worker wait before it)"],
  ["page.fakeLoaded", "VS Code's placeholder page loaded"],
  ["page.fakeReady", "placeholder DOMContentLoaded (VS Code writes ours next)"],
  ["page.scriptStart", "page script started"],
  ["panel.ready", "host got ready"],
  ["page.graphReceived", "page got the graph"],
  ["page.quickDrawn", "quick picture drawn"],
  ["page.workerFetched", "layout worker script fetched"],
  ["page.rendered", "elkjs layout drawn"],
];

/** The milestones of each interaction, in the order they should happen. */
export const MILESTONES: Record<string, Array<[event: string, label: string]>> = {
  showGraph: [
    ["showGraph.command", "command reached the extension host"],
    ["showGraph.graphs", "LSP burr/graph answered"],
    ...PANEL_MILESTONES,
  ],
  runGraph: [
    ["runGraph.command", "command reached the extension host"],
    ["runGraph.read", "run read"],
    ...PANEL_MILESTONES,
  ],
  debug: [
    ["debug.resolved", "configuration resolved"],
    ["debug.prewarmed", "program process started early (Node, tsx)"],
    ["debug.adapterCreated", "inline adapter created"],
    ["debug.initialize", "initialize request"],
    ["debug.launch", "launch request"],
    ["debug.spawned", "program spawned at launch"],
    ["debug.adopted", "early process handed the program"],
    ["panel.created", "graph panel created (at launch, or at the stop)"],
    ["debug.configurationDone", "configurationDone"],
    ["debug.connected", "program connected (hello)"],
    ["debug.app", "app built (graph sent)"],
    ["debug.widened", "definition ranges widened"],
    ["debug.stopped", "stopped event sent"],
    ["page.navigation", "graph panel: page navigation began (iframe)"],
    ["page.fakeFetch", "graph panel: placeholder's fetch began"],
    ["page.scriptStart", "graph panel: page script started"],
    ["page.quickDrawn", "graph panel: quick picture drawn"],
  ],
};

/** Milliseconds from `startEpoch` to the first mark of each milestone at or after it (NaN when absent). */
export function traceFrom(marks: Mark[], startEpoch: number, kind: keyof typeof MILESTONES, endEpoch = Number.POSITIVE_INFINITY): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [event] of MILESTONES[kind]!) {
    const hit = marks.find((m) => m.event === event && m.t >= startEpoch - 5 && m.t <= endEpoch);
    out[event] = hit ? hit.t - startEpoch : Number.NaN;
  }
  return out;
}

// Turns an app's graph model into what is drawn: nodes (actions, the entry
// marker, and names a transition uses that no action has) and edges, with the
// sizes their text needs. Pure apart from text measurement, which is injected.
import type { ActionModel, GraphProblem, TransitionModel } from "../../../runtime/src/graph/model.js";
import type { GraphViewModel } from "../protocol/graph.js";
import type { LayoutInput } from "../layout/stable.js";

export type NodeKind = "action" | "entry" | "unknown";

export interface SceneNode {
  id: string;
  kind: NodeKind;
  /** The action's name (empty for the entry marker). */
  name: string;
  action?: ActionModel;
  subtitle: string;
  /** "errors → key" for an action with onError: captureAs(key); absent otherwise. */
  captureLine?: string;
  isEntrypoint: boolean;
  isTerminal: boolean;
  problems: GraphProblem[];
  width: number;
  height: number;
}

export interface SceneEdge {
  id: string;
  source: string;
  target: string;
  /** Action names; the key for per-edge counts is `${from}->${to}`. */
  from: string;
  to: string;
  /** The condition text; empty for an unconditional ("default") transition. */
  label: string;
  transition?: TransitionModel;
  problems: GraphProblem[];
  labelSize?: { width: number; height: number };
}

export interface Scene {
  nodes: SceneNode[];
  edges: SceneEdge[];
}

export interface Metrics {
  /** Width of text in the node title font. */
  title(text: string): number;
  /** Width of text in the small font (subtitles). */
  small(text: string): number;
  /** Width of text in the condition font (edge labels, monospace). */
  label(text: string): number;
}

export const NODE_HEIGHT = 46;
/** A node with a third line (captured errors). */
export const NODE_HEIGHT_CAPTURE = 60;
export const ENTRY_SIZE = 16;
export const LABEL_HEIGHT = 18;
const NODE_PAD_X = 14;
const NODE_MIN_WIDTH = 110;
const SUBTITLE_MAX = 34;
const LABEL_MAX = 60;

export const actionNodeId = (name: string): string => `a:${name}`;
export const unknownNodeId = (name: string): string => `u:${name}`;
export const ENTRY_NODE_ID = "s:entry";
export const ENTRY_EDGE_ID = "s:entry-edge";
export const transitionEdgeId = (index: number): string => `t:${index}`;

export function buildScene(view: GraphViewModel, metrics: Metrics): Scene {
  const { graph, problems } = view;
  const actionNames = new Set(graph.actions.map((a) => a.name));
  const hasOutgoing = new Set(graph.transitions.map((t) => t.from));
  const nodes: SceneNode[] = [];
  const seen = new Set<string>();

  for (const action of orderFromEntry(graph.actions, graph.transitions, graph.entrypoint)) {
    if (seen.has(action.name)) continue; // a duplicate-action problem; draw the name once
    seen.add(action.name);
    const subtitle = describeWrites(action);
    const captureLine = action.capturesErrorsAs !== undefined ? truncate(`errors → ${action.capturesErrorsAs}`, SUBTITLE_MAX) : undefined;
    const textWidth = Math.max(metrics.title(action.name) + 26, metrics.small(subtitle), captureLine ? metrics.small(captureLine) : 0);
    nodes.push({
      id: actionNodeId(action.name), kind: "action", name: action.name, action, subtitle,
      ...(captureLine ? { captureLine } : {}),
      isEntrypoint: graph.entrypoint === action.name,
      isTerminal: !hasOutgoing.has(action.name),
      problems: problems.filter((p) => p.action === action.name && p.transition === undefined),
      width: Math.max(NODE_MIN_WIDTH, Math.ceil(textWidth + 2 * NODE_PAD_X)),
      height: captureLine ? NODE_HEIGHT_CAPTURE : NODE_HEIGHT,
    });
  }
  const unknown = (name: string): string => {
    const id = unknownNodeId(name);
    if (!seen.has(id)) {
      seen.add(id);
      const own = problems.filter((p) => p.code === "unknown-action" && (p.action === name || p.key === name));
      // Only warnings: the builder escapes where the analysis cannot see, so the action may exist there.
      const subtitle = own.length > 0 && own.every((p) => p.severity === "warning") ? "not declared in sight" : "no such action";
      nodes.push({
        id, kind: "unknown", name, subtitle, isEntrypoint: false, isTerminal: false,
        problems: own,
        width: Math.max(NODE_MIN_WIDTH, Math.ceil(Math.max(metrics.title(name), metrics.small(subtitle)) + 2 * NODE_PAD_X)),
        height: NODE_HEIGHT,
      });
    }
    return id;
  };
  const endpoint = (name: string): string => (actionNames.has(name) ? actionNodeId(name) : unknown(name));

  const edges: SceneEdge[] = [];
  if (graph.entrypoint !== null) {
    nodes.unshift({
      id: ENTRY_NODE_ID, kind: "entry", name: "", subtitle: "", isEntrypoint: false, isTerminal: false,
      problems: [], width: ENTRY_SIZE, height: ENTRY_SIZE,
    });
    edges.push({ id: ENTRY_EDGE_ID, source: ENTRY_NODE_ID, target: endpoint(graph.entrypoint), from: "", to: graph.entrypoint, label: "", problems: [] });
  }
  graph.transitions.forEach((t, index) => {
    const label = t.condition === "default" ? "" : truncate(t.condition, LABEL_MAX);
    edges.push({
      id: transitionEdgeId(index), source: endpoint(t.from), target: endpoint(t.to), from: t.from, to: t.to,
      label, transition: t,
      problems: problems.filter((p) => p.transition === index),
      ...(label ? { labelSize: { width: Math.ceil(metrics.label(label)) + 14, height: LABEL_HEIGHT } } : {}),
    });
  });
  return { nodes, edges };
}

export function layoutInput(scene: Scene): LayoutInput {
  return {
    nodes: scene.nodes.map((n) => ({ id: n.id, width: n.width, height: n.height, ...(n.kind === "entry" ? { first: true } : {}) })),
    edges: scene.edges.map((e) => ({ id: e.id, source: e.source, target: e.target, ...(e.labelSize ? { label: e.labelSize } : {}) })),
  };
}

/** Entry first, then breadth-first along transitions, then whatever is unreachable: the reading order. */
function orderFromEntry(actions: ActionModel[], transitions: TransitionModel[], entrypoint: string | null): ActionModel[] {
  const byName = new Map(actions.map((a) => [a.name, a]));
  const order: ActionModel[] = [];
  const queued = new Set<string>();
  const queue: string[] = entrypoint !== null && byName.has(entrypoint) ? [entrypoint] : [];
  queue.forEach((n) => queued.add(n));
  while (queue.length > 0) {
    const name = queue.shift()!;
    order.push(byName.get(name)!);
    for (const t of transitions) {
      if (t.from === name && byName.has(t.to) && !queued.has(t.to)) {
        queued.add(t.to);
        queue.push(t.to);
      }
    }
  }
  for (const a of actions) if (!queued.has(a.name)) order.push(a);
  return order;
}

function describeWrites(action: ActionModel): string {
  if (action.writes.length === 0) return action.reads.length ? truncate(`reads ${action.reads.join(", ")}`, SUBTITLE_MAX) : "no state writes";
  return truncate(`writes ${action.writes.join(", ")}`, SUBTITLE_MAX);
}

export function truncate(text: string, max: number): string {
  const oneLine = text.replace(/\s+/g, " ").trim();
  return oneLine.length <= max ? oneLine : `${oneLine.slice(0, max - 1)}…`;
}

// Messages between the host (the extension, or the `burr-ts ui` server in a
// browser page) and the graph view, declared once for both sides. Pure types:
// no DOM, vscode or Node, so every side can import it.
import type { GraphModel, GraphProblem, SourceRange } from "../../../runtime/src/graph/model.js";

/** What the graph view paints over the plain graph (a debug session's or a tracked run's progress). */
export interface Highlight {
  /** The action about to run (debugger) or the last one run; null clears it. */
  current?: string | null;
  /** Actions in the order they ran; repeated names are allowed. */
  visited?: string[];
  /** How often each transition was taken, keyed "from->to". */
  edgeCounts?: Record<string, number>;
  /** Annotations on the run's steps, counted per action name (a tracked run's graph). */
  annotated?: Record<string, number>;
}

/** What the graph view needs to draw one app. */
export interface GraphViewModel {
  /** Identifies the app; a new key means a different app (fresh layout). */
  appKey: string;
  title: string;
  graph: GraphModel;
  problems: GraphProblem[];
  /** False when the document no longer parses and this is the last good graph. */
  stale?: boolean;
}

/** Host → webview. The host sends nothing before the view says `ready`. */
export type HostToGraphMessage =
  | { type: "graph"; model: GraphViewModel; highlight: Highlight | null }
  | { type: "highlight"; highlight: Highlight | null }
  | { type: "fit" }
  /** Ask for the drawing as standalone SVG; answered by `svgExport` with the same requestId. */
  | { type: "exportSvg"; requestId: number }
  /** No graph to show (the app was removed or the document closed). */
  | { type: "empty"; reason: string };

/** Webview → host. */
/** Epoch milliseconds of a page's milestones (its own clock), for the first-interaction bench's trace. */
export type PageTiming = Record<string, number>;

export type GraphToHostMessage =
  | { type: "ready"; timing?: PageTiming }
  /** The user clicked a node or an edge that knows where it is defined. */
  | { type: "openSource"; source: SourceRange; what: string }
  | { type: "svgExport"; requestId: number; svg: string }
  /** A layout finished: how many nodes it placed and how long elkjs took (for logs and tests). */
  | { type: "rendered"; nodes: number; edges: number; layoutMs: number; reusedPositions: number; timing?: PageTiming }
  | { type: "error"; message: string };

/** Exhaustiveness check for switches over the unions above. */
export function assertNever(value: never): never {
  throw new Error(`unexpected message: ${JSON.stringify(value)}`);
}

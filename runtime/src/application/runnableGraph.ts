// What a parallel child runs: a sub-graph from an entrypoint until one of
// its haltAfter actions has run. A single action becomes a one-node graph
// under its own name (Burr's RunnableGraph.create).
import { ActionBase } from "../actions/action.js";
import { ConfigurationError } from "../errors.js";
import { Graph, GraphBuilder } from "./graph.js";

export class RunnableGraph {
  /** The child's name (tracked runs, errors, remote registries); the entrypoint's by default. */
  readonly name: string;
  constructor(
    readonly graph: Graph,
    readonly entrypoint: string,
    readonly haltAfter: readonly string[],
    name?: string,
  ) {
    this.name = name ?? entrypoint;
  }

  /** A child target as a graph: `action`, `{ name: action }` or a RunnableGraph; `fallbackName` names a bare action. */
  static create(target: SubTarget, fallbackName: string): RunnableGraph {
    if (target instanceof RunnableGraph) return target;
    const [name, act] = namedAction(target, fallbackName);
    const graph = new GraphBuilder().withActions({ [name]: act }).build();
    return new RunnableGraph(graph, name, [name]);
  }
}

/**
 * What a child application runs: an action (named `{ summarize }`, as in
 * withActions; a bare action runs under the parent action's name), or a sub-graph.
 */
export type SubTarget = ActionBase | RunnableGraph | Readonly<Record<string, ActionBase>>;

function namedAction(target: ActionBase | Readonly<Record<string, ActionBase>>, fallbackName: string): [string, ActionBase] {
  if (target instanceof ActionBase) return [fallbackName, target];
  const entries = target !== null && typeof target === "object" ? Object.entries(target) : [];
  if (entries.length !== 1 || !(entries[0][1] instanceof ActionBase)) {
    throw new ConfigurationError(
      `A parallel child of "${fallbackName}" must be an action, { name: action } with exactly one entry, or a RunnableGraph; got ${describe(target)}`,
      { action: fallbackName },
    );
  }
  return entries[0];
}

function describe(v: unknown): string {
  if (v === null || typeof v !== "object") return String(v);
  const keys = Object.keys(v);
  return `an object with ${keys.length} key${keys.length === 1 ? "" : "s"} (${keys.slice(0, 3).join(", ")})`;
}

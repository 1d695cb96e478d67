// Actions and transitions without app concerns (Burr's Graph/GraphBuilder),
// shared by ApplicationBuilder, and the graph model a built app exposes.
import { ActionBase } from "../actions/action.js";
import { captureSite } from "../actions/source.js";
import { always, Condition } from "../conditions/index.js";
import { ConfigurationError } from "../errors.js";
import type { ActionModel, GraphModel, SourceRange, TransitionModel } from "../graph/model.js";
import { WILDCARD, wildcardSources } from "../graph/wildcard.js";
import { conditionTree } from "./conditionTree.js";

/** `[from, to]` or `[from, to, condition]`; `from` may list several actions, or be "*" for every action but `to`. */
export type TransitionSpec =
  | readonly [from: string | readonly string[], to: string]
  | readonly [from: string | readonly string[], to: string, condition: Condition];

export interface Transition {
  from: string;
  to: string;
  condition: Condition;
  source?: SourceRange;
  /** Set on the edges a "*" tuple expands to. */
  wildcard?: true;
}

/**
 * A reusable set of actions and transitions; add it to apps with `withGraph`.
 * A "*" tuple stays one entry (`from: "*"`) in `transitions`: it stands for
 * every action of the app the graph ends up in, so it is expanded there.
 */
export class Graph {
  constructor(
    readonly actions: ReadonlyMap<string, ActionBase>,
    readonly transitions: readonly Transition[],
  ) {}

  /** The graph model (with no entrypoint; "*" over this graph's actions), e.g. to visualize or validate the graph alone. */
  toModel(entrypoint: string | null = null): GraphModel {
    return buildGraphModel(this.actions, expandWildcards(this.actions, this.transitions), entrypoint);
  }
}

/**
 * Each `from: "*"` entry replaced, where it was declared, by one edge from every
 * action but its target: declared first it is tried first from every action,
 * declared last it is the fallback. Each edge keeps the tuple's source range.
 */
export function expandWildcards(actions: ReadonlyMap<string, ActionBase>, transitions: readonly Transition[]): Transition[] {
  if (!transitions.some((t) => t.from === WILDCARD)) return [...transitions];
  const out: Transition[] = [];
  for (const t of transitions) {
    if (t.from !== WILDCARD) out.push(t);
    else for (const from of wildcardSources(actions.keys(), t.to)) out.push({ ...t, from, wildcard: true });
  }
  return out;
}

/** Collects actions and transitions; shared by GraphBuilder and ApplicationBuilder. */
export class GraphParts {
  readonly actions = new Map<string, ActionBase>();
  readonly transitions: Transition[] = [];
  /** Names registered twice; reported by build() with every other problem. */
  readonly duplicates: string[] = [];

  addActions(actions: Record<string, ActionBase>): void {
    if (actions === null || typeof actions !== "object") {
      throw new ConfigurationError("withActions takes an object of name → action, e.g. withActions({ humanInput, aiResponse })");
    }
    for (const [name, act] of Object.entries(actions)) {
      if (name === WILDCARD) {
        throw new ConfigurationError(
          'withActions: an action cannot be named "*": in withTransitions "*" stands for every action. Give it another name',
        );
      }
      if (!(act instanceof ActionBase)) {
        throw new ConfigurationError(
          `withActions: "${name}" is not an action (got ${typeof act}). Define it with action(spec, fn), streamingAction(spec, fn), or a class extending Action`,
          { action: name },
        );
      }
      if (this.actions.has(name)) this.duplicates.push(name);
      this.actions.set(name, act);
    }
  }

  addTransitions(specs: readonly TransitionSpec[], site = captureSite()): void {
    let ranges: SourceRange[] | undefined;
    specs.forEach((spec, i) => {
      if (!Array.isArray(spec) || spec.length < 2 || spec.length > 3) {
        throw new ConfigurationError(
          `withTransitions: argument ${i + 1} must be [from, to] or [from, to, condition], got ${JSON.stringify(spec)}`,
        );
      }
      const [from, to, cond] = spec as readonly [string | readonly string[], string, Condition?];
      const condition = cond ?? always;
      if (!(condition instanceof Condition)) {
        throw new ConfigurationError(
          `withTransitions: the condition of [${JSON.stringify(from)}, "${to}"] is not a condition; use when({...}), expr("..."), condition(fn, { keys }) or always`,
          { action: typeof from === "string" ? from : undefined },
        );
      }
      const sources = typeof from === "string" ? [from] : from;
      if (typeof to !== "string" || !Array.isArray(sources) || sources.some((s) => typeof s !== "string")) {
        throw new ConfigurationError(`withTransitions: argument ${i + 1} must name actions by string, got ${JSON.stringify(spec)}`);
      }
      if (to === WILDCARD) {
        throw new ConfigurationError(
          `withTransitions: argument ${i + 1} goes to "*", but a transition goes to one action: name it. ` +
            `"*" may only be the source, e.g. ["*", "handleError", expr("error != null")], to leave from every action`,
        );
      }
      if (typeof from !== "string" && sources.includes(WILDCARD)) {
        throw new ConfigurationError(
          `withTransitions: argument ${i + 1} lists "*" among its sources; write "*" alone as the source (["*", "${to}", condition]) to leave from every action, or list the actions`,
        );
      }
      ranges ??= site.argumentRanges();
      const source = ranges.length === specs.length ? ranges[i] : site.range;
      for (const s of sources) this.transitions.push({ from: s, to, condition, source });
    });
  }

  addGraph(graph: Graph): void {
    const named: Record<string, ActionBase> = {};
    for (const [name, act] of graph.actions) named[name] = act;
    this.addActions(named);
    this.transitions.push(...graph.transitions);
  }
}

export class GraphBuilder {
  private readonly parts = new GraphParts();

  withActions(actions: Record<string, ActionBase>): this {
    this.parts.addActions(actions);
    return this;
  }

  withTransitions(...transitions: TransitionSpec[]): this {
    this.parts.addTransitions(transitions);
    return this;
  }

  withGraph(graph: Graph): this {
    this.parts.addGraph(graph);
    return this;
  }

  build(): Graph {
    if (this.parts.duplicates.length) {
      throw new ConfigurationError(
        `GraphBuilder: action name${this.parts.duplicates.length > 1 ? "s" : ""} ${this.parts.duplicates.map((d) => `"${d}"`).join(", ")} registered twice; give each action one name`,
      );
    }
    return new Graph(new Map(this.parts.actions), [...this.parts.transitions]);
  }
}

export function actionModel(name: string, act: ActionBase): ActionModel {
  const model: ActionModel = {
    name,
    reads: [...act.reads],
    writes: [...act.writes],
    inputs: [...act.inputs],
    optionalInputs: [...act.optionalInputs],
    streaming: act.streaming,
  };
  if (typeof act.onError?.key === "string") model.capturesErrorsAs = act.onError.key;
  const source = act.site.range;
  if (source) model.source = source;
  return model;
}

export function transitionModel(t: Transition): TransitionModel {
  const model: TransitionModel = {
    from: t.from, to: t.to, condition: t.condition.name, keys: [...t.condition.keys], conditionTree: conditionTree(t.condition.shape, t.condition.name),
  };
  if (t.source) model.source = t.source;
  if (t.wildcard) model.wildcard = true;
  return model;
}

export function buildGraphModel(
  actions: ReadonlyMap<string, ActionBase>,
  transitions: readonly Transition[],
  entrypoint: string | null,
): GraphModel {
  return {
    entrypoint,
    actions: [...actions].map(([name, act]) => actionModel(name, act)),
    transitions: transitions.map(transitionModel),
  };
}

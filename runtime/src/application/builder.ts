// ApplicationBuilder: actions, transitions, state, entrypoint, identifiers,
// hooks, tracker, persister, initializeFrom. build() validates the whole graph
// and throws one error listing every problem.
import { randomUUID } from "node:crypto";
import type { ActionBase } from "../actions/action.js";
import { captureSite } from "../actions/source.js";
import { createDebugGateFromEnv } from "../debug/index.js";
import type { StepGate } from "../debug/gate.js";
import { ConfigurationError, InvalidGraphError } from "../errors.js";
import type { GraphProblem } from "../graph/model.js";
import { validateGraph } from "../graph/validate.js";
import type { LifecycleHooks } from "../lifecycle/hooks.js";
import { HookRunner } from "../lifecycle/runner.js";
import type { StateLoader, StateSaver } from "../persistence/types.js";
import { State } from "../state/state.js";
import type { StateValues } from "../state/types.js";
import { LocalTrackingClient, type LocalTrackingOptions } from "../tracking/index.js";
import { Application, type AppPointer } from "./application.js";
import { buildGraphModel, expandWildcards, GraphParts, type Graph, type TransitionSpec } from "./graph.js";
import { loadInitialPosition, type InitializeFromOptions } from "./initialize.js";
import { PersisterHook } from "./persisterHook.js";

export type LocalTrackerOptions = LocalTrackingOptions;

type BuildResult<S extends StateValues, Async extends boolean> = Async extends true ? Promise<Application<S>> : Application<S>;

/**
 * Builds an Application. `S` is the app's state type (optional). After
 * `initializeFrom` the build has to load state, so `build()` returns a Promise.
 */
export class ApplicationBuilder<S extends StateValues = StateValues, Async extends boolean = false> {
  private readonly parts = new GraphParts();
  private state: State<S> | null = null;
  private entrypoint: string | null = null;
  private appId: string | null = null;
  private partitionKey: string | null = null;
  private readonly hooks: LifecycleHooks[] = [];
  private readonly savers: StateSaver[] = [];
  private initializer: { loader: StateLoader; options: InitializeFromOptions<S> } | null = null;
  private spawningParent: AppPointer | null = null;
  private appName: string | undefined;
  private gate: StepGate | null | undefined;

  withActions(actions: Record<string, ActionBase>): this {
    this.parts.addActions(actions);
    return this;
  }

  /**
   * `[from, to]` or `[from, to, condition]`; `from` may be a list, or "*" for every
   * action but `to` (expanded at build(), where declared); no condition means always.
   */
  withTransitions(...transitions: TransitionSpec[]): this {
    this.parts.addTransitions(transitions, captureSite());
    return this;
  }

  /** Adds a reusable graph built with GraphBuilder. */
  withGraph(graph: Graph): this {
    this.parts.addGraph(graph);
    return this;
  }

  /** The initial state: a plain object or a State. Several calls merge. */
  withState(state: Partial<S> | State<S>): this {
    if (this.initializer) {
      throw new ConfigurationError("withState cannot be combined with initializeFrom: pass defaultState to initializeFrom instead");
    }
    const given = state instanceof State ? state : new State<S>(state);
    this.state = this.state ? (this.state.merge(given) as unknown as State<S>) : given;
    return this;
  }

  withEntrypoint(action: string): this {
    if (this.initializer) {
      throw new ConfigurationError("withEntrypoint cannot be combined with initializeFrom: pass defaultEntrypoint to initializeFrom instead", {
        action,
      });
    }
    if (this.entrypoint !== null) {
      throw new ConfigurationError(`The entrypoint is already "${this.entrypoint}"; call withEntrypoint once`, { action });
    }
    this.entrypoint = action;
    return this;
  }

  withIdentifiers(ids: { appId?: string; partitionKey?: string | null }): this {
    if (ids.appId !== undefined) {
      if (typeof ids.appId !== "string" || ids.appId === "") throw new ConfigurationError("withIdentifiers: appId must be a non-empty string");
      this.appId = ids.appId;
    }
    if (ids.partitionKey !== undefined) this.partitionKey = ids.partitionKey;
    return this;
  }

  /** A name for the app in error messages and problems (defaults to the app id). */
  withName(name: string): this {
    this.appName = name;
    return this;
  }

  /** `"local"` writes runs to ~/.burr (or storageDir) in Burr's format; or pass any hooks object. */
  withTracker(tracker: "local", options: LocalTrackerOptions): this;
  withTracker(tracker: LifecycleHooks): this;
  withTracker(tracker: "local" | LifecycleHooks, options?: LocalTrackerOptions): this {
    if (tracker === "local") {
      if (!options || typeof options.project !== "string") {
        throw new ConfigurationError('withTracker("local", { project }) needs a project name, e.g. withTracker("local", { project: "demo" })');
      }
      this.hooks.push(new LocalTrackingClient(options));
      return this;
    }
    if (tracker === null || typeof tracker !== "object") {
      throw new ConfigurationError('withTracker takes "local" with options, or a hooks object');
    }
    this.hooks.push(tracker);
    return this;
  }

  withHooks(...hooks: LifecycleHooks[]): this {
    for (const h of hooks) {
      if (h === null || typeof h !== "object") throw new ConfigurationError(`withHooks takes hook objects, got ${h === null ? "null" : typeof h}`);
      this.hooks.push(h);
    }
    return this;
  }

  /** Saves the state after every step (failed steps with status "failed"). */
  withStatePersister(saver: StateSaver): this {
    if (!saver || typeof saver.save !== "function") {
      throw new ConfigurationError("withStatePersister takes a persister with save(), e.g. new SQLitePersister({ dbPath })");
    }
    this.savers.push(saver);
    this.hooks.push(new PersisterHook(saver));
    return this;
  }

  /**
   * Attaches a debugger gate (see debug/gate.ts). Programs launched by the burr
   * debug adapter get one from the environment; null turns that off.
   */
  withDebugGate(gate: StepGate | null): this {
    this.gate = gate;
    return this;
  }

  /** Marks this app as spawned by a step of another app (sub-applications). */
  withSpawningParent(parent: { appId: string; sequenceId: number | null; partitionKey?: string | null }): this {
    this.spawningParent = { appId: parent.appId, sequenceId: parent.sequenceId, partitionKey: parent.partitionKey ?? null };
    return this;
  }

  /** Loads prior state (resume or fork) when the app is built; build() then returns a Promise. */
  initializeFrom(loader: StateLoader, options: InitializeFromOptions<S>): ApplicationBuilder<S, true> {
    if (this.state !== null || this.entrypoint !== null) {
      throw new ConfigurationError(
        "initializeFrom cannot follow withState/withEntrypoint: give defaultState and defaultEntrypoint to initializeFrom instead",
      );
    }
    if (!loader || typeof loader.load !== "function") throw new ConfigurationError("initializeFrom takes a loader with load(), e.g. a persister");
    if ((options.forkFromPartitionKey !== undefined || options.forkFromSequenceId !== undefined) && options.forkFromAppId === undefined) {
      throw new ConfigurationError("initializeFrom: forkFromPartitionKey/forkFromSequenceId need forkFromAppId too");
    }
    if (typeof options.defaultEntrypoint !== "string") {
      throw new ConfigurationError("initializeFrom needs defaultEntrypoint: the action to start at when nothing is loaded");
    }
    this.initializer = { loader, options };
    return this as unknown as ApplicationBuilder<S, true>;
  }

  /**
   * Resumes the app from `loader` when it has saved steps, otherwise starts it
   * as written (withState / withEntrypoint become initializeFrom's defaults).
   * Lets a server take a builder written for a new app and serve a saved one.
   */
  resumeFrom(loader: StateLoader, fork: Pick<InitializeFromOptions<S>, "forkFromAppId" | "forkFromPartitionKey" | "forkFromSequenceId"> = {}): ApplicationBuilder<S, true> {
    if (this.entrypoint === null) throw new ConfigurationError("resumeFrom needs withEntrypoint: the action a new app starts at");
    const options: InitializeFromOptions<S> = { resumeAtNextAction: true, defaultState: this.state ?? new State<S>(), defaultEntrypoint: this.entrypoint, ...fork };
    this.state = null;
    this.entrypoint = null;
    return this.initializeFrom(loader, options);
  }

  /** Validates the graph and makes the app; with initializeFrom, resolves after loading. */
  build(): BuildResult<S, Async> {
    const app = this.initializer ? this.buildInitialized() : this.buildWith(this.state ?? new State<S>(), this.entrypoint, null, null, null);
    return app as BuildResult<S, Async>;
  }

  /** Always async, whether or not initializeFrom is used. */
  async abuild(): Promise<Application<S>> {
    return this.build() as Application<S> | Promise<Application<S>>;
  }

  private async buildInitialized(): Promise<Application<S>> {
    const { loader, options } = this.initializer!;
    const appId = this.appId ?? randomUUID();
    this.appId = appId;
    const pos = await loadInitialPosition(loader, options, appId, this.partitionKey);
    return this.buildWith(pos.state, pos.next, pos.priorAction, pos.lastSequenceId, pos.parent);
  }

  private buildWith(
    state: State<S>,
    entrypoint: string | null,
    priorAction: string | null,
    lastSequenceId: number | null,
    parent: AppPointer | null,
  ): Application<S> {
    const appId = this.appId ?? randomUUID();
    const graphEntrypoint = this.initializer ? this.initializer.options.defaultEntrypoint : entrypoint;
    const transitions = expandWildcards(this.parts.actions, this.parts.transitions);
    const graph = buildGraphModel(this.parts.actions, transitions, graphEntrypoint);
    const problems: GraphProblem[] = this.parts.duplicates.map((name) => ({
      code: "duplicate-action",
      severity: "error",
      action: name,
      message: `Action "${name}" is registered twice in withActions; give each action one name`,
    }));
    problems.push(...validateGraph(graph, { appName: this.appName ?? appId, initialStateKeys: state.keys() }));
    const errors = problems.filter((p) => p.severity === "error");
    if (errors.length) throw new InvalidGraphError(errors, { appId });
    for (const position of [entrypoint, priorAction]) {
      if (position !== null && !this.parts.actions.has(position)) {
        throw new ConfigurationError(
          `The loaded step was taken by action "${position}", which this app does not have; add it to withActions or fork from another step`,
          { appId, action: position },
        );
      }
    }

    const hooks = new HookRunner([...this.hooks]);
    const readyParts: Promise<void>[] = this.savers.map((s) => s.initialize());
    const created = hooks.call(
      "postApplicationCreate",
      { appId, partitionKey: this.partitionKey, state, graph, parent, spawningParent: this.spawningParent },
      { appId, partitionKey: this.partitionKey },
    );
    if (created) readyParts.push(created);
    let ready: Promise<void> | null = null;
    if (readyParts.length) {
      ready = Promise.all(readyParts).then(() => undefined);
      ready.catch(() => undefined); // surfaces from the first call on the app, not as an unhandled rejection
    }
    const app = new Application<S>({
      appId,
      partitionKey: this.partitionKey,
      actions: new Map(this.parts.actions),
      transitions,
      graph,
      state,
      next: entrypoint,
      priorAction,
      lastSequenceId,
      hooks,
      gate: this.gate !== undefined ? this.gate : createDebugGateFromEnv(),
      ready,
      parent,
      spawningParent: this.spawningParent,
      savers: [...this.savers],
    });
    return app;
  }
}

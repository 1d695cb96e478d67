// ApplicationBuilder: actions, transitions, state, entrypoint, identifiers,
// hooks, tracker, persister, initializeFrom. build() validates the whole graph
// and throws one error listing every problem.
import { randomUUID } from "node:crypto";
import type { ActionBase } from "../actions/action.js";
import { captureSite } from "../actions/source.js";
import { createDebugGateFromEnv } from "../debug/index.js";
import { loadForkPoint, takeForkRequest } from "../debug/fork.js";
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
import { isStandardSchema, type InferSchemaOutput, type StandardSchemaV1 } from "../state/standardSchema.js";
import { StateSchema } from "./stateSchema.js";
import { isChildTracker, type ParallelExecutor, type ParentParts } from "./parallelTypes.js";

export type LocalTrackerOptions = LocalTrackingOptions;

/** The state type a schema describes (an object schema's output). */
type SchemaState<Schema extends StandardSchemaV1> = InferSchemaOutput<Schema> extends StateValues ? InferSchemaOutput<Schema> : StateValues;

export type WarningMode = "warn" | "silent" | "throw";

export interface BuildOptions {
  /** What to do with the validator's warnings: print them (default), ignore them, or fail the build. */
  warnings?: WarningMode;
}

function checkWarningsOption(options: BuildOptions): WarningMode {
  const mode = options?.warnings ?? "warn";
  if (mode !== "warn" && mode !== "silent" && mode !== "throw") {
    throw new ConfigurationError(`build({ warnings }) takes "warn", "silent" or "throw", got ${JSON.stringify(mode)}`);
  }
  return mode;
}

function warnOnce(problems: readonly GraphProblem[]): void {
  // Each problem's message already names the app.
  const lines = problems.map((p, i) => `  ${i + 1}. [${p.code}] ${p.message}`);
  console.warn(
    `burr-ts: build() found ${problems.length} warning${problems.length === 1 ? "" : "s"} ` +
      `(build({ warnings: "silent" }) hides them, "throw" makes them errors):\n${lines.join("\n")}`,
  );
}

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
  private sequenceId: number | null = null;
  private readonly hooks: LifecycleHooks[] = [];
  private readonly savers: StateSaver[] = [];
  private readonly trackers = new Set<LifecycleHooks>();
  private executor: ParallelExecutor | null = null;
  private initializer: { loader: StateLoader; options: InitializeFromOptions<S> } | null = null;
  private spawningParent: AppPointer | null = null;
  private appName: string | undefined;
  private gate: StepGate | null | undefined;
  private stateSchema: StateSchema | null = null;

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

  /**
   * Validates state with a Standard Schema (zod 4, valibot, arktype...): each
   * step's written keys before it commits, and the state the app starts from.
   * The builder's state type becomes the schema's type.
   */
  withStateSchema<Schema extends StandardSchemaV1>(schema: Schema): ApplicationBuilder<SchemaState<Schema>, Async> {
    if (!isStandardSchema(schema)) {
      throw new ConfigurationError("withStateSchema takes a Standard Schema (zod 4, valibot, arktype...), e.g. withStateSchema(z.object({ count: z.number() }))");
    }
    this.stateSchema = new StateSchema(schema);
    return this as unknown as ApplicationBuilder<SchemaState<Schema>, Async>;
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

  /**
   * The app's id, partition key and (as in Burr) the sequence id it is at:
   * with `sequenceId: n` the first step runs as n + 1, as if step n had just
   * been taken. State loaded by initializeFrom brings its own sequence id.
   */
  withIdentifiers(ids: { appId?: string; partitionKey?: string | null; sequenceId?: number }): this {
    if (ids.appId !== undefined) {
      if (typeof ids.appId !== "string" || ids.appId === "") throw new ConfigurationError("withIdentifiers: appId must be a non-empty string");
      this.appId = ids.appId;
    }
    if (ids.partitionKey !== undefined) this.partitionKey = ids.partitionKey;
    if (ids.sequenceId !== undefined) {
      if (!Number.isSafeInteger(ids.sequenceId) || ids.sequenceId < 0) {
        throw new ConfigurationError(
          `withIdentifiers: sequenceId must be a whole number >= 0 (the step the app is at; the next step runs as sequenceId + 1), got ${String(ids.sequenceId)}`,
          { appId: this.appId ?? undefined },
        );
      }
      this.sequenceId = ids.sequenceId;
    }
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
      const client = new LocalTrackingClient(options);
      this.trackers.add(client);
      this.hooks.push(client);
      return this;
    }
    if (tracker === null || typeof tracker !== "object") {
      throw new ConfigurationError('withTracker takes "local" with options, or a hooks object');
    }
    this.trackers.add(tracker);
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

  /** Where parallel actions of this app run their children (unless an action names its own); in this process by default. */
  withParallelExecutor(executor: ParallelExecutor): this {
    if (!executor || typeof executor.runChildren !== "function") {
      throw new ConfigurationError("withParallelExecutor takes an executor with runChildren(), e.g. new WorkerThreadsExecutor({ module }) or new BullMQExecutor({ connection, queueName })");
    }
    this.executor = executor;
    return this;
  }

  /** What parallel children may inherit: trackers, persisters, the initializer, the other hooks. */
  private parentParts(): ParentParts {
    const trackers: LifecycleHooks[] = [];
    const others: LifecycleHooks[] = [];
    for (const h of this.hooks) {
      if (h instanceof PersisterHook) continue;
      if (this.trackers.has(h) || isChildTracker(h)) trackers.push(h);
      else others.push(h);
    }
    return { trackers, persisters: [...this.savers], initializer: this.initializer?.loader ?? null, hooks: others, executor: this.executor };
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

  /**
   * Validates the graph and makes the app; with initializeFrom, resolves after loading.
   * Warnings (unreachable action, never-written key, shadowed transition) go to
   * console.warn once per built app, unless `warnings` is "silent" or "throw".
   */
  build(options: BuildOptions = {}): BuildResult<S, Async> {
    // Apps spawned by a step (parallel children) are built again every step: quiet unless asked.
    const warnings = checkWarningsOption(options.warnings === undefined && this.spawningParent !== null ? { warnings: "silent" } : options);
    const app = this.initializer
      ? this.buildInitialized(warnings)
      : this.buildWith(this.state ?? new State<S>(), this.entrypoint, null, null, null, warnings);
    return app as BuildResult<S, Async>;
  }

  /** Always async, whether or not initializeFrom is used. */
  async abuild(options: BuildOptions = {}): Promise<Application<S>> {
    return this.build(options) as Application<S> | Promise<Application<S>>;
  }

  /**
   * @internal Replay (runtime/src/replay): this app's actions and graph at a
   * recorded position, with only `hooks`; the program's own trackers,
   * persisters and debugger are left out, so replay writes nowhere. The state
   * is plain (made into a State here, by this copy of burr-ts); null means the app's initial state (withState, or initializeFrom's defaultState).
   * `gate`: the debugger's, when the replay runs under it (replay/debugRunner.ts).
   */
  buildForReplay(at: { state: Record<string, unknown> | null; priorAction: string | null; lastSequenceId: number | null }, hooks: LifecycleHooks[], gate: StepGate | null = null): Application<S> {
    const given = this.initializer?.options.defaultState;
    const initial = given instanceof State ? given : given ? new State<S>(given) : (this.state ?? new State<S>());
    const entrypoint = this.initializer ? this.initializer.options.defaultEntrypoint : this.entrypoint;
    const state = at.state ? State.deserialize<S>(at.state) : initial;
    return this.buildWith(state, entrypoint, at.priorAction, at.lastSequenceId, null, "silent", at.lastSequenceId, { hooks, savers: [], gate });
  }

  private async buildInitialized(warnings: WarningMode): Promise<Application<S>> {
    const { loader, options } = this.initializer!;
    const appId = this.appId ?? randomUUID();
    this.appId = appId;
    const pos = await loadInitialPosition(loader, options, appId, this.partitionKey);
    return this.buildWith(pos.state, pos.next, pos.priorAction, pos.lastSequenceId, pos.parent, warnings, pos.lastCommittedSequenceId);
  }

  private buildWith(
    state: State<S>,
    entrypoint: string | null,
    priorAction: string | null,
    lastSequenceId: number | null,
    loadedParent: AppPointer | null,
    warnings: WarningMode,
    lastCommittedSequenceId: number | null = lastSequenceId,
    // Replay's own hooks, no persisters, no debugger (and no fork request taken).
    replay: { hooks: LifecycleHooks[]; savers: StateSaver[]; gate: StepGate | null } | null = null,
  ): Application<S> {
    let parent = loadedParent;
    // A fork the debugger asked for goes to the first app built with the debugger's gate, as a new app.
    const fork = this.gate === undefined && replay === null ? takeForkRequest() : null;
    const appId = fork ? randomUUID() : (this.appId ?? randomUUID());
    if (fork) parent = { appId: fork.appId, partitionKey: fork.partitionKey, sequenceId: fork.sequenceId };
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
    const errors = problems.filter((p) => p.severity === "error" || warnings === "throw");
    if (errors.length) throw new InvalidGraphError(errors, { appId });
    if (warnings === "warn" && problems.length > 0) warnOnce(problems);
    for (const position of [entrypoint, priorAction]) {
      if (position !== null && !this.parts.actions.has(position)) {
        throw new ConfigurationError(
          `The loaded step was taken by action "${position}", which this app does not have; add it to withActions or fork from another step`,
          { appId, action: position },
        );
      }
    }

    const hooks = new HookRunner([...(replay ? replay.hooks : this.hooks)]);
    const schemaWhat = lastSequenceId === null ? "The initial state" : `The state loaded by initializeFrom (step ${lastSequenceId})`;
    const prepare = (): Promise<void> | null => {
      const readyParts: Promise<void>[] = (replay ? replay.savers : this.savers).map((s) => s.initialize());
      if (this.stateSchema !== null) {
        const what = fork ? "The state of the forked step" : schemaWhat;
        const checked = this.stateSchema.checkState(app.state, what, { appId, partitionKey: this.partitionKey });
        if (checked) readyParts.push(checked);
      }
      const created = hooks.call(
        "postApplicationCreate",
        { appId, partitionKey: this.partitionKey, state: app.state, graph, parent, spawningParent: this.spawningParent },
        { appId, partitionKey: this.partitionKey },
      );
      if (created) readyParts.push(created);
      return readyParts.length ? Promise.all(readyParts).then(() => undefined) : null;
    };
    let ready: Promise<void> | null = null;
    if (fork) {
      // Loaded before anything is created or saved, so hooks and persisters see the fork.
      ready = loadForkPoint(fork, new Set(this.parts.actions.keys()), appId).then((point) => {
        app.startFromFork(point);
        return prepare() ?? undefined;
      });
    }
    let app: Application<S>; // assigned below; prepare() runs once it exists
    app = new Application<S>({
      appId,
      partitionKey: this.partitionKey,
      actions: new Map(this.parts.actions),
      transitions,
      graph,
      state,
      next: entrypoint,
      priorAction,
      lastSequenceId: replay ? lastSequenceId : (lastSequenceId ?? this.sequenceId),
      hooks,
      gate: replay ? replay.gate : this.gate !== undefined ? this.gate : createDebugGateFromEnv(),
      ready: null,
      parent,
      spawningParent: this.spawningParent,
      savers: [...(replay ? replay.savers : this.savers)],
      stateSchema: this.stateSchema,
      lastCommittedSequenceId,
      parallel: this.parentParts(),
    });
    if (!fork) ready = prepare();
    if (ready) {
      ready.catch(() => undefined); // surfaces from the first call on the app, not as an unhandled rejection
      app.setReady(ready);
    }
    return app;
  }
}

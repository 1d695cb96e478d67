// LocalTrackingClient: writes runs exactly as Python Burr's local tracker does
// (<storageDir>/<project>/<appId>/graph.json, metadata.json, log.jsonl,
// children.jsonl), so Burr's UI and our Tracked Runs view read the same runs.
// By default the state is written compactly: deltas with periodic full states
// (every reader we ship reads them). `compact: false` writes Burr's full form,
// the whole state every step, which Burr's own UI needs; `burr-ts export
// --burr-format` turns a compact run into that form afterwards.
import { appendFileSync, existsSync, mkdirSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import type {
  DoLogAttributeArgs,
  LifecycleHooks,
  PostApplicationCreateArgs,
  PostEndSpanArgs,
  PostEndStreamArgs,
  PostRunStepArgs,
  PostStreamItemArgs,
  PreRunStepArgs,
  PreStartSpanArgs,
  PreStartStreamArgs,
  StepChanges,
} from "../lifecycle/hooks.js";
import { ConfigurationError } from "../errors.js";
import { TRACKS_CHILDREN } from "../application/parallelTypes.js";
import { SnapshotPolicy, type SnapshotOptions } from "../persistence/snapshotPolicy.js";
import { encodeAny, encodeChanges } from "../state/serde/codec.js";
import { AppLog } from "./appLog.js";
import { PROJECT_NAME, naiveLocalTime, pointer, pythonJson, toJsonLine, utcTime } from "./format.js";
import { graphToBurr } from "./graphJson.js";
import { listTrackedAppIds, loadTrackedStep } from "./loader.js";
import type { PersistedStep, StateLoader } from "../persistence/types.js";

export interface LocalTrackingOptions {
  project: string;
  /** Default ~/.burr, as Burr. */
  storageDir?: string;
  /**
   * Default true: state deltas with periodic full states. `false` writes
   * Burr's full form (the whole state every step), for Burr's own UI.
   */
  compact?: boolean;
  /** Tuning of the compact form's full states. */
  snapshots?: SnapshotOptions;
}

interface AppTrack {
  dir: string;
  log: AppLog;
  lastAction: string | null;
  itemsStreamed: Map<number, number>;
}

function errorText(err: Error): string {
  let text = err.stack ?? `${err.name}: ${err.message}`;
  const cause = (err as { cause?: unknown }).cause;
  if (cause instanceof Error) text += `\nCaused by: ${cause.stack ?? cause.message}`;
  return text.endsWith("\n") ? text : `${text}\n`;
}

export class LocalTrackingClient implements LifecycleHooks, StateLoader {
  /** Parallel children inherit it as their tracker, even when given with withHooks. */
  readonly [TRACKS_CHILDREN] = true;
  readonly project: string;
  readonly storageDir: string;
  readonly compact: boolean;
  private readonly apps = new Map<string, AppTrack>();
  private readonly policy: SnapshotPolicy;
  private failed = false;

  constructor(opts: LocalTrackingOptions) {
    if (!opts || typeof opts.project !== "string" || !PROJECT_NAME.test(opts.project)) {
      throw new ConfigurationError(
        `withTracker("local", { project }): invalid project name ${JSON.stringify(opts?.project)}: use letters, digits, "_", "-" or ":" (Burr's rule), e.g. "chatbot-demo".`,
      );
    }
    this.project = opts.project;
    this.storageDir = opts.storageDir ?? join(homedir(), ".burr");
    this.compact = opts.compact ?? true;
    this.policy = new SnapshotPolicy({ maxDeltaChain: 200, ...opts.snapshots });
  }

  /**
   * Loads a tracked step (the latest, or `sequenceId`), so the tracker can be
   * given to initializeFrom to resume or fork a tracked run, as in Burr.
   */
  async load(partitionKey: string | null, appId: string, sequenceId?: number): Promise<PersistedStep | null> {
    this.apps.get(appId)?.log.flush(); // what this process wrote is read too
    return loadTrackedStep(this.storageDir, this.project, partitionKey, appId, sequenceId);
  }

  async listAppIds(partitionKey: string | null): Promise<string[]> {
    return listTrackedAppIds(this.storageDir, this.project, partitionKey);
  }

  /** Where an app's run is written. */
  appDirectory(appId: string): string {
    return join(this.storageDir, this.project, appId);
  }

  /** A tracker that cannot write warns once, stops writing, and never stops the app. */
  private guard(path: string, write: () => void): void {
    if (this.failed) return;
    try {
      write();
    } catch (err) {
      this.failed = true;
      for (const a of this.apps.values()) a.log.close();
      console.warn(
        `burr-ts: the local tracker cannot write ${path} (${(err as Error).message}); tracking to ${this.storageDir} is off for this process, the application keeps running.`,
      );
    }
  }

  private track(appId: string): AppTrack {
    let t = this.apps.get(appId);
    if (!t) {
      const dir = this.appDirectory(appId);
      mkdirSync(dir, { recursive: true });
      t = { dir, log: new AppLog(join(dir, "log.jsonl")), lastAction: null, itemsStreamed: new Map() };
      this.apps.set(appId, t);
    }
    return t;
  }

  postApplicationCreate(args: PostApplicationCreateArgs): void {
    const dir = this.appDirectory(args.appId);
    this.guard(dir, () => {
      const t = this.track(args.appId);
      const graphPath = join(t.dir, "graph.json");
      // Re-opened app (resumed): Burr keeps its graph, metadata and parent links as they were.
      if (existsSync(graphPath)) return;
      writeFileSync(graphPath, pythonJson(graphToBurr(args.graph)));
      const metadata = {
        type: "application_metadata",
        partition_key: args.partitionKey,
        parent_pointer: args.parent ? pointer(args.parent) : null,
        spawning_parent_pointer: args.spawningParent ? pointer(args.spawningParent) : null,
      };
      writeFileSync(join(t.dir, "metadata.json"), pythonJson(metadata));
      const link = args.parent ? { p: args.parent, kind: "fork" } : args.spawningParent ? { p: args.spawningParent, kind: "spawn_start" } : null;
      if (link) {
        const parentDir = this.appDirectory(link.p.appId);
        mkdirSync(parentDir, { recursive: true });
        const child = pointer({ appId: args.appId, sequenceId: null, partitionKey: args.partitionKey });
        const record = { type: "child_application_data", child, event_time: naiveLocalTime(new Date()), event_type: link.kind, sequence_id: link.p.sequenceId };
        appendFileSync(join(parentDir, "children.jsonl"), toJsonLine(record) + "\n");
      }
    });
  }

  preRunStep(args: PreRunStepArgs): void {
    this.guard(this.appDirectory(args.appId), () => {
      const t = this.track(args.appId);
      t.log.append({ type: "begin_entry", start_time: naiveLocalTime(new Date()), action: args.action, inputs: storedForm(args.inputs), sequence_id: args.sequenceId });
      t.log.flush();
    });
  }

  postRunStep(args: PostRunStepArgs): void {
    this.guard(this.appDirectory(args.appId), () => {
      const t = this.track(args.appId);
      const failed = args.exception !== null;
      const internal: Record<string, unknown> = { __SEQUENCE_ID: args.sequenceId };
      const prior = failed ? t.lastAction : args.action;
      if (prior !== null) internal.__PRIOR_STEP = prior;
      const head: Record<string, unknown> = {
        type: "end_entry",
        end_time: naiveLocalTime(new Date()),
        action: args.action,
        result: failed ? null : storedForm(args.result),
        exception: failed ? errorText(args.exception!) : null,
      };
      const sequence_id = args.sequenceId;
      const key = SnapshotPolicy.key(args.partitionKey, args.appId);
      // Stored (serde-tagged) once, used for both the size decision and the record.
      const stored = this.compact && args.changes ? encodeChanges(args.changes) : undefined;
      const decision = this.compact
        ? this.policy.decide(key, 0, args.sequenceId, stored, failed, (c: StepChanges) => JSON.stringify(withInternal(c, internal)))
        : ({ kind: "full" } as const);
      let bytes: number;
      let line: Record<string, unknown>;
      // Burr's field order: state before sequence_id.
      if (decision.kind === "delta") {
        line = { ...head, state: null, state_delta: withInternal(stored!, internal), sequence_id };
        bytes = decision.text.length;
      } else {
        const state = { ...args.state.serialize(), ...internal };
        // A compact full state also says what the step wrote, before the state: replay
        // compares that and can leave the (large) state unread (tracking/logParser.ts).
        const delta = this.compact && stored && !failed ? { state_delta: withInternal(stored, internal) } : {};
        line = { ...head, ...delta, state, sequence_id };
        bytes = this.compact ? JSON.stringify(state).length : 0;
      }
      t.log.append(line);
      t.log.flush();
      if (this.compact) this.policy.committed(key, 0, args.sequenceId, decision.kind, bytes);
      if (!failed) t.lastAction = args.action;
    });
  }

  preStartSpan(args: PreStartSpanArgs): void {
    this.guard(this.appDirectory(args.appId), () => {
      const s = args.span;
      this.track(args.appId).log.append({
        type: "begin_span",
        start_time: naiveLocalTime(args.startTime),
        action_sequence_id: s.sequenceId,
        span_id: s.uid,
        span_name: s.name,
        parent_span_id: s.parentUid,
        span_dependencies: [],
      });
    });
  }

  postEndSpan(args: PostEndSpanArgs): void {
    this.guard(this.appDirectory(args.appId), () => {
      this.track(args.appId).log.append({ type: "end_span", end_time: naiveLocalTime(args.endTime), action_sequence_id: args.span.sequenceId, span_id: args.span.uid });
    });
  }

  doLogAttribute(args: DoLogAttributeArgs): void {
    this.guard(this.appDirectory(args.appId), () => {
      this.track(args.appId).log.append({
        type: "attribute",
        key: args.key,
        action_sequence_id: args.sequenceId,
        span_id: args.span ? args.span.uid : null,
        value: args.value === undefined ? null : args.value,
        tags: {},
        time_logged: utcTime(new Date()),
      });
    });
  }

  preStartStream(args: PreStartStreamArgs): void {
    this.guard(this.appDirectory(args.appId), () => {
      const t = this.track(args.appId);
      t.itemsStreamed.set(args.sequenceId, 0);
      t.log.append({ type: "begin_stream", action_sequence_id: args.sequenceId, span_id: null, stream_init_time: utcTime(new Date()) });
      t.log.flush();
    });
  }

  postStreamItem(args: PostStreamItemArgs): void {
    this.guard(this.appDirectory(args.appId), () => {
      const t = this.track(args.appId);
      t.itemsStreamed.set(args.sequenceId, (t.itemsStreamed.get(args.sequenceId) ?? 0) + 1);
      if (args.itemIndex === 0) {
        t.log.append({ type: "first_item_stream", action_sequence_id: args.sequenceId, span_id: null, first_item_time: utcTime(args.firstItemTime) });
        t.log.flush();
      }
    });
  }

  postEndStream(args: PostEndStreamArgs): void {
    this.guard(this.appDirectory(args.appId), () => {
      const t = this.track(args.appId);
      const items = t.itemsStreamed.get(args.sequenceId) ?? 0;
      t.itemsStreamed.delete(args.sequenceId);
      t.log.append({ type: "end_stream", action_sequence_id: args.sequenceId, span_id: null, end_time: utcTime(new Date()), items_streamed: items });
      t.log.flush();
    });
  }

  /** Closes open log files (they are reopened if the app steps again). */
  close(): void {
    for (const a of this.apps.values()) {
      try {
        a.log.flush();
      } catch {
        // reported by guard on the next write; closing must not throw
      }
      a.log.close();
    }
  }
}

function withInternal(changes: StepChanges, internal: Record<string, unknown>): StepChanges {
  return { set: { ...changes.set, ...internal }, appended: changes.appended, deleted: changes.deleted };
}

/** Results and inputs in the stored form state uses (Dates tagged, not flattened); anything else falls back to the log's lenient JSON. */
function storedForm(value: unknown): unknown {
  try {
    return encodeAny(value, "result");
  } catch {
    return value;
  }
}

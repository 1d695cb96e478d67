// Lifecycle hooks: the one extension point of an application (Burr's
// burr.lifecycle, in camelCase). Every method is optional and may be async; a
// hook that throws is reported as a HookError naming the hook, never swallowed.
import type { StepChanges } from "../state/changes.js";
import type { State } from "../state/state.js";

// Declared with State (which computes it); hooks hand it on, so its users may import it from here.
export type { StepChanges };

export interface HookBase {
  appId: string;
  partitionKey: string | null;
}

export interface PostApplicationCreateArgs extends HookBase {
  state: State;
  graph: import("../graph/model.js").GraphModel;
  /** Set when the app was forked or is a child of another app. */
  parent?: { appId: string; partitionKey: string | null; sequenceId: number | null } | null;
  spawningParent?: { appId: string; partitionKey: string | null; sequenceId: number | null } | null;
}

export interface PreRunStepArgs extends HookBase {
  sequenceId: number;
  action: string;
  state: State;
  inputs: Record<string, unknown>;
}

export interface PostRunStepArgs extends HookBase {
  sequenceId: number;
  action: string;
  /** State after the step, or the state before it when the step failed. */
  state: State;
  /** What the step changed: the keys it wrote (absent when it failed). */
  changes?: StepChanges;
  inputs: Record<string, unknown>;
  result: Record<string, unknown> | null;
  exception: Error | null;
}

export interface SpanInfo {
  name: string;
  /** Unique within the step, e.g. "0:1". */
  uid: string;
  parentUid: string | null;
  depth: number;
  sequenceId: number;
  action: string;
}

export interface PreStartSpanArgs extends HookBase {
  span: SpanInfo;
  startTime: Date;
}
export interface PostEndSpanArgs extends HookBase {
  span: SpanInfo;
  endTime: Date;
}
export interface DoLogAttributeArgs extends HookBase {
  /** null when logged directly in the action, outside any span. */
  span: SpanInfo | null;
  sequenceId: number;
  action: string;
  key: string;
  value: unknown;
  attributeIndex: number;
}
export interface PreStartStreamArgs extends HookBase {
  sequenceId: number;
  action: string;
}
export interface PostStreamItemArgs extends HookBase {
  sequenceId: number;
  action: string;
  item: Record<string, unknown>;
  itemIndex: number;
  streamInitializeTime: Date;
  firstItemTime: Date;
}
export interface PostEndStreamArgs extends HookBase {
  sequenceId: number;
  action: string;
}
export interface ApplicationExecuteCallArgs extends HookBase {
  method: "step" | "run" | "iterate" | "streamResult" | "streamIterate";
  state: State;
  exception?: Error | null;
}

type MaybePromise<T> = T | Promise<T>;

export interface LifecycleHooks {
  postApplicationCreate?(args: PostApplicationCreateArgs): MaybePromise<void>;
  preRunStep?(args: PreRunStepArgs): MaybePromise<void>;
  postRunStep?(args: PostRunStepArgs): MaybePromise<void>;
  preStartSpan?(args: PreStartSpanArgs): MaybePromise<void>;
  postEndSpan?(args: PostEndSpanArgs): MaybePromise<void>;
  doLogAttribute?(args: DoLogAttributeArgs): MaybePromise<void>;
  preStartStream?(args: PreStartStreamArgs): MaybePromise<void>;
  postStreamItem?(args: PostStreamItemArgs): MaybePromise<void>;
  postEndStream?(args: PostEndStreamArgs): MaybePromise<void>;
  preApplicationExecuteCall?(args: ApplicationExecuteCallArgs): MaybePromise<void>;
  postApplicationExecuteCall?(args: ApplicationExecuteCallArgs): MaybePromise<void>;
}

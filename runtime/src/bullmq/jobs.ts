// What travels in a job: the data of a child job and of a turn, checked on
// arrival (a job is bytes from Redis: untrusted), and the Redis keys of the
// per-app bookkeeping (lease, turn order).
import { ConfigurationError } from "../errors.js";
import type { ParentStep, ResolvedParts } from "../application/parallelTypes.js";

export interface ChildJobData {
  kind: "child";
  name: string;
  appId: string;
  parent: ParentStep;
  state: Record<string, unknown>;
  inputs: Record<string, unknown>;
  cascaded: ResolvedParts["cascaded"];
  /** W3C trace context of the parent's step, when it is traced. */
  trace?: Record<string, string>;
}

export interface TurnJobData {
  kind: "turn";
  app: string;
  appId: string;
  partitionKey: string | null;
  inputs: Record<string, unknown>;
  haltAfter: string[];
  haltBefore: string[];
  /** The turn's place in its app's order (1, 2, …): turns of one app run in the order they were enqueued. */
  turn: number;
}

export type JobData = ChildJobData | TurnJobData;

const isObj = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);
const isStr = (v: unknown): v is string => typeof v === "string" && v.length > 0 && v.length <= 512;
const isStrList = (v: unknown): v is string[] => Array.isArray(v) && v.length <= 256 && v.every(isStr);

/** Checks a job's data; names the job and what is wrong. */
export function parseJobData(jobId: string | undefined, data: unknown): JobData {
  const bad = (what: string) => new ConfigurationError(`burr-ts/bullmq: job ${jobId ?? "?"} is not a burr-ts job (${what}); it was not enqueued by BullMQExecutor or enqueueRun`);
  if (!isObj(data)) throw bad("its data is not an object");
  if (data.kind === "child") {
    const p = data.parent;
    if (!isStr(data.name) || !isStr(data.appId) || !isObj(data.state) || !isObj(data.inputs) || !isObj(data.cascaded)) throw bad("child fields missing");
    if (!isObj(p) || !isStr(p.appId) || !isStr(p.action) || typeof p.sequenceId !== "number" || !(p.partitionKey === null || typeof p.partitionKey === "string")) {
      throw bad("its parent pointer is malformed");
    }
    if (data.trace !== undefined && (!isObj(data.trace) || !Object.values(data.trace).every((v) => typeof v === "string"))) throw bad("its trace context is malformed");
    return data as unknown as ChildJobData;
  }
  if (data.kind === "turn") {
    if (!isStr(data.app) || !isStr(data.appId) || !(data.partitionKey === null || isStr(data.partitionKey))) throw bad("app, appId or partitionKey missing");
    if (!isObj(data.inputs) || !isStrList(data.haltAfter) || !isStrList(data.haltBefore)) throw bad("inputs or halt lists malformed");
    if (!Number.isSafeInteger(data.turn) || (data.turn as number) < 1) throw bad("turn number malformed");
    return data as unknown as TurnJobData;
  }
  throw bad(`unknown kind ${JSON.stringify(data.kind)}`);
}

/** Per-app Redis keys, inside the queue's namespace. */
export function appKeys(queueName: string, partitionKey: string | null, appId: string) {
  const id = `${queueName}:${JSON.stringify([partitionKey, appId])}`;
  return {
    lease: `burr:lease:${id}`,
    turns: `burr:turns:${id}`,
    done: `burr:turndone:${id}`,
    starts: `burr:turnstart:${id}`,
  };
}

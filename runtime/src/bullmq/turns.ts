// Whole turns of an app as jobs: enqueueRun numbers each turn of an app, and
// the worker runs them in that order, exactly once. A turn records the
// sequence id it started from before it runs, so a retry (the worker died)
// can tell a finished turn (its last committed step is a haltAfter action,
// past the start) from one to resume (initializeFrom continues after the last
// committed step) or one that never began.
import type { Queue } from "bullmq";
import { ConfigurationError } from "../errors.js";
import type { Inputs } from "../actions/action.js";
import { appKeys, type TurnJobData } from "./jobs.js";
import { redisOf, type RedisCommands } from "./load.js";

export interface EnqueueRunOptions {
  /** The registry name of the app (startWorker's `apps`). */
  app: string;
  appId: string;
  partitionKey?: string | null;
  inputs?: Inputs;
  haltAfter?: readonly string[];
  haltBefore?: readonly string[];
  /** Attempts before the turn is given up (default 20), exponential backoff from backoffMs (default 250). */
  attempts?: number;
  backoffMs?: number;
}

/** Puts one turn of an app on the queue; turns of one app run in the order they were enqueued. */
export async function enqueueRun(queue: Queue, opts: EnqueueRunOptions): Promise<{ jobId: string; turn: number }> {
  if (!opts || typeof opts.app !== "string" || typeof opts.appId !== "string" || opts.appId === "") {
    throw new ConfigurationError('enqueueRun needs { app, appId }: the registry name given to startWorker\'s apps and the app id, e.g. { app: "chat", appId: "user-42", inputs }');
  }
  if (!opts.haltAfter?.length && !opts.haltBefore?.length) {
    throw new ConfigurationError(`enqueueRun for app "${opts.appId}" needs haltAfter (or haltBefore): where the turn ends`, { appId: opts.appId });
  }
  const partitionKey = opts.partitionKey ?? null;
  const redis = await redisOf(queue);
  const keys = appKeys(queue.name, partitionKey, opts.appId);
  const turn = Number(await redis.eval(`return redis.call("INCR", KEYS[1])`, 1, keys.turns));
  const data: TurnJobData = {
    kind: "turn",
    app: opts.app,
    appId: opts.appId,
    partitionKey,
    inputs: opts.inputs ?? {},
    haltAfter: [...(opts.haltAfter ?? [])],
    haltBefore: [...(opts.haltBefore ?? [])],
    turn,
  };
  const job = await queue.add(`turn:${opts.app}`, data, {
    attempts: opts.attempts ?? 20,
    backoff: { type: "exponential", delay: opts.backoffMs ?? 250 },
    removeOnComplete: { age: 3600 },
    removeOnFail: { age: 24 * 3600 },
  });
  return { jobId: String(job.id), turn };
}

const MARK_DONE = `local done = tonumber(redis.call("GET", KEYS[1]) or "0")
if done == tonumber(ARGV[1]) - 1 then redis.call("SET", KEYS[1], ARGV[1]) end
redis.call("HDEL", KEYS[2], ARGV[1])
return 1`;
const START = `local s = redis.call("HGET", KEYS[1], ARGV[1])
if s then return s end
redis.call("HSET", KEYS[1], ARGV[1], ARGV[2])
return ARGV[2]`;

/** The Redis side of one app's turns. */
export class TurnBook {
  private readonly keys: ReturnType<typeof appKeys>;
  constructor(
    private readonly redis: RedisCommands,
    queueName: string,
    job: TurnJobData,
  ) {
    this.keys = appKeys(queueName, job.partitionKey, job.appId);
  }

  /** How many turns of the app are done (or given up). */
  async done(): Promise<number> {
    return Number((await this.redis.get(this.keys.done)) ?? "0");
  }

  /** The sequence id the turn started from: recorded on its first attempt, read back on retries. */
  async startOf(turn: number, head: number): Promise<number> {
    return Number(await this.redis.eval(START, 1, this.keys.starts, turn, head));
  }

  async markDone(turn: number): Promise<void> {
    await this.redis.eval(MARK_DONE, 2, this.keys.done, this.keys.starts, turn);
  }
}

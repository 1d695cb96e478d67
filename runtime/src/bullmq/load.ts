// bullmq is an optional peer: loaded on first use, with a clear error when it
// is missing. Redis commands of our own (leases, turn order) go through the
// queue's own ioredis client, so there is one connection setup to configure.
import { ConfigurationError } from "../errors.js";

export type BullMQ = typeof import("bullmq");
export type ConnectionOptions = import("bullmq").ConnectionOptions;

let loaded: Promise<BullMQ> | null = null;

export function loadBullMQ(): Promise<BullMQ> {
  loaded ??= import("bullmq").catch((e: unknown) => {
    loaded = null;
    throw new ConfigurationError(
      `burr-ts/bullmq needs the "bullmq" package (and its Redis driver "ioredis"): npm install bullmq ioredis (${(e as Error).message})`,
    );
  });
  return loaded;
}

/** The few Redis commands we issue ourselves (ioredis's API). */
export interface RedisCommands {
  eval(script: string, numKeys: number, ...args: (string | number)[]): Promise<unknown>;
  get(key: string): Promise<string | null>;
}

/** The raw client under a BullMQ Queue or Worker. */
export async function redisOf(owner: { getBackend(): unknown }): Promise<RedisCommands> {
  const backend = owner.getBackend() as { client?: Promise<unknown> };
  const client = (await backend.client) as Partial<RedisCommands> | undefined;
  if (!client || typeof client.eval !== "function" || typeof client.get !== "function") {
    throw new ConfigurationError('burr-ts/bullmq needs BullMQ\'s Redis backend with the "ioredis" driver (npm install ioredis)');
  }
  return client as RedisCommands;
}

// One app id is stepped by one worker at a time: a Redis lease (SET NX PX)
// renewed while the job runs and released after; a dead worker's lease
// expires, so its app is picked up. The persister's predecessor check is the
// second line: a commit that does not continue the stored head is refused.
import { randomUUID } from "node:crypto";
import type { RedisCommands } from "./load.js";

const ACQUIRE = `if redis.call("SET", KEYS[1], ARGV[1], "NX", "PX", ARGV[2]) then return 1 end
if redis.call("GET", KEYS[1]) == ARGV[1] then redis.call("PEXPIRE", KEYS[1], ARGV[2]) return 1 end
return 0`;
const RENEW = `if redis.call("GET", KEYS[1]) == ARGV[1] then return redis.call("PEXPIRE", KEYS[1], ARGV[2]) end return 0`;
const RELEASE = `if redis.call("GET", KEYS[1]) == ARGV[1] then return redis.call("DEL", KEYS[1]) end return 0`;

export class Lease {
  private timer: NodeJS.Timeout | null = null;
  /** Set when a renewal found the lease gone (expired and taken). */
  lost = false;
  private constructor(
    private readonly redis: RedisCommands,
    private readonly key: string,
    private readonly token: string,
    private readonly ttlMs: number,
  ) {}

  /** The lease, or null when another worker holds it. */
  static async acquire(redis: RedisCommands, key: string, ttlMs: number): Promise<Lease | null> {
    const token = randomUUID();
    const ok = await redis.eval(ACQUIRE, 1, key, token, ttlMs);
    if (Number(ok) !== 1) return null;
    const lease = new Lease(redis, key, token, ttlMs);
    lease.timer = setInterval(() => {
      redis.eval(RENEW, 1, key, token, ttlMs).then(
        (r) => {
          if (Number(r) !== 1) lease.lost = true;
        },
        () => undefined, // a blip: the next renewal tries again before expiry
      );
    }, Math.max(50, Math.floor(ttlMs / 3)));
    lease.timer.unref();
    return lease;
  }

  async release(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.redis.eval(RELEASE, 1, this.key, this.token).catch(() => undefined);
  }
}

// What trace() keeps of a call's arguments: the arguments themselves when
// they are small, and always a digest, so replay can tell whether the current
// code passes what the recorded run passed without the record holding the
// whole chat history once per model call (quadratic in the conversation).
//
// The digest is structural and cheap for what state holds: state values are
// deep-frozen when admitted (state/admit.ts), so the digest of a frozen
// object is remembered, and a frozen array that starts with the items of one
// digested before (a chat history one turn longer) continues that array's
// hash instead of hashing every item again. Unfrozen values are hashed whole.
// The hash is a small non-cryptographic one in plain JavaScript (two cyrb53
// lanes, 106 bits): it detects changed arguments, it is not a security
// measure, and node:crypto's createHash costs ~100 µs per call on Node 20.

/** An incremental string hash whose state can be copied (to continue a longer array from a shorter one's end). */
class Hash {
  constructor(
    private a = 0xdeadbeef,
    private b = 0x41c6ce57,
    private c = 0x9e3779b9,
    private d = 0x85ebca6b,
  ) {}

  update(text: string): this {
    let { a, b, c, d } = this;
    for (let i = 0; i < text.length; i++) {
      const ch = text.charCodeAt(i);
      a = Math.imul(a ^ ch, 2654435761);
      b = Math.imul(b ^ ch, 1597334677);
      c = Math.imul(c ^ ch, 2246822519);
      d = Math.imul(d ^ ch, 3266489917);
    }
    this.a = a;
    this.b = b;
    this.c = c;
    this.d = d;
    return this;
  }

  copy(): Hash {
    return new Hash(this.a, this.b, this.c, this.d);
  }

  digest(): string {
    return `${lane(this.a, this.b)}.${lane(this.c, this.d)}`;
  }
}

/** One 53-bit lane of a digest, in base 36. */
function lane(x: number, y: number): string {
  let h1 = Math.imul(x ^ (x >>> 16), 2246822507) ^ Math.imul(y ^ (y >>> 13), 3266489909);
  let h2 = Math.imul(y ^ (y >>> 16), 2246822507) ^ Math.imul(x ^ (x >>> 13), 3266489909);
  h1 >>>= 0;
  h2 >>>= 0;
  return base36(2097152 * (h2 & 2097151) + h1);
}

const DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz";

/** `n.toString(36)` for an integer 0 ≤ n < 2^53, several times faster than V8's general radix conversion (a digest is made for every object hashed). */
function base36(n: number): string {
  let out = "";
  do {
    const q = Math.floor(n / 36);
    out = DIGITS[n - q * 36] + out;
    n = q;
  } while (n > 0);
  return out;
}

const createHash = (): Hash => new Hash();
import { serializeValue } from "../state/serde/codec.js";
import { knownPrefix } from "../state/vector.js";

/** Span attribute holding the digest. */
export const ARGS_DIGEST_ATTRIBUTE = "__burr_args_digest";
/** Arguments whose JSON is at most this long are recorded whole as well (replay then shows where they differ). */
export const FULL_ARGS_MAX_CHARS = 2000;
const VERSION = "d1:";

interface Digest {
  token: string;
  /** Frozen all the way down: it cannot change, so it may be remembered. */
  stable: boolean;
}

const objects = new WeakMap<object, string>();
/** A frozen array's hash after its last item (copied before finishing), to continue for a longer array with the same start. */
const chains = new WeakMap<readonly unknown[], { length: number; hash: Hash }>();
/** The last frozen arrays digested: where a longer one is looked for its start. */
let recent: (readonly unknown[])[] = [];
const RECENT = 8;

const isPlain = (v: object): boolean => {
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
};

/** Deeper than this (or a cycle) is not hashed further: such arguments still get a digest, just a coarser one. */
const MAX_DEPTH = 64;
let depth = 0;

function of(value: unknown): Digest {
  if (depth > MAX_DEPTH) return { token: "<deep>", stable: false };
  depth++;
  try {
    return ofValue(value);
  } finally {
    depth--;
  }
}

function ofValue(value: unknown): Digest {
  switch (typeof value) {
    case "string":
      return { token: JSON.stringify(value), stable: true };
    case "number":
    case "boolean":
      return { token: String(value), stable: true };
    case "undefined":
      return { token: "u", stable: true };
    case "bigint":
      return { token: `${value}n`, stable: true };
    case "function":
      return { token: `f:${value.name}`, stable: false };
    case "symbol":
      return { token: value.toString(), stable: true };
  }
  if (value === null) return { token: "null", stable: true };
  const obj = value as object;
  const known = objects.get(obj);
  if (known !== undefined) return { token: known, stable: true };
  if (Array.isArray(obj)) return ofArray(obj);
  const hash = createHash();
  let stable = Object.isFrozen(obj);
  if (isPlain(obj)) {
    hash.update("{");
    const record = obj as Record<string, unknown>;
    for (const k of Object.keys(record)) {
      const d = of(record[k]);
      stable &&= d.stable;
      hash.update(JSON.stringify(k)).update(":").update(d.token).update(",");
    }
  } else {
    // Dates, Maps, registered classes: their stored (serde) form.
    stable = false;
    let text: string;
    try {
      text = JSON.stringify(serializeValue(obj)) ?? "undefined";
    } catch {
      text = `<${obj.constructor?.name ?? "Object"}>`;
    }
    hash.update("s").update(text);
  }
  const token = hash.digest();
  if (stable) objects.set(obj, token);
  return { token, stable };
}

function ofArray(items: readonly unknown[]): Digest {
  const frozen = Object.isFrozen(items);
  let start = 0;
  let hash: Hash | null = null;
  if (frozen) {
    for (const candidate of recent) {
      if (candidate.length > items.length || candidate.length === 0) continue;
      const n = candidate.length;
      if (candidate[n - 1] !== items[n - 1] || candidate[0] !== items[0]) continue;
      // State's own arrays know their origin (O(1)); any other pair is compared item by item.
      let same = knownPrefix(candidate, items);
      if (!same) {
        same = true;
        for (let i = 1; i < n - 1 && same; i++) same = candidate[i] === items[i];
      }
      const chain = same ? chains.get(candidate) : undefined;
      if (chain) {
        hash = chain.hash.copy();
        start = n;
        break;
      }
    }
  }
  let stable = frozen;
  hash ??= createHash().update("[");
  for (let i = start; i < items.length; i++) {
    const d = of(items[i]);
    stable &&= d.stable;
    hash.update(d.token).update(",");
  }
  if (stable) {
    chains.set(items, { length: items.length, hash: hash.copy() });
    recent = [items, ...recent.slice(0, RECENT - 1)];
  }
  const token = hash.digest();
  if (stable) objects.set(items, token);
  return { token, stable };
}

/** The digest of a call's arguments (the same for equal arguments, whatever object holds them). */
export function argsDigest(args: readonly unknown[]): string {
  return VERSION + ofArray(args).token;
}

/** Whether `value`'s JSON is at most `budget` characters, stopping as soon as it is not (the cost is bounded by the budget). */
export function isSmall(value: unknown, budget: number = FULL_ARGS_MAX_CHARS): boolean {
  return fits(value, budget, new Set()) >= 0;
}

function fits(value: unknown, budget: number, seen: Set<object>): number {
  if (budget < 0) return budget;
  switch (typeof value) {
    case "string":
      return budget - value.length - 2;
    case "number":
    case "boolean":
    case "bigint":
      return budget - 8;
    case "undefined":
    case "function":
    case "symbol":
      return budget - 4;
  }
  if (value === null) return budget - 4;
  if (value instanceof Date) return budget - 30;
  // A cycle is written as a short description (tracking/recorded.ts encodeValue).
  const obj = value as object;
  if (seen.has(obj)) return budget - 40;
  seen.add(obj);
  let left = budget - 2;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length && left >= 0; i++) left = fits(value[i], left - 1, seen);
    return left;
  }
  if (value instanceof Map || value instanceof Set) {
    for (const item of value instanceof Map ? value.entries() : value.values()) {
      left = fits(item, left - 1, seen);
      if (left < 0) break;
    }
    return left;
  }
  const record = value as Record<string, unknown>;
  for (const k of Object.keys(record)) {
    left = fits(record[k], left - k.length - 4, seen);
    if (left < 0) break;
  }
  return left;
}

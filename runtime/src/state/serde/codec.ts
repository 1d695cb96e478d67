// State values ⇄ their stored JSON form. A non-JSON value becomes
// { "__burr_serde__": key, "value": ... } (Python Burr's tag); everything else
// is stored as is. Values taken from state were checked when they entered, and
// the entry check marks the containers that hold a tagged value somewhere, so
// encoding a pure-JSON value costs one lookup and shares it uncopied.
import { StateSerializationError } from "../../errors.js";
import type { StepChanges } from "../changes.js";
import { BIGINT_KEY, SERDE_KEY, serdeForKey, serdeForPrototype, serdeKeys } from "./registry.js";

/** Arrays and plain objects in state that hold a non-JSON value somewhere inside (marked by the entry check). */
export const holdsSerde = new WeakSet<object>();

// Deeper than this, a stored value is refused rather than overflowing the stack.
const MAX_DEPTH = 1000;

type Step = string | number;

/** A stored value that cannot be turned back into a state value (or one that cannot be stored). */
export class StoredValueError extends StateSerializationError {
  constructor(
    message: string,
    key: string,
    /** Where inside the value, e.g. `events[2].at`. */
    readonly path: string,
  ) {
    super(message, { key });
  }
}

/** The stored (JSON) form of a value held in state under `key`. */
export function encodeValue(value: unknown, key: string): unknown {
  // A key grown by append is a fresh array of admitted items: look one level in.
  if (Array.isArray(value) && !holdsSerde.has(value) && !value.some(needsEncoding)) return value;
  // The common shapes (plain data with Dates, BigInts, URLs, RegExps) take the fast path; anything else, or a failure, the checked one.
  const fast = Array.isArray(value) ? quickArray(value) : quick(value);
  if (fast !== SLOW) return fast;
  const encoder = new Encoder(key);
  return Array.isArray(value) ? encoder.array(value, true) : encoder.known(value);
}

const SLOW: unique symbol = Symbol("slow path");

/** Encodes admitted values without tracking paths; SLOW for anything but plain data, Date, BigInt, URL and RegExp. */
function quick(value: unknown): unknown {
  if (typeof value !== "object" || value === null) return typeof value === "bigint" ? tag(BIGINT_KEY, String(value)) : value;
  if (Array.isArray(value)) return holdsSerde.has(value) ? quickArray(value) : value;
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto === Object.prototype || proto === null) {
    if (!holdsSerde.has(value)) return value;
    const record = value as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const name of Object.keys(record)) {
      const field = record[name];
      if (field === undefined) continue;
      const stored = quick(field);
      if (stored === SLOW) return SLOW;
      setOwn(out, name, stored);
    }
    return out;
  }
  if (proto === Date.prototype) {
    const time = (value as Date).getTime();
    return tag("Date", Number.isNaN(time) ? null : (value as Date).toISOString());
  }
  if (proto === URL.prototype) return tag("URL", (value as URL).href);
  if (proto === RegExp.prototype) return tag("RegExp", { source: (value as RegExp).source, flags: (value as RegExp).flags });
  return SLOW;
}

function quickArray(items: readonly unknown[]): unknown {
  const out = new Array<unknown>(items.length);
  for (let i = 0; i < items.length; i++) {
    const stored = quick(items[i]);
    if (stored === SLOW) return SLOW;
    out[i] = stored;
  }
  return out;
}

/** The stored form of any value (not necessarily from state): everything is checked. Throws StoredValueError. */
export function encodeAny(value: unknown, key: string): unknown {
  return new Encoder(key).any(value);
}

/** A step's changes with every value in its stored form (the same object when nothing needed it). */
export function encodeChanges(changes: StepChanges): StepChanges {
  let set = changes.set;
  for (const key of Object.keys(changes.set)) {
    const value = changes.set[key];
    const stored = encodeValue(value, key);
    if (stored !== value) {
      if (set === changes.set) set = { ...changes.set };
      set[key] = stored;
    }
  }
  let appended = changes.appended;
  for (const key of Object.keys(changes.appended)) {
    const items = changes.appended[key];
    const stored = encodeValue(items, key) as unknown[];
    if (stored !== items) {
      if (appended === changes.appended) appended = { ...changes.appended };
      appended[key] = stored;
    }
  }
  return set === changes.set && appended === changes.appended ? changes : { set, appended, deleted: changes.deleted };
}

/** The state value a stored value stands for (tagged records rebuilt through the registry). */
export function decodeValue(stored: unknown, key: string): unknown {
  return new Decoder(key).visit(stored, 0);
}

/** True when a value (an item of a state array) is, or holds, something that needs a tag. */
function needsEncoding(value: unknown): boolean {
  if (typeof value === "bigint") return true;
  if (typeof value !== "object" || value === null) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return (proto !== Object.prototype && proto !== null && !Array.isArray(value)) || holdsSerde.has(value);
}

abstract class PathTracker {
  protected readonly trail: Step[] = [];
  constructor(protected readonly key: string) {}

  protected path(): string {
    return this.key + this.trail.map((step) => (typeof step === "number" ? `[${step}]` : `.${step}`)).join("");
  }

  protected inside<T>(step: Step, run: () => T): T {
    this.trail.push(step);
    try {
      return run();
    } finally {
      this.trail.pop();
    }
  }
}

class Encoder extends PathTracker {
  private readonly ancestors: object[] = [];

  /** A value from state: only marked containers (and non-JSON leaves) are rebuilt. */
  known(value: unknown): unknown {
    if (typeof value !== "object" || value === null) return typeof value === "bigint" ? tag(BIGINT_KEY, String(value)) : value;
    const proto: unknown = Object.getPrototypeOf(value);
    if (Array.isArray(value)) return holdsSerde.has(value) ? this.array(value, true) : value;
    if (proto === Object.prototype || proto === null) return holdsSerde.has(value) ? this.record(value as Record<string, unknown>, true) : value;
    return this.tagged(value, proto as object);
  }

  /** Any value, checked all the way down (contents of Maps and Sets, what a user's serialize returned). */
  any(value: unknown): unknown {
    switch (typeof value) {
      case "string":
      case "boolean":
        return value;
      case "number":
        if (!Number.isFinite(value)) this.fail(String(value), "store a finite number or null");
        return value;
      case "bigint":
        return tag(BIGINT_KEY, String(value));
      case "undefined":
        return this.fail("undefined", "use null");
      case "function":
        return this.fail("a function", "keep functions out of state");
      case "symbol":
        return this.fail("a symbol", "store a string instead");
    }
    if (value === null) return null;
    const proto: unknown = Object.getPrototypeOf(value);
    if (Array.isArray(value)) return this.array(value, false);
    if (proto === Object.prototype || proto === null) return this.record(value as Record<string, unknown>, false);
    return this.tagged(value as object, proto as object);
  }

  array(items: readonly unknown[], trusted: boolean): unknown[] {
    return this.within(items, () => items.map((item, i) => this.inside(i, () => (trusted ? this.known(item) : this.any(item)))));
  }

  private record(record: Record<string, unknown>, trusted: boolean): Record<string, unknown> {
    if (Object.hasOwn(record, SERDE_KEY)) this.fail(`a plain object with the reserved field "${SERDE_KEY}"`, "rename that field");
    return this.within(record, () => {
      const out: Record<string, unknown> = {};
      for (const name of Object.keys(record)) {
        const field = record[name];
        if (field === undefined) continue;
        setOwn(out, name, this.inside(name, () => (trusted ? this.known(field) : this.any(field))));
      }
      return out;
    });
  }

  private tagged(value: object, proto: object): Record<string, unknown> {
    const entry = serdeForPrototype(proto);
    if (!entry) {
      this.fail(describeInstance(value), "register its class with registerSerde({ key, type, serialize, deserialize }), or store a plain object");
    }
    return this.within(value, () => {
      let inner: unknown;
      try {
        inner = entry.serialize(value, (v, step) => this.inside(step, () => this.any(v)));
      } catch (error) {
        if (error instanceof StoredValueError) throw error;
        this.fail(`a ${entry.typeName} whose serialize threw (${(error as Error)?.message ?? String(error)})`, `fix the serde registered as "${entry.key}"`);
      }
      return tag(entry.key, inner);
    });
  }

  private within<T>(object: object, run: () => T): T {
    if (this.ancestors.includes(object)) this.fail("a cycle (the value contains itself)", "store a tree");
    if (this.ancestors.length >= MAX_DEPTH) this.fail(`nested more than ${MAX_DEPTH} levels deep`, "store a flatter value");
    this.ancestors.push(object);
    try {
      return run();
    } finally {
      this.ancestors.pop();
    }
  }

  private fail(what: string, fix: string): never {
    const path = this.path();
    throw new StoredValueError(`State key "${this.key}" cannot be stored: ${path} is ${what}; ${fix}.`, this.key, path);
  }
}

class Decoder extends PathTracker {
  visit(value: unknown, depth: number): unknown {
    if (typeof value !== "object" || value === null) return value;
    if (depth > MAX_DEPTH) this.fail(`nested more than ${MAX_DEPTH} levels deep`, "this is not a value burr-ts stored");
    if (Array.isArray(value)) {
      let out: unknown[] | null = null;
      for (let i = 0; i < value.length; i++) {
        const item: unknown = value[i];
        const decoded = typeof item === "object" && item !== null ? this.inside(i, () => this.visit(item, depth + 1)) : item;
        if (decoded !== item && out === null) out = value.slice(0, i);
        if (out !== null) out.push(decoded);
      }
      return out ?? value;
    }
    const record = value as Record<string, unknown>;
    if (Object.hasOwn(record, SERDE_KEY)) return this.tagged(record, depth);
    let out: Record<string, unknown> | null = null;
    const names = Object.keys(record);
    for (let i = 0; i < names.length; i++) {
      const field = record[names[i]];
      const decoded = typeof field === "object" && field !== null ? this.inside(names[i], () => this.visit(field, depth + 1)) : field;
      if (decoded !== field && out === null) {
        out = {};
        for (let j = 0; j < i; j++) setOwn(out, names[j], record[names[j]]);
      }
      if (out !== null) setOwn(out, names[i], decoded);
    }
    return out ?? record;
  }

  private tagged(record: Record<string, unknown>, depth: number): unknown {
    const key = record[SERDE_KEY];
    if (typeof key !== "string") this.fail(`a "${SERDE_KEY}" tag that is not a string`, "this is not a value burr-ts or Burr stored");
    const entry = serdeForKey(key);
    if (!entry) {
      this.fail(
        `tagged "${key}", which no serde is registered for (registered: ${serdeKeys().join(", ")})`,
        `call registerSerde({ key: "${key}", type, serialize, deserialize }) before loading this state`,
      );
    }
    try {
      return entry.deserialize(record.value, (v, step) => this.inside(step, () => this.visit(v, depth + 1)), record);
    } catch (error) {
      if (error instanceof StoredValueError) throw error;
      return this.fail(`a stored ${entry.typeName} that cannot be read back (${(error as Error)?.message ?? String(error)})`, `check the serde registered as "${key}"`);
    }
  }

  private fail(what: string, fix: string): never {
    const path = this.path();
    throw new StoredValueError(`State key "${this.key}" cannot be loaded: ${path} is ${what}; ${fix}.`, this.key, path);
  }
}

function tag(key: string, value: unknown): Record<string, unknown> {
  return { [SERDE_KEY]: key, value };
}

/** Assigns without ever touching a prototype (a stored "__proto__" field stays a field). */
function setOwn(target: Record<string, unknown>, name: string, value: unknown): void {
  if (name === "__proto__") Object.defineProperty(target, name, { value, enumerable: true, writable: true, configurable: true });
  else target[name] = value;
}

export function describeInstance(object: object): string {
  const ctor = (object as { constructor?: { name?: unknown } }).constructor;
  const name = typeof ctor?.name === "string" && ctor.name !== "" ? ctor.name : "a class";
  return `an instance of ${name}`;
}

/** Burr's `serde.serialize` for any value: the stored JSON form (tags for Dates, Maps, registered classes...). */
export function serializeValue(value: unknown): unknown {
  return encodeAny(value, "value");
}

/** Burr's `serde.deserialize`: the value a stored JSON form stands for. */
export function deserializeValue(stored: unknown): unknown {
  return decodeValue(stored, "value");
}

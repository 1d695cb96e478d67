// Immutable application state with structural sharing: every operation returns
// a new State that shares every untouched value with the old one, and
// array-valued keys grown by append/extend share one backing array.
import type { StepChanges } from "./changes.js";
import { admitValue } from "./admit.js";
import { StateError, StateKeyError } from "./errors.js";
import { decodeValue, encodeValue } from "./serde/codec.js";
import type {
  AppendInput,
  ExtendInput,
  IncrementInput,
  Merged,
  ReadValue,
  StateKey,
  StateValues,
  UpdateInput,
  WipeInput,
} from "./types.js";
import { AppendVector } from "./vector.js";

// Set while State builds a State from values it already checked.
let trusted = false;
// Reads another State's raw slots (assigned in State's static block).
let slotsOf: (state: State<StateValues>) => Slots;

/** Raw storage: a plain value, or an AppendVector for keys grown by append/extend. */
type Slots = Record<string, unknown>;

export class State<S extends StateValues = StateValues> {
  // Named `slots` and TS-private (not #private) on purpose: the runtime's read-checked
  // view (application/checks.ts) shares it by making an object with State's prototype.
  private readonly slots: Slots;

  /** Values are checked (JSON-safe) and frozen as they enter. */
  constructor(values?: S | UpdateInput<S>) {
    if (trusted) {
      trusted = false;
      this.slots = values as Slots;
      return;
    }
    const slots: Slots = {};
    for (const key of Object.keys(values ?? {})) {
      const value = (values as Slots)[key];
      checkKey(key, "constructor");
      admitValue(key, value, "constructor");
      slots[key] = value;
    }
    this.slots = slots;
  }

  /** The value of `key`; throws StateKeyError when absent and no fallback is given. */
  get<K extends StateKey<S>>(key: K): ReadValue<S[K]>;
  get<K extends StateKey<S>, F>(key: K, fallback: F): ReadValue<S[K]> | F;
  get(key: string, fallback?: unknown): unknown {
    const slot = this.slots[key];
    if (slot === undefined && !Object.hasOwn(this.slots, key)) {
      // An explicit fallback, even undefined, means "no error".
      if (arguments.length > 1) return fallback;
      throw new StateKeyError(
        `State has no key "${key}". Keys present: ${describeKeys(this.slots)}. ` +
          `Write "${key}" in an earlier action, add it to withState({ ... }), or pass a fallback: get("${key}", fallback).`,
        key,
      );
    }
    return slot instanceof AppendVector ? slot.toArray() : slot;
  }

  has(key: string): boolean {
    return Object.hasOwn(this.slots, key);
  }

  keys(): string[] {
    return Object.keys(this.slots);
  }

  get size(): number {
    return Object.keys(this.slots).length;
  }

  /** A shallow plain-object copy of the whole state (arrays frozen). */
  getAll(): { [K in keyof S]: ReadValue<S[K]> } {
    const all: Slots = {};
    for (const key of Object.keys(this.slots)) all[key] = readSlot(this.slots[key]);
    return all as { [K in keyof S]: ReadValue<S[K]> };
  }

  /** Sets (upserts) each given key. */
  update(values: UpdateInput<S>): State<S> {
    const slots = { ...this.slots };
    for (const key of Object.keys(values)) {
      const value = (values as Slots)[key];
      checkKey(key, "update");
      const current = slots[key];
      // Re-setting the current value (or the array get() handed out) keeps it as is.
      if (value !== undefined && (value === current || (current instanceof AppendVector && value === current.toArrayIfMade()))) continue;
      admitValue(key, value, "update");
      slots[key] = value;
    }
    return make(slots);
  }

  /** Appends one item to each given array-valued key (a missing key starts a new array). */
  append(items: AppendInput<S>): State<S> {
    const slots = { ...this.slots };
    for (const key of Object.keys(items)) {
      const item = (items as Slots)[key];
      checkKey(key, "append");
      admitValue(key, item, "append");
      slots[key] = vectorFor(slots, key, "append").append(item);
    }
    return make(slots);
  }

  /** Appends every given item to each array-valued key. */
  extend(items: ExtendInput<S>): State<S> {
    const slots = { ...this.slots };
    for (const key of Object.keys(items)) {
      const given: unknown = (items as Slots)[key];
      checkKey(key, "extend");
      if (given === null || typeof given !== "object" || !(Symbol.iterator in given)) {
        throw new StateError(
          `State.extend: key "${key}" needs an array of items, got ${describeValue(given)}. Use append({ ${key}: item }) for a single item.`,
          key,
        );
      }
      const list = Array.from(given as Iterable<unknown>);
      list.forEach((item, index) => admitValue(key, item, `extend (item ${index})`));
      slots[key] = vectorFor(slots, key, "extend").extend(list);
    }
    return make(slots);
  }

  /** Adds a delta to each given numeric key (a missing key starts at the delta). */
  increment(deltas: IncrementInput<S>): State<S> {
    const slots = { ...this.slots };
    for (const key of Object.keys(deltas)) {
      const delta: unknown = (deltas as Slots)[key];
      checkKey(key, "increment");
      if (typeof delta !== "number" || !Number.isFinite(delta)) {
        throw new StateError(`State.increment: the delta for key "${key}" must be a finite number, got ${describeValue(delta)}.`, key);
      }
      const current = slots[key];
      if (current === undefined && !Object.hasOwn(slots, key)) {
        slots[key] = delta;
      } else if (typeof current === "number") {
        slots[key] = current + delta;
      } else {
        throw new StateError(
          `State.increment: key "${key}" holds ${describeValue(current)}, not a number. Use update({ ${key}: ... }) to replace it.`,
          key,
        );
      }
    }
    return make(slots);
  }

  /** Removes keys: `{ delete: [...] }` removes those, `{ keep: [...] }` removes all others. Missing keys are ignored. */
  wipe(which: WipeInput<S>): State<S> {
    const { delete: remove, keep } = which as { delete?: readonly string[]; keep?: readonly string[] };
    if ((remove === undefined) === (keep === undefined)) {
      throw new StateError('State.wipe needs exactly one of { delete: [...] } or { keep: [...] }.', "");
    }
    const slots: Slots = {};
    if (keep !== undefined) {
      for (const key of keep) if (Object.hasOwn(this.slots, key)) slots[key] = this.slots[key];
    } else {
      const doomed = new Set(remove);
      for (const key of Object.keys(this.slots)) if (!doomed.has(key)) slots[key] = this.slots[key];
    }
    return make(slots);
  }

  /** A state with this state's keys and `other`'s; `other` wins on conflicts. */
  merge<T extends StateValues>(other: State<T>): State<Merged<S, T>> {
    return make({ ...this.slots, ...other.slots });
  }

  /** A state with only the given keys (missing ones are ignored). */
  subset<K extends StateKey<S>>(...keys: K[]): State<Pick<S, K>> {
    const slots: Slots = {};
    for (const key of keys) if (Object.hasOwn(this.slots, key)) slots[key] = this.slots[key];
    return make(slots);
  }

  /**
   * A JSON-safe plain object: non-JSON values (Date, Map, registered classes...)
   * become `{ "__burr_serde__": key, "value": ... }`, as Python Burr stores them.
   * Pure-JSON values are shared with the state, not copied: do not mutate.
   */
  serialize(): Record<string, unknown> {
    const out: Slots = {};
    for (const key of Object.keys(this.slots)) out[key] = encodeValue(readSlot(this.slots[key]), key);
    return out;
  }

  /** So JSON.stringify(state) gives the serialized form. */
  toJSON(): Record<string, unknown> {
    return this.serialize();
  }

  /** Rebuilds a state from `serialize()` output (an object, or its JSON text); tagged values come back as what they were. */
  static deserialize<T extends StateValues = StateValues>(json: Record<string, unknown> | string): State<T> {
    const values: unknown = typeof json === "string" ? JSON.parse(json) : json;
    if (values === null || typeof values !== "object" || Array.isArray(values)) {
      throw new StateError(`State.deserialize expects a JSON object of key → value, got ${describeValue(values)}.`, "");
    }
    const decoded: Slots = {};
    for (const key of Object.keys(values)) {
      const value = decodeValue((values as Slots)[key], key);
      if (key === "__proto__") Object.defineProperty(decoded, key, { value, enumerable: true, writable: true, configurable: true });
      else decoded[key] = value;
    }
    return new State<T>(decoded as T);
  }

  /** @internal The raw slot of a key (identity changes when a step writes it); for the runtime's write checks. */
  static slotOf(state: State<StateValues>, key: string): unknown {
    return state.slots[key];
  }

  /** @internal The keys present, for the runtime's write checks. */
  static slotKeys(state: State<StateValues>): string[] {
    return Object.keys(state.slots);
  }

  static {
    slotsOf = (state) => state.slots;
  }
}

function make<T extends StateValues>(slots: Slots): State<T> {
  trusted = true;
  return new State<T>(slots as T);
}

function readSlot(slot: unknown): unknown {
  return slot instanceof AppendVector ? slot.toArray() : slot;
}

function vectorFor(slots: Slots, key: string, operation: string): AppendVector {
  const current = slots[key];
  if (current instanceof AppendVector) return current;
  if (current === undefined && !Object.hasOwn(slots, key)) return AppendVector.of([]);
  if (Array.isArray(current)) return AppendVector.of(current);
  throw new StateError(
    `State.${operation}: key "${key}" holds ${describeValue(current)}, not an array, so it cannot be appended to. ` +
      `Use update({ ${key}: ... }) to replace it, or append to a different key.`,
    key,
  );
}

function checkKey(key: string, operation: string): void {
  if (key === "__proto__") {
    throw new StateError(`State.${operation}: "__proto__" cannot be a state key; choose another name.`, key);
  }
}

function describeKeys(slots: Slots): string {
  const keys = Object.keys(slots).filter((key) => !key.startsWith("__"));
  if (keys.length === 0) return "(none)";
  const shown = keys.slice(0, 20).join(", ");
  return keys.length > 20 ? `${shown}, … (${keys.length} in all)` : shown;
}

export function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return `an array of ${value.length}`;
  switch (typeof value) {
    case "string":
      return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
    case "number":
    case "boolean":
    case "bigint":
      return `${typeof value} ${String(value)}`;
    case "undefined":
      return "undefined";
    case "function":
      return "a function";
    case "symbol":
      return "a symbol";
    default:
      return "an object";
  }
}

/**
 * What changed from `before` to `after`, in O(keys + appended items): keys
 * grown by append/extend report only the new items; others report the new value.
 */
export function diffStates(before: State<StateValues>, after: State<StateValues>): StepChanges {
  const changes: StepChanges = { set: {}, appended: {}, deleted: [] };
  const prevSlots = slotsOf(before);
  const nextSlots = slotsOf(after);
  for (const key of Object.keys(nextSlots)) {
    const next = nextSlots[key];
    const existed = Object.hasOwn(prevSlots, key);
    const prev = prevSlots[key];
    if (existed && next === prev) continue;
    if (existed && next instanceof AppendVector) {
      const prevLength = grownFrom(prev, next);
      if (prevLength >= 0) {
        if (next.length > prevLength) changes.appended[key] = next.itemsFrom(prevLength);
        continue;
      }
    }
    changes.set[key] = readSlot(next);
  }
  for (const key of Object.keys(prevSlots)) if (!Object.hasOwn(nextSlots, key)) changes.deleted.push(key);
  return changes;
}

/** The length `prev` had if `next` grew from it by appends; -1 otherwise. */
function grownFrom(prev: unknown, next: AppendVector): number {
  if (prev instanceof AppendVector) return prev.isPrefixOf(next) ? prev.length : -1;
  if (Array.isArray(prev)) return AppendVector.isPrefixArray(prev, next) ? prev.length : -1;
  return -1;
}

// Checks a value as it enters state: it must survive JSON (persisters and
// trackers store state as JSON), or be a type the serde registry stores. Only the new value is walked; large objects
// already admitted are remembered (a WeakSet entry costs more than re-walking a
// small one), so re-adding shared parts stays cheap. Admitted arrays and plain
// objects are frozen, so state cannot change behind its back.
import { UnserializableValueError } from "./errors.js";
import { holdsSerde } from "./serde/codec.js";
import { SERDE_KEY, serdeForPrototype } from "./serde/registry.js";

const admitted = new WeakSet<object>();
// Containers with at least this many nodes inside are remembered as admitted.
const REMEMBER_FROM_NODES = 32;

/** Throws UnserializableValueError naming the key, the path and the fix. */
export function admitValue(key: string, value: unknown, operation: string): void {
  if (value === undefined) {
    throw new UnserializableValueError(
      `State.${operation}: key "${key}" was given undefined, which state cannot store (it does not survive JSON). ` +
        `Use null for "no value", or remove the key with wipe({ delete: ["${key}"] }).`,
      key,
      key,
    );
  }
  // Primitives and flat records (a chat message), the common cases, need no Walk.
  if (typeof value === "string" || typeof value === "boolean") return;
  if (isFlatRecordOfScalars(value)) return;
  new Walk(key, operation).visit(value);
}

/** True (and freezes it) for a plain object whose fields are all strings, booleans, finite numbers or null. */
function isFlatRecordOfScalars(value: unknown): boolean {
  if (value === null || typeof value !== "object" || Object.getPrototypeOf(value) !== Object.prototype) return false;
  const record = value as Record<string, unknown>;
  for (const name of Object.keys(record)) {
    const field = record[name];
    const type = typeof field;
    if (type === "string" || type === "boolean" || field === null || field === undefined) continue;
    if (type === "number" && Number.isFinite(field)) continue;
    return false;
  }
  if (Object.hasOwn(record, SERDE_KEY)) return false;
  Object.freeze(record);
  return true;
}

/** One check of one value; `trail` holds the path segments, joined only on failure. */
class Walk {
  private readonly ancestors: object[] = [];
  private readonly trail: (string | number)[] = [];
  /** How many serde-stored values were met so far (containers holding one are marked for the encoder). */
  private serdeFound = 0;

  constructor(
    private readonly key: string,
    private readonly operation: string,
  ) {}

  /** Returns how many nodes the value holds (for deciding what to remember). */
  visit(value: unknown): number {
    switch (typeof value) {
      case "string":
      case "boolean":
        return 1;
      case "number":
        if (!Number.isFinite(value)) this.fail(String(value), "it becomes null in JSON; store a finite number or null");
        return 1;
      case "undefined":
        // Only reached inside arrays; object properties holding undefined are skipped below.
        return this.fail("undefined inside an array", "it becomes null in JSON; use null");
      case "bigint":
        this.serdeFound++;
        return 1;
      case "function":
        return this.fail("a function", "keep functions out of state: bind them to the action or pass them as inputs");
      case "symbol":
        return this.fail("a symbol", "store a string instead");
    }
    if (value === null) return 1;
    const object = value as object;
    // Everything admitted is frozen, so an unfrozen object skips the WeakSet lookup.
    if (Object.isFrozen(object) && admitted.has(object)) {
      if (holdsSerde.has(object)) this.serdeFound++;
      return 1;
    }
    const proto: unknown = Object.getPrototypeOf(object);
    if (!Array.isArray(object) && proto !== Object.prototype && proto !== null) return this.visitSerde(object, proto as object);
    if (this.ancestors.includes(object)) {
      this.fail("a cycle (the value contains itself)", "store a tree: JSON cannot represent cycles");
    }
    if (tooDeep(this.ancestors.length + 1)) this.failTooDeep();
    this.ancestors.push(object);
    const serdeBefore = this.serdeFound;
    let nodes = 1;
    if (Array.isArray(object)) {
      for (let i = 0; i < object.length; i++) {
        this.trail.push(i);
        nodes += this.visit(object[i]);
        this.trail.pop();
      }
    } else {
      if (Object.hasOwn(object, SERDE_KEY)) {
        this.fail(`a plain object with the reserved field "${SERDE_KEY}"`, "rename the field (a stored state value is read back with State.deserialize)");
      }
      const record = object as Record<string, unknown>;
      for (const name of Object.keys(record)) {
        const field = record[name];
        if (field === undefined) continue;
        this.trail.push(name);
        nodes += this.visit(field);
        this.trail.pop();
      }
    }
    this.ancestors.pop();
    if (this.serdeFound !== serdeBefore) holdsSerde.add(object);
    Object.freeze(object);
    if (nodes >= REMEMBER_FROM_NODES) admitted.add(object);
    return nodes;
  }

  /** A Date, Map, Set... or a registered class: refused unless registered; a container's contents are checked too (not frozen). */
  private visitSerde(object: object, proto: object): number {
    const entry = serdeForPrototype(proto);
    if (entry === undefined) {
      this.fail(
        describeInstance(object),
        "register its class with registerSerde({ key, type, serialize, deserialize }) (Date, Map, Set, BigInt, Uint8Array, URL and RegExp need nothing), or store a plain object",
      );
    }
    this.serdeFound++;
    if (entry.contents === undefined) return 1;
    if (this.ancestors.includes(object)) this.fail("a cycle (the value contains itself)", "store a tree: JSON cannot represent cycles");
    if (tooDeep(this.ancestors.length + 1)) this.failTooDeep();
    this.ancestors.push(object);
    let nodes = 1;
    for (const [step, inner] of entry.contents(object)) {
      this.trail.push(step);
      nodes += this.visit(inner);
      this.trail.pop();
    }
    this.ancestors.pop();
    return nodes;
  }

  private failTooDeep(): never {
    const steps = this.trail.length;
    const shown = steps > 12 ? [...this.trail.slice(0, 6), "…", ...this.trail.slice(-3)] : this.trail;
    const path = this.key + shown.map((step) => (step === "…" ? step : typeof step === "number" ? `[${step}]` : `.${step}`)).join("");
    throw new UnserializableValueError(
      `State.${this.operation}: key "${this.key}" cannot be stored: ${path} is nested more than ${MAX_STATE_DEPTH} levels deep; ` +
        `flatten it, or store the deep part as a string (JSON.stringify), so every persister and tracker can save and load it.`,
      this.key,
      path,
    );
  }

  private fail(what: string, fix: string): never {
    const path = this.key + this.trail.map((step) => (typeof step === "number" ? `[${step}]` : `.${step}`)).join("");
    throw new UnserializableValueError(
      `State.${this.operation}: key "${this.key}" cannot be stored: ${path} is ${what}; ${fix}.`,
      this.key,
      path,
    );
  }
}

function describeInstance(object: object): string {
  const ctor = (object as { constructor?: { name?: unknown } }).constructor;
  const name = typeof ctor?.name === "string" && ctor.name !== "" ? ctor.name : "a class";
  return `an instance of ${name}`;
}

/**
 * How deep a state value may nest (objects and arrays). Real data stays far
 * below; deeper values overflow the stack of JSON encoders and parsers
 * (SQLite's save, PostgreSQL's jsonb, the tracker), so they are refused on entry.
 */
export const MAX_STATE_DEPTH = 256;

function tooDeep(depth: number): boolean {
  return depth > MAX_STATE_DEPTH;
}

// Which non-JSON values state can hold, and how each is stored: the built-ins
// (Date, Map, Set, BigInt, Uint8Array, URL, RegExp) and classes registered with
// registerSerde. Lookup is by exact prototype, so a subclass is never stored as
// its base class (it would come back as the base class).
import { ConfigurationError } from "../../errors.js";

import { SERDE_KEY } from "./preview.js";

export { SERDE_KEY };

/** A class: anything `instanceof` works with (a constructor of any signature, hence `any[]`). */
export type SerdeClass<T> = abstract new (...args: any[]) => T;

export interface SerdeSpec<T extends object, J = unknown> {
  /** Stored as `{ "__burr_serde__": key, "value": ... }`; unique per class, stable across versions. */
  key: string;
  /** The class whose instances (exactly: not subclasses) this stores. */
  type: SerdeClass<T>;
  /** Turns an instance into a value state can store (JSON, or other registered values). */
  serialize: (value: T) => J;
  /** Rebuilds the instance from what `serialize` returned. */
  deserialize: (value: J) => T;
}

/** How the codec treats a registered type; `contents` lists the values a container holds (for the entry check). */
export interface SerdeEntry {
  readonly key: string;
  readonly typeName: string;
  readonly builtIn: boolean;
  /** For containers (Map, Set): yields [path step, value] for every value inside, checked when the container enters state. */
  readonly contents?: (value: object) => Iterable<[string | number, unknown]>;
  /** Built-ins encode their own contents (recursively, through `encode`); user types return a plain value the codec encodes. */
  readonly serialize: (value: object, encode: (inner: unknown, step: string | number) => unknown) => unknown;
  /** `stored` is the whole tagged record, for types stored without a `value` field (Python Burr's pydantic tags). */
  readonly deserialize: (value: unknown, decode: (inner: unknown, step: string | number) => unknown, stored: Record<string, unknown>) => unknown;
}

const byPrototype = new Map<object, SerdeEntry>();
const byKey = new Map<string, SerdeEntry>();

/** The entry storing objects with exactly this prototype, if any. */
export function serdeForPrototype(proto: object | null): SerdeEntry | undefined {
  return proto === null ? undefined : byPrototype.get(proto);
}

export function serdeForKey(key: string): SerdeEntry | undefined {
  return byKey.get(key);
}

/** Keys of every registered type, for error messages. */
export function serdeKeys(): string[] {
  return [...byKey.keys()];
}

/**
 * Lets state hold instances of `type`: they are stored as
 * `{ "__burr_serde__": key, "value": serialize(instance) }` and rebuilt with
 * `deserialize` when state is loaded. Register before building or loading
 * apps (at module top level). Registering the same key again for a class of
 * the same name (a reloaded module) replaces it; any other clash is an error.
 */
export function registerSerde<T extends object, J = unknown>(spec: SerdeSpec<T, J>): void {
  if (spec === null || typeof spec !== "object") throw new ConfigurationError("registerSerde takes { key, type, serialize, deserialize }");
  const { key, type } = spec;
  if (typeof key !== "string" || key.trim() === "") {
    throw new ConfigurationError('registerSerde: key must be a non-empty string naming the type on disk, e.g. { key: "Money", ... }');
  }
  if (typeof type !== "function" || type.prototype === null || typeof type.prototype !== "object") {
    throw new ConfigurationError(`registerSerde("${key}"): type must be a class, e.g. { key: "${key}", type: ${key}, ... }`, { key });
  }
  if (typeof spec.serialize !== "function" || typeof spec.deserialize !== "function") {
    throw new ConfigurationError(`registerSerde("${key}"): serialize and deserialize must be functions`, { key });
  }
  const proto = type.prototype as object;
  const name = type.name || key;
  const existing = byKey.get(key);
  if (existing?.builtIn) {
    throw new ConfigurationError(`registerSerde("${key}"): "${key}" is a built-in serde key; choose another key (e.g. "myapp.${key}")`, { key });
  }
  if (existing && existing.typeName !== name) {
    throw new ConfigurationError(
      `registerSerde("${key}"): the key is already registered for class ${existing.typeName}; give ${name} its own key`,
      { key },
    );
  }
  const claimed = byPrototype.get(proto);
  if (claimed && claimed.key !== key) {
    throw new ConfigurationError(
      `registerSerde("${key}"): class ${name} is ${claimed.builtIn ? "stored by a built-in" : "already registered"} as "${claimed.key}"; register it once`,
      { key },
    );
  }
  const entry: SerdeEntry = {
    key,
    typeName: name,
    builtIn: false,
    serialize: (value, encode) => encode(spec.serialize(value as T), "value"),
    deserialize: (value, decode, stored) => spec.deserialize(decode(storedValue(value, stored), "value") as J),
  };
  byKey.set(key, entry);
  // An older class of the same name (before a module reload) keeps its entry, so its instances still store.
  byPrototype.set(proto, entry);
}

/** Burr's own tags (pydantic, pandas) spread their fields beside the tag instead of under `value`. */
function storedValue(value: unknown, stored: Record<string, unknown>): unknown {
  const fields = Object.keys(stored);
  if (fields.length === 2 && Object.hasOwn(stored, "value")) return value;
  const rest: Record<string, unknown> = {};
  for (const field of fields) if (field !== SERDE_KEY) Object.defineProperty(rest, field, { value: stored[field], enumerable: true, writable: true, configurable: true });
  return rest;
}

function builtIn(type: { prototype: object; name: string }, entry: Omit<SerdeEntry, "builtIn" | "typeName" | "key">, key = type.name): void {
  const full: SerdeEntry = { key, typeName: type.name, builtIn: true, ...entry };
  byKey.set(key, full);
  byPrototype.set(type.prototype, full);
}

function expect<T>(ok: boolean, value: unknown, what: string): T {
  if (!ok) throw new TypeError(`expected ${what}`);
  return value as T;
}

builtIn(Date, {
  // An invalid Date is kept as null, so it comes back invalid rather than failing to store.
  serialize: (d) => (Number.isNaN((d as Date).getTime()) ? null : (d as Date).toISOString()),
  deserialize: (v) => {
    if (v === null) return new Date(Number.NaN);
    const date = new Date(expect<string>(typeof v === "string", v, "an ISO date string or null"));
    if (Number.isNaN(date.getTime())) throw new TypeError(`"${String(v)}" is not an ISO date`);
    return date;
  },
});

builtIn(Map, {
  contents: (m) => mapContents(m as Map<unknown, unknown>),
  serialize: (m, encode) => [...(m as Map<unknown, unknown>)].map(([k, v], i) => [encode(k, `keys()[${i}]`), encode(v, valueStep(k, i))]),
  deserialize: (v, decode) => {
    const pairs = expect<unknown[]>(Array.isArray(v), v, "a list of [key, value] pairs");
    return new Map(
      pairs.map((pair, i) => {
        if (!Array.isArray(pair) || pair.length !== 2) throw new TypeError(`entry ${i} is not a [key, value] pair`);
        return [decode(pair[0], i), decode(pair[1], i)];
      }),
    );
  },
});

builtIn(Set, {
  contents: (s) => [...(s as Set<unknown>)].map((v, i): [string, unknown] => [`values()[${i}]`, v]),
  serialize: (s, encode) => [...(s as Set<unknown>)].map((v, i) => encode(v, `values()[${i}]`)),
  deserialize: (v, decode) => new Set(expect<unknown[]>(Array.isArray(v), v, "a list of values").map((item, i) => decode(item, i))),
});

builtIn(Uint8Array, {
  serialize: (bytes) => Buffer.from((bytes as Uint8Array).buffer, (bytes as Uint8Array).byteOffset, (bytes as Uint8Array).byteLength).toString("base64"),
  deserialize: (v) => {
    const text = expect<string>(typeof v === "string" && /^[A-Za-z0-9+/]*={0,2}$/.test(v), v, "base64 text");
    return new Uint8Array(Buffer.from(text, "base64"));
  },
});

builtIn(URL, {
  serialize: (url) => (url as URL).href,
  deserialize: (v) => new URL(expect<string>(typeof v === "string", v, "a URL string")),
});

builtIn(RegExp, {
  serialize: (re) => ({ source: (re as RegExp).source, flags: (re as RegExp).flags }),
  deserialize: (v) => {
    const r = expect<{ source: unknown; flags: unknown }>(v !== null && typeof v === "object", v, "{ source, flags }");
    if (typeof r.source !== "string" || typeof r.flags !== "string") throw new TypeError("expected { source, flags } strings");
    return new RegExp(r.source, r.flags);
  },
});

/** BigInt is a primitive, not a class: the codec asks for it by key. */
export const BIGINT_KEY = "BigInt";
byKey.set(BIGINT_KEY, {
  key: BIGINT_KEY,
  typeName: "BigInt",
  builtIn: true,
  serialize: (v) => String(v),
  deserialize: (v) => {
    const text = expect<string>(typeof v === "string" && /^-?\d+$/.test(v), v, "a decimal integer string");
    return BigInt(text);
  },
});

function* mapContents(map: Map<unknown, unknown>): Iterable<[string | number, unknown]> {
  let i = 0;
  for (const [k, v] of map) {
    yield [`keys()[${i}]`, k];
    yield [valueStep(k, i), v];
    i++;
  }
}

/** How a path names a Map's value: `get("k")` for a string or number key. */
function valueStep(key: unknown, index: number): string {
  return typeof key === "string" || typeof key === "number" ? `get(${JSON.stringify(key)})` : `values()[${index}]`;
}

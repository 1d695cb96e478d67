// Logged values as OpenTelemetry attribute values: strings, numbers, booleans
// and arrays of one of those pass through; anything else becomes JSON text.
// Never throws: cycles, BigInts, Errors and Maps/Sets all get a rendering.
import type { AttributeValue } from "@opentelemetry/api";

/** The attribute value for `value`; undefined (no attribute) for undefined. */
export function toAttributeValue(value: unknown): AttributeValue | undefined {
  switch (typeof value) {
    case "string":
    case "number":
    case "boolean":
      return value;
    case "undefined":
      return undefined;
    case "bigint":
      return value.toString();
    case "object":
      if (value !== null && Array.isArray(value) && isHomogeneous(value)) return value as AttributeValue;
      return toJson(value);
    default:
      return String(value);
  }
}

/** Arrays OTel accepts as they are: every item a string, or every item a number, or every item a boolean. */
function isHomogeneous(items: readonly unknown[]): boolean {
  if (items.length === 0) return true;
  const kind = typeof items[0];
  if (kind !== "string" && kind !== "number" && kind !== "boolean") return false;
  for (let i = 1; i < items.length; i++) if (typeof items[i] !== kind) return false;
  return true;
}

/** JSON text for any value. Shared (non-cyclic) references are written in full; only a cycle is cut. */
export function toJson(value: unknown): string {
  try {
    return JSON.stringify(value, plain) ?? String(value);
  } catch {
    // A cycle (or a throwing toJSON): again, tracking the path from the root.
    try {
      return JSON.stringify(value, cycleSafe()) ?? String(value);
    } catch (e) {
      return `<unserializable: ${e instanceof Error ? e.message : String(e)}>`;
    }
  }
}

function plain(_key: string, v: unknown): unknown {
  if (typeof v === "bigint") return v.toString();
  if (v instanceof Error) return { name: v.name, message: v.message };
  if (v instanceof Map) return Object.fromEntries(v);
  if (v instanceof Set) return [...v];
  return v;
}

function cycleSafe(): (this: unknown, key: string, v: unknown) => unknown {
  // JSON.stringify calls the replacer depth first with `this` = the holder, so
  // the ancestors of the current value are the stack up to (and including) its holder.
  const ancestors: unknown[] = [];
  return function (this: unknown, key: string, v: unknown): unknown {
    let out: unknown;
    try {
      out = plain(key, v);
    } catch {
      return "<unserializable>";
    }
    if (typeof out !== "object" || out === null) return out;
    const at = ancestors.lastIndexOf(this);
    ancestors.length = at + 1;
    if (ancestors.includes(out)) return "[Circular]";
    ancestors.push(out);
    return out;
  };
}

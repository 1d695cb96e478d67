// Every string a tracked run puts into generated code goes through here: a run
// may be someone else's, so its names and values are data, never code.
// String literals escape every line terminator (U+2028/2029 included), comments
// get one escaped line, and object keys that JavaScript treats specially
// (__proto__) become computed keys so they stay own properties.

const LINE_TERMINATORS = /[\u2028\u2029]/g;

/** A double-quoted string literal that is one line and means exactly `text`. */
export function stringLiteral(text: string): string {
  return JSON.stringify(text).replace(LINE_TERMINATORS, (c) => `\\u${c.charCodeAt(0).toString(16)}`);
}

/** Text safe inside a `//` comment: one line, no terminators, no `*​/`. Quoted like a string so nothing is lost. */
export function commentText(text: string): string {
  return stringLiteral(text).slice(1, -1).replace(/\*\//g, "*\\/");
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;
const RESERVED = new Set(
  ("break case catch class const continue debugger default delete do else enum export extends false finally for function if import in " +
    "instanceof new null return super switch this throw true try typeof var void while with yield let static implements interface " +
    "package private protected public await").split(" "),
);

/** A name used as a binding (an import, a variable); anything else is refused with the reason. */
export function identifier(name: string, what: string): string {
  if (!IDENTIFIER.test(name) || RESERVED.has(name)) {
    throw new Error(`${what} ${stringLiteral(name)} is not a JavaScript identifier; give the name the module exports it under`);
  }
  return name;
}

/** A JSON-like value as a TypeScript expression, indented like JSON.stringify(v, null, 2). */
export function valueLiteral(value: unknown, indent = ""): string {
  if (value === null || value === undefined) return "null";
  if (typeof value === "string") return stringLiteral(value);
  if (typeof value === "number") return Number.isFinite(value) ? String(value) : "null";
  if (typeof value === "boolean") return String(value);
  if (typeof value === "bigint") return `${value}n`;
  const inner = indent + "  ";
  if (Array.isArray(value)) {
    if (value.length === 0) return "[]";
    return `[\n${value.map((v) => inner + valueLiteral(v, inner)).join(",\n")}\n${indent}]`;
  }
  if (typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined && typeof v !== "function");
    if (entries.length === 0) return "{}";
    return `{\n${entries.map(([k, v]) => `${inner}${propertyKey(k)}: ${valueLiteral(v, inner)}`).join(",\n")}\n${indent}}`;
  }
  return "null";
}

/** `"__proto__": x` in a literal sets the prototype; a computed key makes an own property, as JSON.parse does. */
export function propertyKey(key: string): string {
  return key === "__proto__" ? `[${stringLiteral(key)}]` : stringLiteral(key);
}

// How a stored value beyond JSON (`{ "__burr_serde__": key, "value": ... }`)
// reads to a person: a typed one-line preview (`Date 2026-…`, `Map(3) {…}`)
// and its contents as named children. Pure (no Node, no DOM) so the debugger's
// Variables view and the run view webview show tagged values the same way.

/** A stored (JSON) value, as a run or a debug connection carries it. */
export type StoredJson = null | boolean | number | string | StoredJson[] | { [key: string]: StoredJson };

/** The field that marks a stored non-JSON value, as Python Burr's serde marks one. */
export const SERDE_KEY = "__burr_serde__";
const TAG = SERDE_KEY;

export interface Tagged {
  key: string;
  value: StoredJson;
}

export interface TaggedChild {
  name: string;
  /** The path step to reach it in the live value; null when it cannot be edited on its own. */
  step: string | number | null;
  value: StoredJson;
}

/** The tag and its stored value, or null when `value` is not a tagged record. */
export function asTagged(value: unknown): Tagged | null {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return null;
  const key = (value as Record<string, unknown>)[TAG];
  return typeof key === "string" ? { key, value: ((value as Record<string, unknown>).value ?? null) as StoredJson } : null;
}

const cut = (text: string, max: number) => (text.length > max ? text.slice(0, max - 1) + "…" : text);

export function taggedPreview(t: Tagged, shorten: (text: string, max: number) => string = cut): string {
  const v = t.value;
  switch (t.key) {
    case "Date":
      return typeof v === "string" ? `Date ${v}` : "Invalid Date";
    case "BigInt":
      return `${String(v)}n`;
    case "URL":
      return `URL ${String(v)}`;
    case "RegExp": {
      const r = v as { source?: StoredJson; flags?: StoredJson } | null;
      return `/${String(r?.source ?? "")}/${String(r?.flags ?? "")}`;
    }
    case "Uint8Array": {
      const bytes = typeof v === "string" ? base64Bytes(v) : [];
      const hex = bytes.slice(0, 16).map((b) => b.toString(16).padStart(2, "0")).join(" ");
      return `Uint8Array(${bytes.length})${bytes.length ? ` [${hex}${bytes.length > 16 ? " …" : ""}]` : ""}`;
    }
    case "Map": {
      const pairs = Array.isArray(v) ? v : [];
      const shown = pairs.map((p) => (Array.isArray(p) ? `${brief(p[0])} => ${brief(p[1])}` : "?")).join(", ");
      return shorten(`Map(${pairs.length}) {${shown}}`, 100);
    }
    case "Set": {
      const items = Array.isArray(v) ? v : [];
      return shorten(`Set(${items.length}) {${items.map(brief).join(", ")}}`, 100);
    }
    default:
      return shorten(`${t.key} ${JSON.stringify(v)}`, 100);
  }
}

export function taggedChildren(t: Tagged): TaggedChild[] {
  const v = t.value;
  if (t.key === "Map" && Array.isArray(v)) {
    return v.map((pair) => {
      const [k, val] = Array.isArray(pair) ? pair : [null, null];
      const editable = typeof k === "string" || typeof k === "number";
      return { name: typeof k === "string" ? k : `[${brief(k ?? null)}]`, step: editable ? k : null, value: val ?? null };
    }).map((child, i, all) => (all.findIndex((c) => c.name === child.name) === i ? child : { ...child, name: `${child.name} (${i})` }));
  }
  if (t.key === "Set" && Array.isArray(v)) return v.map((item, i) => ({ name: String(i), step: null, value: item }));
  if (["Date", "BigInt", "URL", "RegExp", "Uint8Array"].includes(t.key)) return [];
  // A registered class: what its serialize returned, read-only (edit the whole value instead).
  if (v !== null && typeof v === "object") {
    return Array.isArray(v) ? v.map((item, i) => ({ name: String(i), step: null, value: item })) : Object.entries(v).map(([k, item]) => ({ name: k, step: null, value: item }));
  }
  return [];
}

/** One line for any stored value, tagged values (at any depth) shown by their previews. */
export function storedOneLine(value: unknown, max = 160): string {
  const out: string[] = [];
  let length = 0;
  const put = (s: string) => {
    out.push(s);
    length += s.length;
  };
  const walk = (v: unknown): void => {
    if (length > max) return;
    const t = asTagged(v);
    if (t) return put(taggedPreview(t));
    if (Array.isArray(v)) {
      put("[");
      v.forEach((x, i) => (i && put(","), walk(x)));
      return put("]");
    }
    if (v !== null && typeof v === "object") {
      put("{");
      Object.entries(v).forEach(([k, x], i) => (i && put(","), put(`${JSON.stringify(k)}:`), walk(x)));
      return put("}");
    }
    put(JSON.stringify(v) ?? String(v));
  };
  walk(value);
  return cut(out.join(""), max);
}

function brief(v: StoredJson): string {
  const t = asTagged(v);
  if (t) return taggedPreview(t).slice(0, 40);
  return cut(JSON.stringify(v), 30);
}

function base64Bytes(text: string): number[] {
  try {
    return [...atob(text)].map((c) => c.charCodeAt(0));
  } catch {
    return [];
  }
}

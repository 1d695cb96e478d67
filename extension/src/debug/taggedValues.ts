// Values stored beyond JSON (`{ "__burr_serde__": key, "value": ... }`, Burr's
// tag) as the Variables view shows them: a typed one-line preview
// (`Date 2026-…`, `Map(3)`), their contents as children, and what the user
// types turned back into the stored form of that type.
import type { WireValue } from "./source.js";

const TAG = "__burr_serde__";

export interface Tagged {
  key: string;
  value: WireValue;
}

export interface TaggedChild {
  name: string;
  /** The path step to reach it in the live value; null when it cannot be edited on its own. */
  step: string | number | null;
  value: WireValue;
}

export function asTagged(value: WireValue): Tagged | null {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return null;
  const key = value[TAG];
  return typeof key === "string" ? { key, value: value.value ?? null } : null;
}

export function taggedPreview(t: Tagged, shorten: (text: string, max: number) => string): string {
  const v = t.value;
  switch (t.key) {
    case "Date":
      return typeof v === "string" ? `Date ${v}` : "Invalid Date";
    case "BigInt":
      return `${String(v)}n`;
    case "URL":
      return `URL ${String(v)}`;
    case "RegExp": {
      const r = v as { source?: WireValue; flags?: WireValue } | null;
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

/** What the user typed for a value of this type, in its stored form; throws saying how to write one. */
export function parseTaggedEdit(t: Tagged, text: string, parseJson: (text: string) => WireValue): WireValue {
  const raw = text.trim();
  const unquoted = /^".*"$/s.test(raw) ? (JSON.parse(raw) as string) : raw;
  const tag = (value: WireValue): WireValue => ({ [TAG]: t.key, value });
  switch (t.key) {
    case "Date": {
      const ms = Date.parse(unquoted.replace(/^Date\s+/, ""));
      if (Number.isNaN(ms)) throw new Error(`"${text}" is not a date: write ISO text like 2026-01-31T12:00:00Z`);
      return tag(new Date(ms).toISOString());
    }
    case "BigInt":
      if (!/^-?\d+n?$/.test(unquoted)) throw new Error(`"${text}" is not an integer: write digits like 12345678901234567890 (n optional)`);
      return tag(unquoted.replace(/n$/, ""));
    case "URL":
      try {
        return tag(new URL(unquoted.replace(/^URL\s+/, "")).href);
      } catch {
        throw new Error(`"${text}" is not a URL: write it whole, like https://example.org/path`);
      }
    case "RegExp": {
      const m = /^\/(.*)\/([a-z]*)$/s.exec(unquoted);
      if (!m) throw new Error(`"${text}" is not a regular expression: write it like /pattern/flags`);
      try {
        new RegExp(m[1], m[2]);
      } catch (err) {
        throw new Error(`"${text}" is not a valid regular expression: ${(err as Error).message}`);
      }
      return tag({ source: m[1], flags: m[2] });
    }
    default: {
      // Anything else: its stored value as JSON (a Map's [[key, value], ...], a Set's [...], a class's serialized form), or a whole tagged value.
      const parsed = parseJson(text);
      return asTagged(parsed) ? parsed : tag(parsed);
    }
  }
}

function brief(v: WireValue): string {
  const t = asTagged(v);
  if (t) return taggedPreview(t, (s, max) => (s.length > max ? s.slice(0, max - 1) + "…" : s)).slice(0, 40);
  const text = JSON.stringify(v);
  return text.length > 30 ? text.slice(0, 29) + "…" : text;
}

function base64Bytes(text: string): number[] {
  try {
    return [...atob(text)].map((c) => c.charCodeAt(0));
  } catch {
    return [];
  }
}

// Burr's on-disk JSON conventions: Python-style graph/metadata files, compact
// log lines, and its two timestamp flavours (naive local, and UTC with "Z").
const pad = (n: number, w = 2): string => String(n).padStart(w, "0");

/** "2026-11-24T13:52:10.046553": local time, no offset (Burr's datetime.now()). */
export function naiveLocalTime(d: Date): string {
  return (
    `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}` +
    `.${pad(d.getMilliseconds() * 1000, 6)}`
  );
}

/** "2026-11-24T13:52:10.046633Z" (Burr's datetime.now(UTC)). */
export function utcTime(d: Date): string {
  return `${d.toISOString().slice(0, 23)}000Z`;
}

// Neighbouring log lines mostly carry the same millisecond: Date.parse of a
// local time (~1 µs) is skipped when the text repeats the last one.
let lastText = "";
let lastTime: number | null = null;

/** Milliseconds since the epoch of either flavour; null when missing or unreadable. */
export function parseTime(value: unknown): number | null {
  if (typeof value !== "string") return null;
  if (value === lastText) return lastTime;
  const t = Date.parse(value);
  lastText = value;
  lastTime = Number.isNaN(t) ? null : t;
  return lastTime;
}

/** JSON of any value as Burr's serde would give it: unknown objects become strings, cycles are cut. */
export function toJsonLine(record: object): string {
  try {
    return JSON.stringify(record);
  } catch {
    const seen = new WeakSet<object>();
    return JSON.stringify(record, (_key, value: unknown) => {
      if (typeof value === "bigint") return value.toString();
      if (typeof value === "function" || typeof value === "symbol") return String(value);
      if (value instanceof Error) return `${value.name}: ${value.message}`;
      if (value !== null && typeof value === "object") {
        if (seen.has(value)) return "[Circular]";
        seen.add(value);
      }
      return value;
    });
  }
}

/** Python json.dump layout (", " and ": ", non-ASCII escaped), as Burr writes graph.json and metadata.json. */
export function pythonJson(value: unknown): string {
  if (value === null || value === undefined) return "null";
  if (typeof value === "string") return JSON.stringify(value).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
  if (typeof value === "number" || typeof value === "boolean") return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(pythonJson).join(", ")}]`;
  if (typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    return `{${entries.map(([k, v]) => `${pythonJson(k)}: ${pythonJson(v)}`).join(", ")}}`;
  }
  return JSON.stringify(String(value));
}

export interface PointerData {
  type: "pointer_data";
  app_id: string;
  sequence_id: number | null;
  partition_key: string | null;
}

export function pointer(p: { appId: string; sequenceId: number | null; partitionKey: string | null }): PointerData {
  return { type: "pointer_data", app_id: p.appId, sequence_id: p.sequenceId, partition_key: p.partitionKey };
}

export const PROJECT_NAME = /^[a-zA-Z0-9_\-:]+$/;

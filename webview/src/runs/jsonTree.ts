// A collapsible tree for JSON values. Children render on first open, so a
// large state costs only what is looked at. With a query, only matching keys
// and values (and the way to them) are shown, opened, with matches marked.
// Values stored beyond JSON (`__burr_serde__` tags) show by type, as the
// debugger's Variables view shows them: `Date 2026-…`, `Map(2) {…}`.
import { asTagged, storedOneLine, taggedChildren, taggedPreview } from "../../../runtime/src/state/serde/preview.js";
import { el, highlighted } from "../shared/dom.js";

export interface TreeOptions {
  query: string;
  /** Open this many levels when not searching. */
  openDepth: number;
  hideKey?: (key: string) => boolean;
}

type Json = unknown;

/** An array or object with children to open (a tagged value only when it has contents, like a Map). */
function isContainer(v: Json): v is Record<string, Json> | Json[] {
  if (v === null || typeof v !== "object") return false;
  const t = asTagged(v);
  return !t || taggedChildren(t).length > 0;
}

function entries(v: Record<string, Json> | Json[]): [string, Json][] {
  const t = asTagged(v);
  if (t) return taggedChildren(t).map((c) => [c.name, c.value]);
  return Array.isArray(v) ? v.map((x, i) => [String(i), x]) : Object.entries(v);
}

function primitiveText(v: Json): string {
  const t = asTagged(v);
  if (t) return taggedPreview(t);
  if (typeof v === "string") return JSON.stringify(v);
  if (v === undefined) return "undefined";
  return String(v);
}

function summary(v: Record<string, Json> | Json[]): string {
  const t = asTagged(v);
  if (t) return taggedPreview(t);
  return Array.isArray(v) ? `[${v.length} item${v.length === 1 ? "" : "s"}]` : `{${Object.keys(v).length} key${Object.keys(v).length === 1 ? "" : "s"}}`;
}

/** True when the key or anything under it matches the query. */
export function matches(key: string, v: Json, query: string): boolean {
  if (!query) return true;
  if (key.toLowerCase().includes(query)) return true;
  if (isContainer(v)) return entries(v).some(([k, x]) => matches(k, x, query));
  return primitiveText(v).toLowerCase().includes(query);
}

export function renderTree(value: Json, opts: TreeOptions): HTMLElement {
  const root = el("div", "json-tree");
  root.setAttribute("role", "tree");
  if (!isContainer(value)) {
    root.append(valueSpan(value, opts.query));
    return root;
  }
  const kids = entries(value).filter(([k, v]) => !opts.hideKey?.(k) && matches(k, v, opts.query));
  if (!kids.length) root.append(el("div", "muted", opts.query ? "No key or value matches." : "(empty)"));
  for (const [k, v] of kids) root.append(node(k, v, 0, opts, !opts.query || k.toLowerCase().includes(opts.query)));
  return root;
}

/** `whole`: the key itself matched, so its whole subtree shows. */
function node(key: string, v: Json, depth: number, opts: TreeOptions, whole: boolean): HTMLElement {
  const q = opts.query;
  if (!isContainer(v)) {
    const row = el("div", "json-row leaf");
    row.setAttribute("role", "treeitem");
    row.append(keySpan(key, q), el("span", "json-colon", ": "), valueSpan(v, q));
    return row;
  }
  const details = el("details", "json-row");
  details.setAttribute("role", "treeitem");
  const sum = el("summary");
  sum.append(keySpan(key, q), el("span", "json-colon", ": "), el("span", "json-summary", summary(v)));
  details.append(sum);
  const fill = () => {
    if (details.dataset.filled) return;
    details.dataset.filled = "1";
    const box = el("div", "json-children");
    for (const [k, x] of entries(v)) {
      const keyHit = whole || (q !== "" && k.toLowerCase().includes(q));
      if (!keyHit && !matches(k, x, q)) continue;
      box.append(node(k, x, depth + 1, opts, keyHit));
    }
    details.append(box);
  };
  details.addEventListener("toggle", () => details.open && fill());
  if ((q && !whole) || (!q && depth < opts.openDepth)) {
    details.open = true;
    fill();
  }
  return details;
}

function keySpan(key: string, q: string): HTMLElement {
  const s = el("span", "json-key");
  s.append(highlighted(key, q));
  return s;
}

/** Strings longer than this (a stack, a long LLM answer) show their start and a button for the rest. */
const LONG_STRING = 240;

function valueSpan(v: Json, q: string): HTMLElement {
  const kind = v === null ? "null" : asTagged(v) ? "tagged" : typeof v;
  const s = el("span", `json-value json-${kind}`);
  const text = primitiveText(v);
  // While searching, the whole text shows so every match is visible.
  if (typeof v !== "string" || text.length <= LONG_STRING || q) {
    s.append(highlighted(text, q));
    return s;
  }
  s.append(document.createTextNode(`${text.slice(0, LONG_STRING - 40)}…`));
  const more = el("button", "json-more", `show all ${v.length.toLocaleString("en-US")} characters`);
  more.type = "button";
  more.addEventListener("click", () => s.replaceChildren(document.createTextNode(text)));
  s.append(" ", more);
  return s;
}

/** One-line JSON for compact places (diff rows, attributes), tagged values by their previews. */
export function compact(v: Json, max = 160): string {
  if (v === undefined) return "undefined";
  try {
    return storedOneLine(v, max);
  } catch {
    return String(v).slice(0, max);
  }
}

// The run view's sections for one step: timing, error, changes, values, timeline.
import { append, el, formatMs, section } from "./dom.js";
import { compact } from "./jsonTree.js";
import type { StepViewData } from "./protocol.js";

export function timing(d: StepViewData): HTMLElement {
  const { root, body } = section("Timing", "timing");
  const dl = el("dl", "facts");
  const fact = (k: string, v: string) => dl.append(el("dt", undefined, k), el("dd", undefined, v));
  fact("Duration", d.durationMs === null ? (d.status === "running" ? "running…" : "–") : formatMs(d.durationMs));
  fact("Started", d.startTime ? new Date(d.startTime).toLocaleString() : "–");
  fact("Ended", d.endTime ? new Date(d.endTime).toLocaleString() : "–");
  if (d.stream) {
    fact("First item after", formatMs(d.stream.timeToFirstItemMs));
    fact("Stream took", formatMs(d.stream.streamMs));
    fact("Items streamed", d.stream.items === null ? "–" : String(d.stream.items));
    if (d.stream.items && d.stream.streamMs) fact("Items / s", (d.stream.items / (d.stream.streamMs / 1000)).toFixed(1));
  }
  body.append(dl);
  return root;
}

export function errorSection(error: string): HTMLElement {
  const { root, body } = section("Error", "error");
  const lines = error.trim().split("\n");
  const headline = lines[0].startsWith("Traceback") ? lines[lines.length - 1] : lines[0];
  body.append(el("p", "error-headline", headline));
  const details = el("details");
  details.append(el("summary", undefined, "Stack"), el("pre", "stack", error));
  body.append(details);
  return root;
}

export function changes(d: StepViewData): HTMLElement {
  const title = d.previousAction === null ? "Changes (from the start)" : `Changes since step ${d.sequenceId - 1} (${d.previousAction})`;
  const { root, body } = section(title, "changes");
  const c = d.change;
  const list = el("ul", "diff");
  const row = (kind: string, sign: string, key: string, ...rest: (Node | string)[]) => {
    const li = el("li", `diff-${kind}`);
    li.append(el("span", "diff-sign", sign), el("span", "json-key", key));
    append(li, ...rest);
    list.append(li);
  };
  for (const a of c.added) row("added", "+", a.key, el("span", "diff-text", ` = ${compact(a.value)}`));
  for (const a of c.appended) {
    row("appended", "⊕", a.key, el("span", "diff-note", ` appended ${a.items.length} item${a.items.length === 1 ? "" : "s"}`));
    const items = el("ol", "diff-items");
    for (const item of a.items) items.append(el("li", undefined, compact(item, 400)));
    list.lastElementChild!.append(items);
  }
  for (const a of c.changed) row("changed", "~", a.key, el("span", "diff-before", ` ${compact(a.before)}`), el("span", "diff-arrow", " → "), el("span", "diff-after", compact(a.after)));
  for (const a of c.removed) row("removed", "−", a.key, el("span", "diff-text", ` (was ${compact(a.value)})`));
  if (!list.children.length) body.append(el("p", "muted", d.status === "failed" ? "A failed step changes nothing." : "No state key changed."));
  else body.append(list);
  return root;
}

export function timeline(d: StepViewData): HTMLElement | null {
  const actionAttrs = Object.entries(d.attributes);
  if (!d.spans.length && !actionAttrs.length) return null;
  const { root, body } = section("Spans and attributes", "timeline");
  const ends = d.spans.map((s) => s.endOffset ?? s.startOffset ?? 0);
  const total = Math.max(d.durationMs ?? 0, ...ends, 0.001);
  const axis = el("div", "tl-axis");
  axis.append(el("span", undefined, "0"), el("span", undefined, formatMs(total)));
  if (d.spans.length) body.append(axis);
  for (const s of d.spans) {
    const row = el("div", "tl-row");
    const label = el("div", "tl-label");
    label.style.paddingLeft = `${s.depth * 14}px`;
    label.append(el("span", "tl-name", s.name || s.spanId));
    const dur = s.startOffset !== null && s.endOffset !== null ? formatMs(s.endOffset - s.startOffset) : "open";
    label.append(el("span", "tl-dur", dur));
    const track = el("div", "tl-track");
    const bar = el("div", `tl-bar depth-${Math.min(s.depth, 3)}`);
    const start = Math.max(0, s.startOffset ?? 0);
    const end = s.endOffset ?? total;
    bar.style.left = `${(start / total) * 100}%`;
    bar.style.width = `${Math.max(0.5, ((end - start) / total) * 100)}%`;
    bar.title = `${s.name}: ${dur} (from +${formatMs(start)})`;
    track.append(bar);
    row.append(label, track);
    body.append(row);
    const attrs = Object.entries(s.attributes);
    if (attrs.length) body.append(attributeList(attrs, s.depth + 1));
  }
  if (actionAttrs.length) {
    body.append(el("h3", undefined, "Action attributes"));
    body.append(attributeList(actionAttrs, 0));
  }
  return root;
}

function attributeList(attrs: [string, unknown][], depth: number): HTMLElement {
  const dl = el("dl", "attrs");
  dl.style.paddingLeft = `${depth * 14}px`;
  for (const [k, v] of attrs) dl.append(el("dt", undefined, k), el("dd", undefined, compact(v, 300)));
  return dl;
}

// The run view's sections for one step: timing, error, changes, next, values, timeline.
import { append, el, section } from "../shared/dom.js";
import { formatDuration } from "../shared/format.js";
import { compact } from "./jsonTree.js";
import type { CapturedErrorView, NextView, StepViewData, TestedValue, TransitionCheck } from "../protocol/runs.js";

export function timing(d: StepViewData): HTMLElement {
  const { root, body } = section("Timing", "timing");
  const dl = el("dl", "facts");
  const fact = (k: string, v: string) => dl.append(el("dt", undefined, k), el("dd", undefined, v));
  fact("Duration", d.durationMs === null ? (d.status === "running" ? "running…" : "–") : formatDuration(d.durationMs));
  fact("Started", d.startTime ? new Date(d.startTime).toLocaleString() : "–");
  fact("Ended", d.endTime ? new Date(d.endTime).toLocaleString() : "–");
  if (d.stream) {
    fact("First item after", formatDuration(d.stream.timeToFirstItemMs));
    fact("Stream took", formatDuration(d.stream.streamMs));
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

/** An error onError: captureAs(key) turned into state: the record, its stack folded. */
export function capturedSection(c: CapturedErrorView): HTMLElement {
  const { root, body } = section("Error captured", "captured");
  const headline = el("p", "captured-headline");
  headline.append(el("span", "captured-type", c.type), ": ", el("span", "captured-message", c.message));
  body.append(headline);
  body.append(
    el("p", "muted", c.key
      ? `onError: captureAs("${c.key}") wrote this to state key "${c.key}"; the step completed and the transitions went on from there.`
      : "onError: captureAs wrote this to state; the step completed and the transitions went on from there."),
  );
  if (c.stack) {
    const details = el("details");
    details.append(el("summary", undefined, "Stack"), el("pre", "stack", c.stack));
    body.append(details);
  } else body.append(el("p", "muted", "No stack recorded (captureAs with includeStack: false, or a thrown value that is not an Error)."));
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

const nextHeads: Record<NextView["kind"], string> = {
  next: "",
  ended: "The run ended here",
  running: "Still running",
  failed: "The step failed",
};

/** What came next and why: the transitions tried in order, the values they tested. */
export function nextSection(d: StepViewData): HTMLElement {
  const n = d.next;
  const { root, body } = section("Next", "next");
  const head = el("p", "next-head");
  if (n.kind === "next") head.append(el("span", "next-arrow", "→ "), el("span", "seq", `#${n.sequenceId}`), " ", el("span", "next-action", n.action ?? ""));
  else head.append(nextHeads[n.kind]);
  body.append(head);
  const rows: [TransitionCheck, boolean][] = [...n.before.map((c): [TransitionCheck, boolean] => [c, false]), ...(n.taken ? [[n.taken, true] as [TransitionCheck, boolean]] : [])];
  if (rows.length) {
    body.append(el("h3", undefined, n.kind === "next" ? `Transitions from ${d.action}, tried in order` : `Transitions from ${d.action}, in order`));
    const list = el("ol", "transitions");
    for (const [c, taken] of rows) list.append(transitionRow(c, taken, n));
    body.append(list);
  }
  body.append(el("p", `verdict${n.verdict ? ` verdict-${n.verdict}` : ""}`, n.summary));
  return root;
}

function transitionRow(c: TransitionCheck, taken: boolean, n: NextView): HTMLElement {
  const li = el("li", taken ? "tr tr-taken" : "tr");
  const line = el("div", "tr-line");
  const [label, tone] = outcomeLabel(c, taken, n);
  line.append(el("span", "tr-edge", `${c.from} → ${c.to}`), el("code", "tr-cond", c.condition), el("span", `tr-outcome tone-${tone}`, label));
  li.append(line);
  if (c.values.length) {
    const values = el("ul", "tr-values");
    for (const v of c.values) values.append(testedValue(v));
    li.append(values);
  }
  if (c.note) li.append(el("p", "tr-note", c.note));
  return li;
}

function outcomeLabel(c: TransitionCheck, taken: boolean, n: NextView): [string, "ok" | "no" | "unknown"] {
  const past = n.kind === "next";
  if (taken) {
    if (!past) return c.outcome === "holds" ? ["would be taken", "ok"] : ["cannot tell", "unknown"];
    if (c.outcome === "holds") return ["taken: held", "ok"];
    return c.outcome === "fails" ? ["taken, yet does not hold here", "unknown"] : ["taken", "unknown"];
  }
  if (c.outcome === "fails") return [past ? "did not hold" : "does not hold", "no"];
  if (c.outcome === "holds") return ["holds here", "unknown"];
  return past && n.verdict === "partial" ? ["did not hold (the run went past it)", "unknown"] : ["not evaluated", "unknown"];
}

function testedValue(v: TestedValue): HTMLElement {
  const li = el("li");
  li.append(el("span", "json-key", v.key));
  if (!v.present) li.append(el("span", "muted", " not in state"));
  else li.append(el("span", "tr-eq", " = "), el("span", "tr-value", compact(v.value)));
  if (v.wants && !v.wants.met) li.append(el("span", "tr-wants", ` (wants ${compact(v.wants.value)})`));
  return li;
}

export function timeline(d: StepViewData): HTMLElement | null {
  const actionAttrs = Object.entries(d.attributes);
  if (!d.spans.length && !actionAttrs.length) return null;
  const { root, body } = section("Spans and attributes", "timeline");
  const ends = d.spans.map((s) => s.endOffset ?? s.startOffset ?? 0);
  const total = Math.max(d.durationMs ?? 0, ...ends, 0.001);
  const axis = el("div", "tl-axis");
  axis.append(el("span", undefined, "0"), el("span", undefined, formatDuration(total)));
  if (d.spans.length) body.append(axis);
  for (const s of d.spans) {
    const row = el("div", "tl-row");
    const label = el("div", "tl-label");
    label.style.paddingLeft = `${s.depth * 14}px`;
    label.append(el("span", "tl-name", s.name || s.spanId));
    const dur = s.startOffset !== null && s.endOffset !== null ? formatDuration(s.endOffset - s.startOffset) : "open";
    label.append(el("span", "tl-dur", dur));
    const track = el("div", "tl-track");
    const bar = el("div", `tl-bar depth-${Math.min(s.depth, 3)}`);
    const start = Math.max(0, s.startOffset ?? 0);
    const end = s.endOffset ?? total;
    bar.style.left = `${(start / total) * 100}%`;
    bar.style.width = `${Math.max(0.5, ((end - start) / total) * 100)}%`;
    bar.title = `${s.name}: ${dur} (from +${formatDuration(start)})`;
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

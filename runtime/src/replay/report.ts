// The report as text for a terminal or a CI log (--json prints the ReplayReport itself).
import type { ReplayReport } from "./types.js";

const MAX = 400;

function show(v: unknown): string {
  let text: string;
  if (typeof v === "string") text = JSON.stringify(v);
  else {
    try {
      text = JSON.stringify(v) ?? String(v);
    } catch {
      text = String(v);
    }
  }
  return text.length > MAX ? `${text.slice(0, MAX)}… (${text.length} characters)` : text;
}

export function formatReport(r: ReplayReport): string {
  const lines: string[] = [];
  const what = r.stateOnly ? "state-only replay" : "replay";
  for (const w of r.warnings) lines.push(`note: ${w}`);
  if (r.divergence === null) {
    lines.push(`${what} of ${r.source}: ${r.stepsReplayed} of ${r.stepsRecorded} step(s) match the record`);
  } else {
    const d = r.divergence;
    lines.push(`${what} of ${r.source}: DIVERGED at step ${d.sequenceId} (${d.action}), after ${r.stepsReplayed} matching step(s)`);
    lines.push(`  ${d.kind}: ${d.message}`);
    if (d.key !== null) lines.push(`  key:      ${d.key}`);
    lines.push(`  recorded: ${show(d.recorded)}`);
    lines.push(`  current:  ${show(d.current)}`);
    if (d.transition) {
      const t = d.transition;
      lines.push(`  transition taken instead: ${t.from ?? "(start)"} -> ${t.to ?? "(end)"} [${t.condition}]`);
    }
  }
  if (r.live.length) {
    lines.push(`ran live (not through trace(), so not hermetic):`);
    const seen = new Set<string>();
    for (const l of r.live) {
      const line = `  step ${l.sequenceId} (${l.action}): ${l.what}`;
      if (!seen.has(line)) lines.push(line);
      seen.add(line);
      if (seen.size >= 20) {
        lines.push(`  … and ${r.live.length - 20} more`);
        break;
      }
    }
  }
  return lines.join("\n");
}

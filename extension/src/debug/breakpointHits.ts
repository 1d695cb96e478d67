// Which breakpoints stop (or log) before a step: conditions and hit counts
// over the step's state, logpoints interpolated; and, for Reverse Continue,
// which breakpoint a step already taken would have hit.
import { hitConditionHolds, splitLogMessage, type BurrBreakpoint } from "./breakpoints.js";
import type { StepSummary, WireValue } from "./source.js";
import { asTagged, taggedPreview } from "./taggedValues.js";

export type Evaluate = (step: StepSummary, expression: string) => Promise<WireValue>;
type Output = (category: "stderr" | "console", text: string) => void;

export async function breakpointsThatStop(candidates: BurrBreakpoint[], step: StepSummary, evaluate: Evaluate, output: Output): Promise<BurrBreakpoint[]> {
  const stopping: BurrBreakpoint[] = [];
  for (const bp of candidates) {
    if (bp.condition && bp.condition.trim()) {
      try {
        if (!truthy(await evaluate(step, bp.condition))) continue;
      } catch (err) {
        output("stderr", `Breakpoint condition "${bp.condition}" failed before ${step.action}: ${(err as Error).message}\n`);
        stopping.push(bp);
        continue;
      }
    }
    bp.hits++;
    try {
      if (!hitConditionHolds(bp.hitCondition, bp.hits)) continue;
    } catch (err) {
      output("stderr", `${(err as Error).message}\n`);
    }
    if (bp.logMessage !== undefined) {
      output("console", (await interpolate(bp.logMessage, step, evaluate)) + "\n");
      continue;
    }
    stopping.push(bp);
  }
  return stopping;
}

async function interpolate(message: string, step: StepSummary, evaluate: Evaluate): Promise<string> {
  const pieces = await Promise.all(
    splitLogMessage(message).map(async (part) => {
      if (!part.expression) return part.text;
      try {
        return renderInline(await evaluate(step, part.text));
      } catch (err) {
        return `<${(err as Error).message}>`;
      }
    }),
  );
  return pieces.join("");
}

export async function breakpointAtTakenStep(breakpoints: BurrBreakpoint[], step: StepSummary, evaluate: Evaluate): Promise<BurrBreakpoint | null> {
  for (const bp of breakpoints) {
    if (bp.logMessage !== undefined) continue;
    if (!bp.targets.some((t) => t.kind === "action" && t.appId === step.appId && t.action === step.action)) continue;
    if (bp.condition && bp.condition.trim()) {
      try {
        if (!truthy(await evaluate(step, bp.condition))) continue;
      } catch {
        continue;
      }
    }
    return bp;
  }
  return null;
}

export function truthy(value: WireValue): boolean {
  if (Array.isArray(value)) return value.length > 0;
  if (value !== null && typeof value === "object") return Object.keys(value).length > 0;
  return Boolean(value);
}

export function renderInline(value: WireValue): string {
  if (typeof value === "string") return value;
  const tagged = asTagged(value);
  return tagged ? taggedPreview(tagged, (text) => text) : JSON.stringify(value);
}

/** "from → to: <condition text>", the way a stop names the transition that led to it. */
export function via(t: { from: string; to: string; condition: string | null }): string {
  return t.condition === null ? `${t.from} → ${t.to}` : `${t.from} → ${t.to}: ${t.condition}`;
}

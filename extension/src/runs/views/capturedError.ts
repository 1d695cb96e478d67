// A step whose action has onError: captureAs(key) completes when the action
// throws; the runtime logs the record as the action attribute "captured_error".
// This reads it back for the tree and the run view. Logs are untrusted input:
// anything not shaped like the record is left as an ordinary attribute.
import type { CapturedErrorView } from "../../../../webview/src/protocol/runs.js";
import type { AppRun, StepRecord } from "../stores/types.js";

export const CAPTURED_ERROR_ATTRIBUTE = "captured_error";

/** The step's captured error, or null (none logged, a failed step, or not the runtime's record). */
export function capturedErrorOf(step: StepRecord, run: Pick<AppRun, "graph"> | null): CapturedErrorView | null {
  if (step.error !== null) return null;
  const raw = step.attributes[CAPTURED_ERROR_ATTRIBUTE] as { type?: unknown; message?: unknown; stack?: unknown } | null | undefined;
  if (raw === null || typeof raw !== "object" || typeof raw.type !== "string" || typeof raw.message !== "string") return null;
  // The key comes from the graph the run recorded (burr-ts writes it; Python Burr has no onError).
  const key = run?.graph?.actions.find((a) => a.name === step.action)?.capturesErrorsAs ?? null;
  return { type: raw.type, message: raw.message, stack: typeof raw.stack === "string" ? raw.stack : null, key };
}

// Exception transitions (apache/burr#30): `onError: captureAs("error")` turns
// an exception from the action's own code into a value in state, so the step
// completes and an ordinary condition (expr("error != null")) routes to a
// handler. The engine only consults this after an action has thrown.
import { BurrError, ConfigurationError } from "../errors.js";

/** What a captured error becomes in state: plain JSON. */
export interface CapturedError {
  /** The error's name (e.g. "TypeError"), or the kind of value thrown when it is not an Error. */
  type: string;
  message: string;
  /** The stack trace, unless captureAs(key, { includeStack: false }). */
  stack?: string;
}

/** An action's `onError`: where its exceptions go. Made by captureAs. */
export interface ErrorCapture<K extends string = string> {
  readonly kind: "captureAs";
  readonly key: K;
  readonly includeStack: boolean;
}

export interface CaptureOptions {
  /** Keep the stack trace in the record (default true). */
  includeStack?: boolean;
}

/**
 * `onError: captureAs("error")`: when the action's code throws, the step does
 * not fail; the state gets `{ error: { type, message, stack } }` and the step
 * completes. The key must be one of the action's writes.
 */
export function captureAs<const K extends string>(key: K, options: CaptureOptions = {}): ErrorCapture<K> {
  if (typeof key !== "string" || key === "" || key.startsWith("__")) {
    throw new ConfigurationError(
      `captureAs needs the state key to hold the error, e.g. captureAs("error"), got ${typeof key === "string" ? `"${key}"` : typeof key}` +
        (typeof key === "string" && key.startsWith("__") ? ` ("__" keys are reserved)` : ""),
    );
  }
  return Object.freeze({ kind: "captureAs", key, includeStack: options.includeStack ?? true });
}

/** Throws unless `onError` is a captureAs(key) whose key is among `writes`. */
export function checkCapture(onError: unknown, writes: readonly string[], action?: string): asserts onError is ErrorCapture {
  const capture = onError as Partial<ErrorCapture> | null;
  if (capture === null || typeof capture !== "object" || capture.kind !== "captureAs" || typeof capture.key !== "string") {
    throw new ConfigurationError(`An action's onError must be captureAs("<state key>"), e.g. onError: captureAs("error")`, { action });
  }
  if (!writes.includes(capture.key)) {
    const key = capture.key;
    throw new ConfigurationError(
      `onError: captureAs("${key}") writes the captured error to "${key}", which is not in the action's writes. ` +
        `Add "${key}" to its writes and seed it in the initial state, e.g. withState({ ${key}: null })`,
      { action, key },
    );
  }
}

/**
 * True for an error the action's own code raised (anything it threw, or an
 * application it ran failing); false for burr-ts's checks of this app (an
 * undeclared read, an invalid return, a value state cannot hold, a failing
 * hook): those are bugs to fix, not conditions to route on.
 */
export function isCapturable(e: unknown, appId: string): boolean {
  // A parallel child's failure (ChildFailedError) is the action's own, though it names this app.
  if ((e as { actionsOwn?: unknown } | null)?.actionsOwn === true) return true;
  return !(e instanceof BurrError) || (e.appId !== undefined && e.appId !== appId);
}

/** The JSON record of what was thrown. */
export function errorRecord(e: unknown, includeStack: boolean): CapturedError {
  const err = e as { name?: unknown; message?: unknown; stack?: unknown } | null;
  if (err !== null && typeof err === "object" && typeof err.message === "string") {
    const type = typeof err.name === "string" && err.name !== "" ? err.name : kindOf(e);
    const record: CapturedError = { type, message: err.message };
    if (includeStack && typeof err.stack === "string") record.stack = err.stack;
    return record;
  }
  return { type: kindOf(e), message: describeThrown(e) };
}

function kindOf(v: unknown): string {
  if (v === null) return "null";
  if (typeof v === "object") return (v as object).constructor?.name ?? "Object";
  return typeof v;
}

function describeThrown(v: unknown): string {
  if (typeof v === "string") return v;
  if (typeof v === "function") return `[function ${v.name || "anonymous"}]`;
  if (typeof v !== "object" || v === null) return String(v);
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return `<${kindOf(v)}: not JSON-serializable>`;
  }
}

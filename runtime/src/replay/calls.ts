// Gives traced calls their recorded outcome during replay. Calls are matched
// by function name and their position among the step's calls of that name; a
// call that differs from the record (other arguments, not recorded, one
// more than recorded) is a divergence, and is thrown to stop the action.
import type { TraceReplaySource } from "../application/tracer.js";
import { encodeValue, type RecordedCall } from "../tracking/recorded.js";
import { firstDifference } from "./compare.js";
import { argsDigest, FULL_ARGS_MAX_CHARS } from "../tracking/argsDigest.js";

export interface CallDivergence {
  call: string;
  message: string;
  recorded: unknown;
  current: unknown;
}

/** Thrown into the action when a traced call cannot be given back; replay reports it, not the action's error. */
export class ReplayCallError extends Error {
  constructor(readonly divergence: CallDivergence) {
    super(divergence.message);
    this.name = "ReplayCallError";
  }
}

export class RecordedCallSource implements TraceReplaySource {
  private byName = new Map<string, RecordedCall[]>();
  private used = new Map<string, number>();
  private recordedCount = 0;
  private madeCount = 0;
  /** Spans (and their enclosing spans) in which a traced call was given back this step. */
  readonly spansWithCalls = new Set<string>();
  /** The first divergence met in the current step. */
  divergence: CallDivergence | null = null;

  /** Starts a step with its recorded calls. */
  begin(calls: readonly RecordedCall[]): void {
    this.byName = new Map();
    for (const c of calls) {
      let list = this.byName.get(c.name);
      if (!list) this.byName.set(c.name, (list = []));
      list.push(c);
    }
    this.used = new Map();
    this.recordedCount = calls.length;
    this.madeCount = 0;
    this.divergence = null;
    this.spansWithCalls.clear();
  }

  call(name: string, args: readonly unknown[], spanUid: string | null): Promise<unknown> {
    if (spanUid !== null) {
      // "3:0.1" lies inside "3:0": mark both.
      const [seq, path] = spanUid.split(":");
      const parts = (path ?? "").split(".");
      for (let i = 1; i <= parts.length; i++) this.spansWithCalls.add(`${seq}:${parts.slice(0, i).join(".")}`);
    }
    const index = this.used.get(name) ?? 0;
    this.used.set(name, index + 1);
    this.madeCount++;
    const label = `${name} (call ${index + 1} of it in this step)`;
    const rec = this.byName.get(name)?.[index];
    if (!rec) {
      return this.fail({ call: name, message: `traced call ${label} is not in the record: the current code makes a call the recorded run did not`, recorded: "(no such call)", current: encodeValue(args).json });
    }
    if (rec.args !== undefined) {
      // Short arguments are recorded whole. Fast path: equal JSON text; the walk that finds where they differ runs only when they do.
      if (!sameJson(rec.args, args)) {
        const diff = firstDifference(rec.args, encodeValue(args).json, "args");
        if (diff) {
          return this.fail({ call: name, message: `traced call ${label} got other arguments than recorded (at ${diff.path})`, recorded: diff.recorded, current: diff.current });
        }
      }
    } else if (rec.argsDigest !== undefined && rec.argsDigest !== argsDigest(args)) {
      // Long ones only as a digest: where they differ is not known, only that they do.
      return this.fail({
        call: name,
        message: `traced call ${label} got other arguments than recorded (their digest differs; the record keeps a digest of arguments longer than ${FULL_ARGS_MAX_CHARS} characters, not the arguments)`,
        recorded: `(arguments with digest ${rec.argsDigest})`,
        current: encodeValue(args).json,
      });
    }
    const out = rec.outcome;
    if (out === null) {
      return this.fail({ call: name, message: `traced call ${label} has no recorded result (traced with captureOutputs: false, or the run stopped inside it); replay cannot give it back`, recorded: "(not recorded)", current: "(needed)" });
    }
    switch (out.kind) {
      case "value":
        return Promise.resolve(out.value);
      case "error": {
        const err = new Error(out.message);
        err.name = out.name;
        return Promise.reject(err);
      }
      case "stream":
        return Promise.resolve(replayStream(out.chunks, out.error));
      case "unrecordable":
        return this.fail({ call: name, message: `traced call ${label} returned a value the run could not record (${out.description}); replay cannot give it back`, recorded: out.description, current: "(needed)" });
    }
  }

  /** After the step: recorded calls the current code did not make. */
  unmade(): CallDivergence | null {
    if (this.madeCount >= this.recordedCount) return null;
    for (const [name, list] of this.byName) {
      const made = this.used.get(name) ?? 0;
      if (made < list.length) {
        return { call: name, message: `traced call ${name} was made ${list.length} time(s) in the record but ${made} time(s) now`, recorded: list.length, current: made };
      }
    }
    return null;
  }

  private fail(d: CallDivergence): Promise<never> {
    this.divergence ??= d;
    return Promise.reject(new ReplayCallError(d));
  }
}

function sameJson(recorded: unknown, current: readonly unknown[]): boolean {
  try {
    return JSON.stringify(recorded) === JSON.stringify(current);
  } catch {
    return false;
  }
}

async function* replayStream(chunks: readonly unknown[], error: { name: string; message: string } | undefined): AsyncGenerator<unknown, void, undefined> {
  for (const c of chunks) yield c;
  if (error) {
    const err = new Error(error.message);
    err.name = error.name;
    throw err;
  }
}

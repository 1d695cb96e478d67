// What the burr debug adapter runs for a launch with both "replay" and
// "program" (it finds this file in the program's own burr-ts). Two modes:
//   session --program P --run R   replays R through P's current code under the
//       debugger's gate: every step is a real step (breakpoints in action code
//       stop on the recorded state); at a divergence it stops with the report.
//   rerun --program P --run R --step N   runs recorded step N once with P as it
//       is now, in this fresh process (so every edited module is loaded anew),
//       and prints a RerunReport as one `burr-rerun:` JSON line.
// Options shared with the CLI: --tracking-dir, --export.
import { createReplayGateFromEnv } from "../debug/index.js";
import { toWire } from "../debug/wire.js";
import { RERUN_PREFIX, type WireValue } from "../debug/protocol.js";
import { recordedCalls, type RecordedCall } from "../tracking/recorded.js";
import { ReplayCallError } from "./calls.js";
import { replayRun } from "./engine.js";
import { loadProgram } from "./program.js";
import { formatReport } from "./report.js";
import { rerunStep } from "./rerun.js";
import { readTrackedRun, ReplayInputError } from "./sources.js";
import type { RecordedRun } from "./types.js";

function options(argv: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith("--") || i + 1 >= argv.length) throw new ReplayInputError(`unexpected argument "${a}"`);
    out.set(a.slice(2), argv[++i]);
  }
  return out;
}

function need(opts: Map<string, string>, name: string): string {
  const v = opts.get(name);
  if (v === undefined) throw new ReplayInputError(`--${name} is needed`);
  return v;
}

/** A step's traced calls as the Variables view shows them: what each returns, from the record. */
function callsForView(calls: readonly RecordedCall[]): WireValue {
  const out: Record<string, WireValue> = {};
  for (const c of calls) {
    const label = `${c.name} #${c.index + 1} (recorded)`;
    const o = c.outcome;
    out[label] =
      o === null ? "(not recorded: replay cannot give it back)"
      : o.kind === "value" ? toWire(o.value)
      : o.kind === "error" ? { threw: `${o.name}: ${o.message}` }
      : o.kind === "stream" ? { streamed: toWire(o.chunks), ...(o.error ? { threw: `${o.error.name}: ${o.error.message}` } : {}) }
      : `(unrecordable: ${o.description})`;
  }
  return out;
}

async function session(run: RecordedRun, program: string, exportName: string | undefined): Promise<number> {
  const bySequence = new Map(run.steps.map((s) => [s.sequenceId, s] as const));
  const gate = createReplayGateFromEnv({
    refuseMoves: "replaying with the program: every step starts from the recorded state, so it cannot be edited or stepped back; edit the code and use \"Re-run Step with Current Code\" instead",
    callsOf: (sequenceId) => {
      const step = bySequence.get(sequenceId);
      if (!step) return null;
      try {
        return callsForView(recordedCalls(step));
      } catch (err) {
        return `(the record of this step's calls is damaged: ${(err as Error).message})`;
      }
    },
    isDivergence: (error) => error instanceof ReplayCallError || error.cause instanceof ReplayCallError,
  });
  if (gate === null) throw new ReplayInputError("the session mode runs only under the burr debug adapter (BURR_DEBUG_PORT and BURR_DEBUG_TOKEN are not set)");
  const builder = await loadProgram(program, exportName);
  process.stdout.write(`Replaying ${run.steps.length} recorded steps of ${run.source} through ${program}: traced calls return their recorded values\n`);
  const report = await replayRun(builder, run, {
    gate,
    onDivergence: (app, partial, at) => {
      const d = partial.divergence!;
      return gate.diverged(app, { sequenceId: d.sequenceId, action: d.action, inputs: at.inputs, ran: at.ran }, formatReport(partial), { kind: d.kind, key: d.key, message: d.message });
    },
  });
  // A divergence was shown as a stop with the report; a match is said here.
  if (report.status === "match") process.stdout.write(`${formatReport(report)}\n`);
  return report.status === "match" ? 0 : 1;
}

async function rerun(run: RecordedRun, program: string, exportName: string | undefined, stepText: string): Promise<number> {
  const step = Number(stepText);
  if (!/^\d+$/.test(stepText)) throw new ReplayInputError(`--step takes a step number, got "${stepText}"`);
  const builder = await loadProgram(program, exportName);
  const report = await rerunStep(builder, run, step);
  process.stdout.write(`\n${RERUN_PREFIX}${JSON.stringify(report)}\n`);
  return 0;
}

export async function main(argv: readonly string[]): Promise<number> {
  const [mode, ...rest] = argv;
  try {
    if (mode !== "session" && mode !== "rerun") throw new ReplayInputError(`the first argument must be "session" or "rerun", got "${mode ?? ""}"`);
    const opts = options(rest);
    const program = need(opts, "program");
    const run = readTrackedRun(need(opts, "run"), opts.get("tracking-dir"));
    return mode === "session" ? await session(run, program, opts.get("export")) : await rerun(run, program, opts.get("export"), need(opts, "step"));
  } catch (err) {
    if (!(err instanceof ReplayInputError)) throw err;
    process.stderr.write(`burr-ts replay: ${err.message}\n`);
    return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`burr-ts replay: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 2;
  },
);

// "Re-run Step with Current Code" in the adapter: runs the step the session is
// stopped at once more in a fresh process (the program's burr-ts replay runner
// in `rerun` mode), so every module the user edited is loaded anew: tsx keeps
// CommonJS modules in require's cache and ESM imports in a cache no query can
// bust for the modules they import, while a new process has neither. Refuses
// when the edit changed the app's graph, which this session cannot take in.
import { spawn } from "node:child_process";
import { RERUN_PREFIX } from "../../../runtime/src/debug/protocol.js";
import { graphChange } from "../../../runtime/src/graph/change.js";
import type { RerunReport } from "../../../runtime/src/debug/protocol.js";
import type { DebugEngine } from "./engine.js";
import type { ProgramCommand } from "./programCommand.js";
import type { WireValue } from "./source.js";

const RERUN_TIMEOUT_MS = 120_000;

export interface RerunShown {
  /** The frame the "Re-run" scope belongs to (the top one). */
  frameIndex: number;
  scope: WireValue;
  report: RerunReport;
}

const json = (v: unknown): WireValue => (v === undefined ? null : (JSON.parse(JSON.stringify(v)) as WireValue));

function short(v: unknown): string {
  const text = typeof v === "string" ? v : (JSON.stringify(v) ?? "null");
  return text.length > 300 ? `${text.slice(0, 300)}… (${text.length} characters)` : text;
}

function runRerun(command: ProgramCommand, sequenceId: number): Promise<RerunReport> {
  const args = command.replay!.rerunArgs(sequenceId);
  return new Promise<RerunReport>((resolve, reject) => {
    const child = spawn(command.executable, args, { cwd: command.cwd, env: { ...process.env, ...command.env }, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.setEncoding("utf8").on("data", (t: string) => (out += t));
    child.stderr.setEncoding("utf8").on("data", (t: string) => (err += t));
    const timer = setTimeout(() => child.kill("SIGKILL"), RERUN_TIMEOUT_MS);
    child.on("error", (e) => {
      clearTimeout(timer);
      reject(new Error(`could not start ${command.executable} to re-run the step: ${e.message}`));
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      const line = out.split("\n").reverse().find((l) => l.startsWith(RERUN_PREFIX));
      if (code === 0 && line) {
        try {
          return resolve(JSON.parse(line.slice(RERUN_PREFIX.length)) as RerunReport);
        } catch (e) {
          return reject(new Error(`the re-run printed a report that is not JSON: ${(e as Error).message}`));
        }
      }
      const why = err.trim().split("\n").slice(-8).join("\n") || `it exited with ${signal ?? `code ${code}`}`;
      reject(new Error(`Re-running step ${sequenceId} with the current code failed: ${why}`));
    });
  });
}

export async function rerunCurrentStep(engine: DebugEngine, command: ProgramCommand, say: (text: string) => void): Promise<RerunShown> {
  const waiting = engine.waiting;
  if (!waiting) throw new Error(engine.hasEnded ? "the replay has ended: start it again to re-run a step" : "pause the replay first: the step to re-run is the one it is stopped at");
  const { appId, sequenceId, action, index } = waiting.step;
  say(`Re-running step ${sequenceId} (${action}) with the current code…\n`);
  const report = await runRerun(command, sequenceId);
  const graph = engine.apps.get(appId)?.graph;
  const changed = graph ? graphChange(graph, report.graph) : null;
  if (changed) {
    throw new Error(
      `Cannot re-run step ${sequenceId} (${action}) with the current code: the app's graph changed (${changed}). ` +
        "A changed graph cannot be hot-reloaded into this session; restart the debug session to replay the run with the new graph.",
    );
  }
  const { recorded, current, divergence } = report;
  const verdict = divergence === null ? "matches the record" : `differs from the record: ${divergence.message}`;
  const lines = [
    `Re-ran step ${sequenceId} (${action}) with the current code (loaded afresh), on the recorded state before it:`,
    ...(current.action !== recorded.action ? [`  action:  recorded ${recorded.action}  now ${current.action ?? "(none: the app ends)"}`] : []),
    `  result:  recorded ${short(recorded.result)}  now ${short(current.error ?? current.result)}`,
    `  changes: recorded ${short(recorded.changes)}  now ${short(current.changes)}`,
    `  next:    recorded ${recorded.next ?? "(end)"}  now ${current.next ?? "(end)"}`,
    `  ${verdict}`,
  ];
  say(`${lines.join("\n")}\n`);
  const pair = (r: unknown, c: unknown): WireValue => ({ recorded: json(r), current: json(c) });
  const scope: WireValue = {
    verdict,
    result: pair(recorded.result, current.error !== null ? { error: current.error } : current.result),
    changes: pair(recorded.changes, current.changes),
    next: pair(recorded.next, current.next),
    ...(current.action !== recorded.action ? { action: pair(recorded.action, current.action) } : {}),
  };
  return { frameIndex: index, scope, report };
}

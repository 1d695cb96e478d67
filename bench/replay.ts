// Replay (issue 18): replaying a 2,000-turn tracked run of the example
// chatbot beside running the same conversation live with the offline model,
// with the tracker (how the replayed run was recorded) and without; and what
// recording costs per step. Every round runs each subject once, in turn, and
// replays the run recorded in that round; figures are medians over the rounds,
// in wall time and in the process's CPU time (which a shared machine's other
// load inflates less).
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ApplicationBuilder, action, when, type Application } from "burr-ts";
import { chat, chatbotBuilder, humanInput, safetyCheck, unsafeResponse, type ChatState } from "../examples/chatbot/app.js";
import { OfflineModel } from "../examples/chatbot/model.js";
// The built runtime, as `npx burr-ts replay` runs it: the example imports burr-ts (dist), and one copy of the runtime sees state's arrays as its own.
import { readTrackedRun, replayRun, type ReplayableBuilder } from "../runtime/dist/replay/index.js";
import type { BenchFn, BenchSection } from "./types.js";

const TURNS = 2000;
const ROUNDS = 5;
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const prompt = (i: number): string => (i % 10 === 9 ? `something unsafe #${i}` : i % 2 ? `Who was Aaron Burr? (${i})` : `Tell me about the duel (${i})`);

/** The chatbot calling the model directly: no span, nothing recorded for replay. */
function untracedBuilder(): ApplicationBuilder<ChatState> {
  const model = new OfflineModel();
  const aiResponse = action.withState<ChatState>()({ reads: ["chatHistory"], writes: ["response", "chatHistory"] }, async (state) => {
    const content = await model.complete(state.get("chatHistory"));
    return [{ response: content }, state.update({ response: content }).append({ chatHistory: { role: "assistant", content } })];
  });
  return new ApplicationBuilder<ChatState>()
    .withActions({ humanInput, safetyCheck, aiResponse, unsafeResponse })
    .withTransitions(
      ["humanInput", "safetyCheck"],
      ["safetyCheck", "unsafeResponse", when({ safe: false })],
      ["safetyCheck", "aiResponse", when({ safe: true })],
      [["unsafeResponse", "aiResponse"], "humanInput"],
    )
    .withState({ chatHistory: [] })
    .withEntrypoint("humanInput");
}

async function converse(app: Application<ChatState>): Promise<void> {
  for (let i = 0; i < TURNS; i++) await chat(app, prompt(i));
}

interface Sample {
  ms: number;
  cpuMs: number;
}

/**
 * Wall and CPU time of `fn`. No forced gc() between subjects (as in the
 * runtime section): measured on 2026-12-07, one before a subject made it cost
 * more CPU than in its steady state (the minimum of 15: live +40%, replay +95%).
 */
async function timed(fn: () => Promise<void>): Promise<Sample> {
  const cpu = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  await fn();
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  const used = process.cpuUsage(cpu);
  return { ms, cpuMs: (used.user + used.system) / 1000 };
}

const SUBJECTS = ["live", "direct", "recorded", "read", "replay"] as const;
type Subject = (typeof SUBJECTS)[number];

async function measure(): Promise<{ samples: Record<Subject, Sample[]>; steps: number; logMb: number }> {
  const samples = Object.fromEntries(SUBJECTS.map((s) => [s, [] as Sample[]])) as Record<Subject, Sample[]>;
  let steps = 0;
  let logMb = 0;
  // Round 0 warms up (JIT, module loading) and is not counted.
  for (let round = 0; round <= ROUNDS; round++) {
    const dir = mkdtempSync(join(tmpdir(), "burr-bench-replay-"));
    try {
      const tracked = (b: ApplicationBuilder<ChatState>, appId: string) => b.withIdentifiers({ appId }).withTracker("local", { project: "bench", storageDir: dir, compact: true }).withDebugGate(null).build();
      const live = await timed(() => converse(chatbotBuilder({ model: new OfflineModel() }).withDebugGate(null).build()));
      const direct = await timed(() => converse(tracked(untracedBuilder(), "direct")));
      const app = tracked(chatbotBuilder({ model: new OfflineModel() }), "long");
      const recorded = await timed(() => converse(app));
      const runDir = join(dir, "bench", "long");
      steps = app.sequenceId! + 1;
      logMb = statSync(join(runDir, "log.jsonl")).size / 1e6;
      const got: { run?: ReturnType<typeof readTrackedRun>; report?: Awaited<ReturnType<typeof replayRun>> } = {};
      const read = await timed(async () => {
        got.run = readTrackedRun(runDir);
      });
      const rerun = await timed(async () => {
        got.report = await replayRun(chatbotBuilder() as unknown as ReplayableBuilder, got.run!);
      });
      if (got.report!.status !== "match") throw new Error(`bench replay diverged: ${JSON.stringify(got.report!.divergence)}`);
      if (round === 0) continue;
      samples.live.push(live);
      samples.direct.push(direct);
      samples.recorded.push(recorded);
      samples.read.push(read);
      samples.replay.push({ ms: read.ms + rerun.ms, cpuMs: read.cpuMs + rerun.cpuMs });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  return { samples, steps, logMb };
}

export const bench: BenchFn = async () => {
  const { samples, steps, logMb } = await measure();
  const m = (s: Subject) => median(samples[s].map((x) => x.ms));
  const cpu = (s: Subject) => median(samples[s].map((x) => x.cpuMs));
  const row = (subject: string, s: Subject) => ({ subject, figures: { "total ms": m(s), "CPU ms": cpu(s), "µs/step": (m(s) * 1000) / steps } });
  const vs = (s: Subject) => `${(m("replay") / m(s)).toFixed(2)} (CPU ${(cpu("replay") / cpu(s)).toFixed(2)})`;
  const perStep = (s: Subject) => (m(s) * 1000) / steps;
  const replay: BenchSection = {
    title: "replay: a 2,000-turn tracked run",
    workload: `The example chatbot, ${TURNS} turns (${steps} steps, every tenth prompt unsafe), tracked in the compact form (${logMb.toFixed(1)} MB of log; long traced-call arguments kept as a digest); each round runs every subject in turn and replays the run it recorded; median of ${ROUNDS} rounds.`,
    rows: [
      row("live, no tracker (offline model)", "live"),
      row("live with the tracker (the recording replayed)", "recorded"),
      row("replay (read the log + re-run + compare)", "replay"),
      row("  of which reading the log", "read"),
    ],
    notes: [
      `target: replay at least as fast as the live run it replays (with the tracker): in wall time ${m("replay") <= m("recorded") ? "met" : "NOT met"}, in CPU time ${cpu("replay") <= cpu("recorded") ? "met" : "NOT met"}; replay/live = ${vs("recorded")}`,
      `against the live run without a tracker: replay/live = ${vs("live")}; reading the log alone is ${(m("read") / m("live")).toFixed(2)}x that run`,
    ],
  };
  const recording: BenchSection = {
    title: "replay: recording's per-step cost",
    workload: `The same ${TURNS}-turn rounds: the chatbot without a tracker, with the local tracker (compact) and its model called directly, and with the tracker and its model called through trace() (span, arguments' digest and result recorded).`,
    rows: [
      { subject: "no tracker (trace() records nothing)", figures: { "µs/step": perStep("live"), "CPU µs/step": (cpu("live") * 1000) / steps } },
      { subject: "tracker, model called directly", figures: { "µs/step": perStep("direct"), "CPU µs/step": (cpu("direct") * 1000) / steps } },
      { subject: "tracker, model through trace() (recorded)", figures: { "µs/step": perStep("recorded"), "CPU µs/step": (cpu("recorded") * 1000) / steps } },
    ],
    notes: [
      `recording costs ${(perStep("recorded") - perStep("live")).toFixed(1)} µs per step over the untracked run (${((m("recorded") / m("live") - 1) * 100).toFixed(0)}%), of which the traced call's span, digest and result ${(perStep("recorded") - perStep("direct")).toFixed(1)} µs (the model is called in 9 turns of 10)`,
    ],
  };
  return [replay, recording];
};

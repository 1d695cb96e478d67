// Replay (issue 18): replaying a 2,000-turn tracked run of the example
// chatbot beside running the same conversation live with the offline model,
// and what recording costs per step (the chatbot with its traced model call
// beside the same model called directly), both tracked in the compact form.
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
const COST_TURNS = 300;
const ROUNDS = 5;
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const prompt = (i: number): string => (i % 10 === 9 ? `something unsafe #${i}` : i % 2 ? `Who was Aaron Burr? (${i})` : `Tell me about the duel (${i})`);
const ms = (start: bigint): number => Number(process.hrtime.bigint() - start) / 1e6;

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

async function converse(app: Application<ChatState>, turns: number): Promise<void> {
  for (let i = 0; i < turns; i++) await chat(app, prompt(i));
}

async function replayVsLive(): Promise<BenchSection> {
  const dir = mkdtempSync(join(tmpdir(), "burr-bench-replay-"));
  try {
    const recordStart = process.hrtime.bigint();
    const recorded = chatbotBuilder({ model: new OfflineModel(), appId: "long" }).withTracker("local", { project: "bench", storageDir: dir, compact: true }).withDebugGate(null).build();
    await converse(recorded, TURNS);
    const recordMs = ms(recordStart);
    const runDir = join(dir, "bench", "long");
    const steps = recorded.sequenceId! + 1;
    const logMb = statSync(join(runDir, "log.jsonl")).size / 1e6;
    const live: number[] = [];
    const replay: number[] = [];
    const readOnly: number[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      const l0 = process.hrtime.bigint();
      await converse(chatbotBuilder({ model: new OfflineModel() }).withDebugGate(null).build(), TURNS);
      live.push(ms(l0));
      const r0 = process.hrtime.bigint();
      const run = readTrackedRun(runDir);
      readOnly.push(ms(r0));
      const report = await replayRun(chatbotBuilder() as unknown as ReplayableBuilder, run);
      replay.push(ms(r0));
      if (report.status !== "match") throw new Error(`bench replay diverged: ${JSON.stringify(report.divergence)}`);
    }
    const liveMs = median(live);
    const replayMs = median(replay);
    return {
      title: "replay: a 2,000-turn tracked run",
      workload: `The example chatbot, ${TURNS} turns (${steps} steps, every tenth prompt unsafe), tracked in the compact form (${logMb.toFixed(1)} MB of log; long traced-call arguments kept as a digest); median of ${ROUNDS}.`,
      rows: [
        { subject: "live (offline model, no tracker)", figures: { "total ms": liveMs, "µs/step": (liveMs * 1000) / steps } },
        { subject: "replay (read the log + re-run + compare)", figures: { "total ms": replayMs, "µs/step": (replayMs * 1000) / steps } },
        { subject: "  of which reading the log", figures: { "total ms": median(readOnly), "µs/step": (median(readOnly) * 1000) / steps } },
        { subject: "recording it (live + tracker)", figures: { "total ms": recordMs, "µs/step": (recordMs * 1000) / steps } },
      ],
      notes: [
        `target: replay at least as fast as running live: ${replayMs <= liveMs ? "met" : "NOT met"} (replay/live = ${(replayMs / liveMs).toFixed(2)})`,
        "replay checks each traced call's arguments against the recorded digest (tracking/argsDigest.ts): a frozen chat history one turn longer continues the last one's hash",
      ],
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function recordingCost(): Promise<BenchSection> {
  const rows: { subject: string; figures: Record<string, number> }[] = [];
  const subjects: [string, () => ApplicationBuilder<ChatState>][] = [
    ["model called directly", untracedBuilder],
    ["model called through trace() (recorded)", () => chatbotBuilder({ model: new OfflineModel() })],
  ];
  const results = new Map<string, number>();
  for (const [name, make] of subjects) {
    const samples: number[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      const dir = mkdtempSync(join(tmpdir(), "burr-bench-rec-"));
      try {
        const app = make().withTracker("local", { project: "bench", storageDir: dir, compact: true }).withDebugGate(null).build();
        const t0 = process.hrtime.bigint();
        await converse(app, COST_TURNS);
        samples.push((ms(t0) * 1000) / (app.sequenceId! + 1));
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
    results.set(name, median(samples));
    rows.push({ subject: name, figures: { "µs/step": median(samples) } });
  }
  const [direct, traced] = [...results.values()];
  return {
    title: "replay: recording's per-step cost",
    workload: `The example chatbot with the local tracker (compact), ${COST_TURNS} turns, median of ${ROUNDS}: its model call through trace() (span + arguments + result recorded) beside the same model called directly.`,
    rows,
    notes: [`recording adds ${(traced - direct).toFixed(1)} µs per step on average (${((traced / direct - 1) * 100).toFixed(0)}%), the span, the digest of the arguments and the recorded result`],
  };
}

export const bench: BenchFn = async () => [await replayVsLive(), await recordingCost()];

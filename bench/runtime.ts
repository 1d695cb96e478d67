// Runtime benchmark: the chatbot workload (2,000 turns, 2 steps each) on
// burr-ts beside a plain JavaScript loop, XState v5 and LangGraph.js, plus a
// micro-benchmark of State.append at two history lengths.
//
// Each subject runs in its own child process, runs interleaved across
// subjects: a warm-up round, then 5 measured rounds; figures are medians.
import { fork, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import type { BenchFn, BenchRow, BenchSection } from "./types.js";

// This file, for forking children (tsx loads it as CommonJS: the repository root is not ESM).
const THIS_FILE = typeof __filename === "string" ? __filename : join(process.cwd(), "bench", "runtime.ts");
const TURNS = 2000;
const RUNS = 5;
// Warm-up before measuring, per subject: a short run, then full runs until
// WARMUP_RUNS runs or WARMUP_MS have passed (the JIT's tiers settle over several
// runs, and slow subjects must not take minutes).
const WARMUP_RUNS = 6;
const WARMUP_MS = 3000;
const WARMUP_FIRST_TURNS = 500;
const CHECKPOINTS = [100, 1000, 2000];
// µs/step "at turn N" is the mean over the WINDOW turns ending at N (one turn is too short to time alone).
const WINDOW = 50;
const SUBJECTS = ["burr-ts", "plain JS loop", "XState v5", "LangGraph.js"] as const;
type Subject = (typeof SUBJECTS)[number];

type Message = { role: string; content: string };
const REPLY = "Aaron Burr was the third Vice President of the United States.";
const promptFor = (turn: number) => `Tell me about turn ${turn}`;

/** Wall time of each turn (ns), and the process's CPU time (µs) over the run. */
interface Timing {
  wall: Float64Array;
  cpuMicros: number;
}

/** Runs the workload once for `turns` turns (the full TURNS unless warming up). */
type Workload = (turns: number) => Promise<{ timing: Timing; historyLength: number }>;

async function timeTurns(turns: number, turn: (i: number) => unknown): Promise<Timing> {
  const wall = new Float64Array(turns);
  const cpuStart = process.cpuUsage();
  for (let i = 0; i < turns; i++) {
    const start = process.hrtime.bigint();
    const pending = turn(i);
    if (pending instanceof Promise) await pending;
    wall[i] = Number(process.hrtime.bigint() - start);
  }
  const cpu = process.cpuUsage(cpuStart);
  return { wall, cpuMicros: cpu.user + cpu.system };
}

async function burrWorkload(): Promise<Workload> {
  const { ApplicationBuilder, action } = await import("burr-ts");
  const humanInput = action({ writes: ["prompt", "chatHistory"], inputs: ["prompt"] }, (state, { prompt }: { prompt: string }) => {
    const next = state.update({ prompt }).append({ chatHistory: { role: "user", content: prompt } });
    return [{ prompt }, next] as const;
  });
  const aiResponse = action({ reads: ["prompt"], writes: ["response", "chatHistory"] }, (state) => {
    const next = state.update({ response: REPLY }).append({ chatHistory: { role: "assistant", content: REPLY } });
    return [{ response: REPLY }, next] as const;
  });
  return async (turns) => {
    const app = new ApplicationBuilder()
      .withActions({ humanInput, aiResponse })
      .withTransitions(["humanInput", "aiResponse"], ["aiResponse", "humanInput"])
      .withState({ chatHistory: [] })
      .withEntrypoint("humanInput")
      .build();
    const timing = await timeTurns(turns, (i) => app.run({ haltAfter: ["aiResponse"], inputs: { prompt: promptFor(i) } }));
    return { timing, historyLength: (app.state.get("chatHistory") as readonly unknown[]).length };
  };
}

async function plainWorkload(): Promise<Workload> {
  type S = { chatHistory: Message[]; prompt: string; response: string };
  const humanInput = (s: S, prompt: string): S => ({ ...s, prompt, chatHistory: [...s.chatHistory, { role: "user", content: prompt }] });
  const aiResponse = (s: S): S => ({ ...s, response: REPLY, chatHistory: [...s.chatHistory, { role: "assistant", content: REPLY }] });
  return async (turns) => {
    let s: S = { chatHistory: [], prompt: "", response: "" };
    const timing = await timeTurns(turns, (i) => {
      s = aiResponse(humanInput(s, promptFor(i)));
    });
    return { timing, historyLength: s.chatHistory.length };
  };
}

async function xstateWorkload(): Promise<Workload> {
  const { assign, createActor, setup } = await import("xstate");
  type Ctx = { chatHistory: Message[]; prompt: string; response: string };
  const machine = setup({ types: { context: {} as Ctx, events: {} as { type: "prompt"; prompt: string } } }).createMachine({
    context: { chatHistory: [], prompt: "", response: "" },
    initial: "waiting",
    states: {
      waiting: {
        on: {
          prompt: {
            target: "aiResponse",
            // humanInput
            actions: assign(({ context, event }) => ({
              prompt: event.prompt,
              chatHistory: [...context.chatHistory, { role: "user", content: event.prompt }],
            })),
          },
        },
      },
      aiResponse: {
        always: {
          target: "waiting",
          actions: assign(({ context }) => ({
            response: REPLY,
            chatHistory: [...context.chatHistory, { role: "assistant", content: REPLY }],
          })),
        },
      },
    },
  });
  return async (turns) => {
    const actor = createActor(machine).start();
    const timing = await timeTurns(turns, (i) => actor.send({ type: "prompt", prompt: promptFor(i) }));
    const length = actor.getSnapshot().context.chatHistory.length;
    actor.stop();
    return { timing, historyLength: length };
  };
}

async function langGraphWorkload(): Promise<Workload> {
  const { Annotation, END, START, StateGraph } = await import("@langchain/langgraph");
  const Chat = Annotation.Root({
    chatHistory: Annotation<Message[]>({ reducer: (a, b) => a.concat(b), default: () => [] }),
    prompt: Annotation<string>(),
    response: Annotation<string>(),
  });
  const graph = new StateGraph(Chat)
    .addNode("humanInput", (s: typeof Chat.State) => ({ chatHistory: [{ role: "user", content: s.prompt }] }))
    .addNode("aiResponse", () => ({ response: REPLY, chatHistory: [{ role: "assistant", content: REPLY }] }))
    .addEdge(START, "humanInput")
    .addEdge("humanInput", "aiResponse")
    .addEdge("aiResponse", END)
    .compile();
  return async (turns) => {
    let history: Message[] = [];
    const timing = await timeTurns(turns, async (i) => {
      const out = await graph.invoke({ chatHistory: history, prompt: promptFor(i) });
      history = out.chatHistory;
    });
    return { timing, historyLength: history.length };
  };
}

const WORKLOADS: Record<Subject, () => Promise<Workload>> = {
  "burr-ts": burrWorkload,
  "plain JS loop": plainWorkload,
  "XState v5": xstateWorkload,
  "LangGraph.js": langGraphWorkload,
};

/** Figures of one run, or medians over runs: µs/step overall, typical µs/step near each checkpoint, CPU µs/step overall. */
interface RunFigures {
  perStep: number;
  atTurn: Record<number, number>;
  cpuPerStep: number;
}

interface SubjectFigures extends RunFigures {
  peakRssMb: number;
}

type ChildMessage = { ready?: boolean; run?: RunFigures; peakRssMb?: number; error?: string };

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/** In a child process: build the subject's workload, then run it whenever the parent asks. */
async function serveSubject(subject: Subject): Promise<void> {
  const workload = await WORKLOADS[subject]();
  const reply = (message: ChildMessage) => process.send?.(message);
  const measure = async (turns: number): Promise<RunFigures> => {
    // No forced gc() between runs: it resets V8's feedback and keeps burr-ts (and any JIT-heavy code) from its steady state.
    const { timing, historyLength } = await workload(turns);
    if (historyLength !== turns * 2) throw new Error(`history has ${historyLength} messages, expected ${turns * 2}`);
    const cpuPerStep = timing.cpuMicros / (turns * 2);
    // The typical turn near N: the median turn of the window, so one preempted turn does not skew it.
    const typicalAt = (turn: number) => median(Array.from(timing.wall.subarray(turn - WINDOW, turn))) / 2 / 1000;
    const atTurn = Object.fromEntries(CHECKPOINTS.filter((turn) => turn <= turns).map((turn) => [turn, typicalAt(turn)]));
    const perStep = timing.wall.reduce((a, b) => a + b, 0) / (turns * 2) / 1000;
    return { perStep, atTurn, cpuPerStep };
  };
  const warmUp = async (): Promise<RunFigures> => {
    const deadline = Date.now() + WARMUP_MS;
    let last = await measure(WARMUP_FIRST_TURNS);
    for (let runs = 1; runs < WARMUP_RUNS && Date.now() < deadline; runs++) last = await measure(TURNS);
    return last;
  };
  process.on("message", (message: { command: "warmup" | "run" | "finish" }) => {
    if (message.command === "finish") {
      process.send?.({ peakRssMb: process.resourceUsage().maxRSS / 1024 }, () => process.disconnect());
      return;
    }
    (message.command === "warmup" ? warmUp() : measure(TURNS))
      .then((run) => reply({ run }))
      .catch((error: unknown) => reply({ error: (error as Error).stack ?? String(error) }));
  });
  reply({ ready: true });
}

/** The parent's handle on one child process: ask it for a run, or finish and get its peak RSS. */
class SubjectProcess {
  private readonly child: ChildProcess;
  private waiting: { resolve: (m: ChildMessage) => void; reject: (e: Error) => void } | null = null;
  private readonly ready: Promise<ChildMessage>;

  constructor(readonly subject: Subject) {
    this.child = fork(THIS_FILE, [], {
      env: { ...process.env, BURR_BENCH_RUNTIME_SUBJECT: subject },
      execArgv: process.execArgv,
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    this.ready = this.next();
    this.child.on("message", (message: ChildMessage) => {
      const waiting = this.waiting;
      this.waiting = null;
      if (message.error) waiting?.reject(new Error(message.error));
      else waiting?.resolve(message);
    });
    this.child.on("exit", (code) => this.waiting?.reject(new Error(`child process exited with code ${code}`)));
  }

  async run(command: "warmup" | "run"): Promise<RunFigures> {
    await this.ready;
    const reply = this.next();
    this.child.send({ command });
    return (await reply).run as RunFigures;
  }

  async finish(): Promise<number> {
    const reply = this.next();
    this.child.send({ command: "finish" });
    return (await reply).peakRssMb as number;
  }

  kill(): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill();
  }

  private next(): Promise<ChildMessage> {
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject };
    });
  }
}

/**
 * Every subject in its own process (so its peak RSS is its own), interleaved
 * run by run: warm-up rounds, then RUNS measured rounds, so load from
 * elsewhere on the machine falls on all subjects alike.
 */
async function measureAll(notes: string[]): Promise<Map<Subject, SubjectFigures>> {
  const processes = SUBJECTS.map((subject) => new SubjectProcess(subject));
  const runs = new Map<Subject, RunFigures[]>(SUBJECTS.map((s) => [s, []]));
  const failed = new Set<Subject>();
  try {
    for (let round = -1; round < RUNS; round++) {
      for (const proc of processes) {
        if (failed.has(proc.subject)) continue;
        try {
          const figures = await proc.run(round < 0 ? "warmup" : "run");
          if (round >= 0) runs.get(proc.subject)?.push(figures);
        } catch (error) {
          failed.add(proc.subject);
          notes.push(`${proc.subject} failed: ${(error as Error).message}`);
          proc.kill();
        }
      }
    }
    const results = new Map<Subject, SubjectFigures>();
    for (const proc of processes) {
      if (failed.has(proc.subject)) continue;
      const list = runs.get(proc.subject) as RunFigures[];
      results.set(proc.subject, {
        perStep: median(list.map((r) => r.perStep)),
        atTurn: Object.fromEntries(CHECKPOINTS.map((turn) => [turn, median(list.map((r) => r.atTurn[turn]))])),
        cpuPerStep: median(list.map((r) => r.cpuPerStep)),
        peakRssMb: await proc.finish(),
      });
    }
    return results;
  } finally {
    for (const proc of processes) proc.kill();
  }
}

/** ns per State.append at a given starting history length, and the same with array spread. */
async function appendMicroBench(): Promise<BenchRow[]> {
  const { State } = await import("burr-ts");
  const APPENDS = 2000;
  const rows: BenchRow[] = [];
  const sample = (run: () => void) => {
    const times: number[] = [];
    for (let r = 0; r < 7; r++) {
      const start = process.hrtime.bigint();
      run();
      times.push(Number(process.hrtime.bigint() - start) / APPENDS / 1000);
    }
    return median(times.slice(2));
  };
  for (const size of [100, 10_000]) {
    const initial = Array.from({ length: size }, (_, i) => ({ role: "user", content: `m${i}` }));
    const base = new State({ chatHistory: initial });
    const state = sample(() => {
      let s = base;
      for (let i = 0; i < APPENDS; i++) s = s.append({ chatHistory: { role: "user", content: "x" } });
    });
    const spread = sample(() => {
      let h: Message[] = initial;
      for (let i = 0; i < APPENDS; i++) h = [...h, { role: "user", content: "x" }];
    });
    rows.push({ subject: `State.append, history ${size.toLocaleString("en-US")}`, figures: { "µs/step": state } });
    rows.push({ subject: `array spread, history ${size.toLocaleString("en-US")}`, figures: { "µs/step": spread } });
  }
  return rows;
}

export const bench: BenchFn = async (): Promise<BenchSection> => {
  const notes: string[] = [];
  const results = await measureAll(notes);
  const rows: BenchRow[] = SUBJECTS.filter((s) => results.has(s)).map((subject) => {
    const f = results.get(subject) as SubjectFigures;
    return {
      subject,
      figures: {
        "µs/step": f.perStep,
        ...Object.fromEntries(CHECKPOINTS.map((turn) => [`turn ${turn.toLocaleString("en-US")}`, f.atTurn[turn]])),
        "CPU µs/step": f.cpuPerStep,
        "peak RSS MB": f.peakRssMb,
      },
    };
  });
  rows.push(...(await appendMicroBench()));
  const burr = results.get("burr-ts");
  const plain = results.get("plain JS loop");
  const langGraph = results.get("LangGraph.js");
  if (burr && plain) {
    notes.push(`target burr-ts ≤ plain loop µs/step: ${burr.perStep.toFixed(2)} vs ${plain.perStep.toFixed(2)} → ${burr.perStep <= plain.perStep ? "met" : "NOT met"}`);
  }
  if (burr) {
    const ratio = burr.atTurn[2000] / burr.atTurn[100];
    notes.push(`target flat (turn 2,000 within 1.5x of turn 100): ${ratio.toFixed(2)}x → ${ratio <= 1.5 ? "met" : "NOT met"}`);
  }
  if (burr && langGraph) {
    const ratio = langGraph.perStep / burr.perStep;
    notes.push(`target ≥100x faster than LangGraph.js: ${ratio.toFixed(0)}x → ${ratio >= 100 ? "met" : "NOT met"}`);
  }
  notes.push(
    `µs/step: elapsed time per step over the whole run; "turn N": µs/step of the median turn among the ${WINDOW} turns ending at turn N; ` +
      `"CPU µs/step": process CPU time (all threads, incl. GC and JIT) per step. Medians of ${RUNS} runs after warm-up (up to ${WARMUP_RUNS} runs or ${WARMUP_MS / 1000} s per subject), ` +
      `interleaved across subjects, each subject in its own process (peak RSS includes Node itself).`,
  );
  notes.push("State.append rows: µs per append of 2,000 appends starting at that history length, beside [...history, item].");
  return {
    title: "runtime",
    workload: `Chatbot: ${TURNS.toLocaleString("en-US")} turns (${(TURNS * 2).toLocaleString("en-US")} steps: humanInput appends the user message and sets prompt, aiResponse appends a canned reply and sets response), one run(haltAfter: ["aiResponse"]) per turn, no network.`,
    rows,
    notes,
  };
};

// Child mode: serve one subject to the parent. (No top-level await: the
// repository root is CommonJS, so tsx loads this file as CJS.)
const childSubject = process.env.BURR_BENCH_RUNTIME_SUBJECT as Subject | undefined;
if (childSubject && process.send) {
  serveSubject(childSubject).catch((error: unknown) => {
    process.send?.({ error: (error as Error).stack ?? String(error) });
    process.disconnect();
  });
}

// Action decorators cost what function actions cost: per step at run time
// (the chatbot workload, function actions beside the same methods declared
// with @action on a class), and per keystroke in the language server (a
// ~2,000-line file of decorated classes beside the same actions as functions).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { ApplicationBuilder, State, action, actionsOf, type Application } from "burr-ts";
import { ensureServerBuilt, LspClient } from "../test/server/support/client.js";
import { largeAppSource } from "../test/server/support/workload.js";
import type { BenchFn, BenchSection } from "./types.js";

const TURNS = 2000;
const ROUNDS = 7;
const EDITS = 10;
const REPLY = "Aaron Burr was the third Vice President of the United States.";
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const humanInput = action({ writes: ["prompt", "chatHistory"], inputs: ["prompt"] }, (state, { prompt }: { prompt: string }) => {
  return [{ prompt }, state.update({ prompt }).append({ chatHistory: { role: "user", content: prompt } })] as const;
});
const aiResponse = action({ reads: ["prompt"], writes: ["response", "chatHistory"] }, (state) => {
  return [{ response: REPLY }, state.update({ response: REPLY }).append({ chatHistory: { role: "assistant", content: REPLY } })] as const;
});

class Chatbot {
  constructor(private readonly reply: string) {}
  @action({ writes: ["prompt", "chatHistory"], inputs: ["prompt"] })
  humanInput(state: State, { prompt }: { prompt: string }) {
    return [{ prompt }, state.update({ prompt }).append({ chatHistory: { role: "user", content: prompt } })] as const;
  }
  @action({ reads: ["prompt"], writes: ["response", "chatHistory"] })
  aiResponse(state: State) {
    return [{ response: this.reply }, state.update({ response: this.reply }).append({ chatHistory: { role: "assistant", content: this.reply } })] as const;
  }
}

function app(actions: Record<string, ReturnType<typeof actionsOf>[string]>): Application {
  return new ApplicationBuilder()
    .withActions(actions)
    .withTransitions(["humanInput", "aiResponse"], ["aiResponse", "humanInput"])
    .withState({ chatHistory: [] })
    .withEntrypoint("humanInput")
    .withDebugGate(null)
    .build();
}

/** µs per step over TURNS turns of two steps each. */
async function perStep(make: () => Application): Promise<number> {
  const a = make();
  const start = process.hrtime.bigint();
  for (let i = 0; i < TURNS; i++) await a.run({ haltAfter: ["aiResponse"], inputs: { prompt: `turn ${i}` } });
  return Number(process.hrtime.bigint() - start) / (TURNS * 2) / 1000;
}

async function runtime(): Promise<BenchSection> {
  const subjects: [string, () => Application][] = [
    ["function actions (action(spec, fn))", () => app({ humanInput, aiResponse })],
    ["decorated methods (@action + actionsOf)", () => app(actionsOf(new Chatbot(REPLY)))],
  ];
  const figures = new Map<string, number[]>(subjects.map(([s]) => [s, []]));
  // A warm-up round, then rounds interleaved so load elsewhere falls on both alike.
  for (let round = -1; round < ROUNDS; round++) {
    for (const [subject, make] of subjects) {
      const us = await perStep(make);
      if (round >= 0) figures.get(subject)!.push(us);
    }
  }
  const [fn, decorated] = subjects.map(([s]) => median(figures.get(s)!)) as [number, number];
  return {
    title: "decorators: run time per step",
    workload: `The chatbot workload (${TURNS.toLocaleString("en-US")} turns of humanInput → aiResponse, run() per turn), the same actions as functions and as @action methods of a class; median of ${ROUNDS} interleaved rounds after a warm-up, in one process.`,
    rows: subjects.map(([subject]) => ({ subject, figures: { "µs/step": median(figures.get(subject)!) } })),
    notes: [`decorated / function: ${(decorated / fn).toFixed(2)}× (a decorated action is a FunctionAction calling the bound method: the same step path)`],
  };
}

/** The same 50 actions as largeAppSource, as methods of 5 decorated classes, and an app spreading their actionsOf. */
export function largeDecoratedSource(actions: number, lines: number): string {
  const classes = 5;
  const perClass = Math.ceil(actions / classes);
  const out = [`import { action, actionsOf, ApplicationBuilder, expr, type State } from "burr-ts";`, ""];
  const bodyLines = Math.max(0, Math.floor((lines - 2 - (actions + 8) - classes * 3) / actions) - 7);
  for (let c = 0; c < classes; c++) {
    out.push(`export class Steps${c} {`);
    for (let i = c * perClass; i < Math.min(actions, (c + 1) * perClass); i++) {
      out.push(`  @action({ reads: ["k${i}", "count"], writes: ["k${(i + 1) % actions}", "count"] })`);
      out.push(`  step${i}(state: State) {`);
      out.push(`    const value = state.get("k${i}");`);
      for (let j = 0; j < bodyLines; j++) out.push(`    const t${j} = String(value).length + ${j}; // padding ${j}`);
      out.push(`    const count = state.get("count") + 1;`);
      out.push(`    return [{ value }, state.update({ k${(i + 1) % actions}: value, count })] as const;`);
      out.push(`  }`, "");
    }
    out.push(`}`, "");
  }
  out.push(`const app = new ApplicationBuilder()`);
  out.push(`  .withActions({ ${Array.from({ length: classes }, (_, c) => `...actionsOf(new Steps${c}())`).join(", ")} })`);
  out.push(`  .withTransitions(`);
  for (let i = 0; i < actions; i++) out.push(`    ["step${i}", "step${(i + 1) % actions}", expr("count < 1000")],`);
  out.push(`  )`);
  out.push(`  .withState({ ${Array.from({ length: actions }, (_, i) => `k${i}: ${i}`).join(", ")}, count: 0 })`);
  out.push(`  .withEntrypoint("step0")`);
  out.push(`  .build();`);
  return out.join("\n") + "\n";
}

/** Nanoseconds the process has spent on a CPU (/proc/<pid>/schedstat): a figure the machine's load does not inflate. */
function cpuNs(pid: number): number {
  try {
    return Number(readFileSync(`/proc/${pid}/schedstat`, "utf8").split(" ")[0]);
  } catch {
    return NaN;
  }
}

/** Median ms from an edit (every other one adds an undeclared read in a body) to its diagnostics, over real LSP. */
async function editToDiagnostics(source: string): Promise<{ median: number; cpu: number; lines: number }> {
  const dir = mkdtempSync(join(tmpdir(), "burr-bench-decorators-"));
  const path = join(dir, "app.ts");
  const uri = pathToFileURL(path).href;
  writeFileSync(path, source);
  const client = await LspClient.start(dir);
  try {
    const first = await client.open(uri, source);
    if (first.length !== 0) throw new Error(`the generated app should check clean, got: ${first.map((d) => d.message).join("; ")}`);
    const latencies: number[] = [];
    const cpu: number[] = [];
    const pid = client.child.pid!;
    for (let i = 0; i < EDITS; i++) {
      const n = (Math.floor(i / 2) * 7) % 50;
      const needle = `state.get("k${n}");`;
      const at = source.indexOf(needle) + needle.indexOf("k");
      const before = source.slice(0, at).split("\n");
      const pos = { line: before.length - 1, character: before[before.length - 1]!.length };
      // Even edits rename the key to a typo; odd ones put it back.
      const [from, to] = i % 2 === 0 ? [`k${n}`, `typo${n}`] : [`typo${n}`, `k${n}`];
      const cpuBefore = cpuNs(pid);
      const started = performance.now();
      const diagnostics = await client.edit(uri, { start: pos, end: { line: pos.line, character: pos.character + from.length } }, to, i + 2);
      latencies.push(performance.now() - started);
      cpu.push((cpuNs(pid) - cpuBefore) / 1e6);
      const expected = i % 2 === 0 ? 1 : 0;
      if (diagnostics.length !== expected) throw new Error(`edit ${i}: expected ${expected} diagnostics, got ${diagnostics.map((d) => d.message).join("; ")}`);
    }
    return { median: median(latencies), cpu: median(cpu), lines: source.split("\n").length - 1 };
  } finally {
    await client.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function languageServer(): Promise<BenchSection> {
  await ensureServerBuilt();
  const decorated = await editToDiagnostics(largeDecoratedSource(50, 2000));
  const functions = await editToDiagnostics(largeAppSource(50, 2000));
  return {
    title: "decorators: language server didChange → diagnostics",
    workload: `A generated ${decorated.lines.toLocaleString("en-US")}-line file of 5 classes with 50 @action methods and an app spreading actionsOf of each, beside the ${functions.lines.toLocaleString("en-US")}-line file of the same 50 actions as action(spec, fn); ${EDITS} incremental edits in method bodies (an undeclared read appears, then goes). Real LSP over stdio against dist/server.js.`,
    rows: [
      { subject: "decorated classes", figures: { "median ms": decorated.median, "server CPU ms (median)": decorated.cpu } },
      { subject: "function actions (same actions)", figures: { "median ms": functions.median, "server CPU ms (median)": functions.cpu } },
    ],
    notes: [
      `target ≤ 50 ms median: ${decorated.median <= 50 ? "met" : "NOT met"} (${decorated.median.toFixed(1)} ms)`,
      `machine load average during the run: ${loadavg()[0]!.toFixed(1)} on ${cpus().length} cores (wall-clock figures include waiting for a core; server CPU ms do not)`,
    ],
  };
}

export const bench: BenchFn = async () => [await runtime(), await languageServer()];

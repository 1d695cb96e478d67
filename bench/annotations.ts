// Annotations (issue 17): annotating adds no cost to a running app. The
// example chatbot, tracked in the default compact form, runs the same
// conversation with and without another process annotating its steps in a
// loop (as the editor or `burr-ts ui` would); plus what one annotate call
// costs as the project's annotations.jsonl grows.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { TrackingReader, annotationsPath, formatAnnotation, type Annotation } from "burr-ts";
import { chat, chatbotBuilder } from "../examples/chatbot/app.js";
import { OfflineModel } from "../examples/chatbot/model.js";
import type { BenchFn, BenchSection } from "./types.js";

const TURNS = 300;
const ROUNDS = 5;
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const prompt = (i: number): string => (i % 10 === 9 ? `something unsafe #${i}` : `Who was Aaron Burr? (${i})`);

/** Another process annotating steps of `appId` until killed; resolves once it has written its first annotation. */
function startAnnotator(storageDir: string, appId: string): Promise<ChildProcess> {
  const runtime = pathToFileURL(require.resolve("burr-ts")).href;
  const code = `
    const { TrackingReader } = await import(${JSON.stringify(runtime)});
    const reader = new TrackingReader(${JSON.stringify(storageDir)});
    for (let i = 0; ; i++) {
      await reader.annotate("bench", { appId: ${JSON.stringify(appId)}, partitionKey: null, stepSequenceId: i % 50, stepName: "aiResponse",
        tags: ["bench"], observations: [{ data_fields: { note: "n" + i }, thumbs_up_thumbs_down: i % 2 === 0, data_pointers: [] }] });
      if (i === 0) process.stdout.write("ready\\n");
    }`;
  const child = spawn(process.execPath, ["--input-type=module", "-e", code], { stdio: ["ignore", "pipe", "inherit"] });
  return new Promise((resolve, reject) => {
    child.stdout!.once("data", () => resolve(child));
    child.once("exit", (c) => reject(new Error(`annotator exited with ${c}`)));
  });
}

/** Wall time and this process's CPU time per step (CPU time does not count the other process's share of the machine). */
async function conversation(storageDir: string, appId: string): Promise<{ wall: number; cpu: number }> {
  const app = chatbotBuilder({ model: new OfflineModel(), appId }).withTracker("local", { project: "bench", storageDir }).withDebugGate(null).build();
  const start = process.hrtime.bigint();
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < TURNS; i++) await chat(app, prompt(i));
  const cpu = process.cpuUsage(cpu0);
  const steps = app.sequenceId! + 1;
  return { wall: Number(process.hrtime.bigint() - start) / 1e3 / steps, cpu: (cpu.user + cpu.system) / steps };
}

async function stepCost(): Promise<BenchSection> {
  const dir = mkdtempSync(join(tmpdir(), "burr-bench-annot-"));
  try {
    const quiet: Array<{ wall: number; cpu: number }> = [];
    const busy: Array<{ wall: number; cpu: number }> = [];
    let written = 0;
    await conversation(dir, "warm-up"); // JIT and file cache, not measured
    const withAnnotator = async (r: number) => {
      const child = await startAnnotator(dir, `busy-${r}`);
      const before = (await new TrackingReader(dir).listAnnotations("bench")).length;
      busy.push(await conversation(dir, `busy-${r}`));
      child.kill();
      await new Promise((res) => child.once("exit", res));
      written += (await new TrackingReader(dir).listAnnotations("bench")).length - before;
    };
    // Alternate which goes first, so a drift in the machine's load falls on both.
    for (let r = 0; r < ROUNDS; r++) {
      if (r % 2) await withAnnotator(r);
      quiet.push(await conversation(dir, `quiet-${r}`));
      if (r % 2 === 0) await withAnnotator(r);
    }
    const qCpu = median(quiet.map((x) => x.cpu));
    const bCpu = median(busy.map((x) => x.cpu));
    const change = (bCpu - qCpu) / qCpu;
    return {
      title: "annotations: step cost while annotating",
      workload: `The example chatbot (offline model, compact tracking), ${TURNS} turns, ${ROUNDS} rounds alternating: alone, and with another process annotating its steps in a loop (medians).`,
      rows: [
        { subject: "no annotating", figures: { "CPU µs/step": qCpu, "wall µs/step": median(quiet.map((x) => x.wall)), "annotations written": "0" } },
        { subject: "annotate loop in another process", figures: { "CPU µs/step": bCpu, "wall µs/step": median(busy.map((x) => x.wall)), "annotations written": String(written) } },
      ],
      notes: [
        `The app's own CPU per step changes by ${(change * 100).toFixed(1)}% while annotating (target: within noise, ±10%: ${Math.abs(change) <= 0.1 ? "met" : "NOT met"}). The app never reads annotations.jsonl; wall time also shows the annotator's share of a shared machine.`,
      ],
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function annotateCost(): Promise<BenchSection> {
  const dir = mkdtempSync(join(tmpdir(), "burr-bench-annot-"));
  const reader = new TrackingReader(dir);
  const rows: BenchSection["rows"] = [];
  const record = (id: number): Annotation => ({
    id, project_id: "bench", app_id: `app-${id % 100}`, partition_key: null, step_sequence_id: id % 500, span_id: null, step_name: "respond", tags: ["t"],
    observations: [{ data_fields: { note: `note ${id}`, ground_truth: "x" }, thumbs_up_thumbs_down: true, data_pointers: [{ type: "state_field", field_name: "answer", span_id: null }] }],
    created: new Date().toISOString(), updated: new Date().toISOString(),
  });
  try {
    mkdirSync(join(dir, "bench"));
    for (const size of [100, 1000, 10000]) {
      // The file is filled directly; then 20 annotate() calls are timed on it.
      writeFileSync(annotationsPath(dir, "bench"), Array.from({ length: size }, (_, i) => formatAnnotation(record(i)) + "\n").join(""));
      const times: number[] = [];
      for (let i = 0; i < 20; i++) {
        const start = process.hrtime.bigint();
        const { id: _id, project_id: _p, created: _c, updated: _u, app_id, partition_key, step_sequence_id, step_name, tags, observations } = record(size + i);
        await reader.annotate("bench", { appId: app_id, partitionKey: partition_key, stepSequenceId: step_sequence_id, stepName: step_name, tags, observations });
        times.push(Number(process.hrtime.bigint() - start) / 1e6);
      }
      const listStart = process.hrtime.bigint();
      await reader.listAnnotations("bench", { appId: "app-7" });
      rows.push({ subject: `${size.toLocaleString("en-US")} annotations in the project`, figures: { "annotate ms": median(times), "listAnnotations ms": Number(process.hrtime.bigint() - listStart) / 1e6 } });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return {
    title: "annotations: one write as the file grows",
    workload: "annotate() (lock, re-read, rewrite, rename; median of 20) and listAnnotations() for one app, with the project's annotations.jsonl at each size.",
    rows,
    notes: ["Each write rewrites the file, as Burr's local backend does on update; 10,000 annotations is far past what one person annotates."],
  };
}

export const bench: BenchFn = async () => [await stepCost(), await annotateCost()];

// Language-server figures, measured over real LSP against dist/server.js:
// didChange → Burr diagnostics on a generated ~2,000-line file (beside a full
// ts-morph type check of the same file, the cost the server must not pay per
// keystroke), and a generated 200-file workspace: time to diagnostics and RSS.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { Project } from "ts-morph";
import { ensureServerBuilt, LspClient } from "../test/server/support/client.js";
import { largeAppSource, writeWorkspace } from "../test/server/support/workload.js";
import type { BenchFn, BenchSection } from "./types.js";

const EDITS = 10;

/** Nanoseconds the process has spent on a CPU (/proc/<pid>/schedstat): a figure the machine's load does not inflate. */
function cpuNs(pid: number): number {
  try {
    return Number(readFileSync(`/proc/${pid}/schedstat`, "utf8").split(" ")[0]);
  } catch {
    return NaN;
  }
}
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const max = (xs: number[]): number => Math.max(...xs);

/** Edit i changes one action's body so that the diagnostics change too (an undeclared read appears or goes). */
function edited(source: string, i: number): string {
  const action = (Math.floor(i / 2) * 7) % 50;
  return i % 2 === 0 ? source.replace(`state.get("k${action}");`, `state.get("typo${action}");`) : source;
}

/** The one-span change from before to after, as an editor sends it. */
function diff(before: string, after: string): { range: { start: Pos; end: Pos }; text: string } {
  let s = 0;
  while (s < before.length && before[s] === after[s]) s++;
  let e = 0;
  while (e < before.length - s && e < after.length - s && before[before.length - 1 - e] === after[after.length - 1 - e]) e++;
  const pos = (offset: number): Pos => {
    const lines = before.slice(0, offset).split("\n");
    return { line: lines.length - 1, character: lines[lines.length - 1]!.length };
  };
  return { range: { start: pos(s), end: pos(before.length - e) }, text: after.slice(s, after.length - e) };
}
type Pos = { line: number; character: number };

async function largeFile(): Promise<BenchSection> {
  const dir = mkdtempSync(join(tmpdir(), "burr-bench-lsp-"));
  const path = join(dir, "app.ts");
  const uri = pathToFileURL(path).href;
  const source = largeAppSource(50, 2000);
  writeFileSync(path, source);
  const lines = source.split("\n").length - 1;
  const client = await LspClient.start(dir);
  try {
    const first = await client.open(uri, source);
    if (first.length !== 0) throw new Error(`the generated app should check clean, got: ${first.map((d) => d.message).join("; ")}`);
    const latencies: number[] = [];
    const cpu: number[] = [];
    const pid = client.child.pid!;
    let current = source;
    for (let i = 0; i < EDITS; i++) {
      const text = edited(source, i);
      const change = diff(current, text);
      current = text;
      const cpuBefore = cpuNs(pid);
      const started = performance.now();
      const diagnostics = await client.edit(uri, change.range, change.text, i + 2);
      latencies.push(performance.now() - started);
      cpu.push((cpuNs(pid) - cpuBefore) / 1e6);
      const expected = text === source ? 0 : 1;
      if (diagnostics.length !== expected) throw new Error(`edit ${i}: expected ${expected} diagnostics, got ${diagnostics.length}`);
    }

    // Reference: what one full type check of the same file costs (ts-morph, the same compiler).
    const project = new Project({ compilerOptions: { strict: true, target: 9 /* ES2022 */, module: 199 /* NodeNext */, moduleResolution: 99, skipLibCheck: true } });
    const sf = project.addSourceFileAtPath(path);
    const checks: number[] = [];
    for (let i = 0; i < 3; i++) {
      sf.replaceWithText(edited(source, i * 2));
      const started = performance.now();
      sf.getPreEmitDiagnostics();
      checks.push(performance.now() - started);
    }
    const ours = median(latencies);
    return {
      title: "language server: didChange → diagnostics",
      workload: `A generated ${lines.toLocaleString("en-US")}-line file with 50 actions and an app using them; ${EDITS} incremental edits as an editor sends them, each in an action body (every other one adds an undeclared read, the next removes it). Real LSP over stdio against dist/server.js; the reference is a full ts-morph type check of the same file after an edit.`,
      rows: [
        { subject: "burr-ts language server", figures: { "median ms": ours, "max ms": max(latencies), "server CPU ms (median)": median(cpu) } },
        { subject: "full type check (ts-morph, reference)", figures: { "median ms": median(checks), "max ms": max(checks), "server CPU ms (median)": null } },
      ],
      notes: [
        `target ≤ 50 ms median: ${ours <= 50 ? "met" : "NOT met"} (${ours.toFixed(1)} ms); ${(median(checks) / ours).toFixed(1)}× less than one type check`,
        `machine load average during the run: ${loadavg()[0]!.toFixed(1)} on ${cpus().length} cores (wall-clock figures include waiting for a core; server CPU ms do not)`,
        "diagnostics are published right after the changed file is analysed (no debounce in the path measured); files importing it are re-checked after a 150 ms pause",
      ],
    };
  } finally {
    await client.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function workspace(): Promise<BenchSection> {
  const dir = mkdtempSync(join(tmpdir(), "burr-bench-ws-"));
  const files = 200;
  const { appFiles } = writeWorkspace(dir, files);
  const started = performance.now();
  const client = await LspClient.start(dir);
  try {
    const uris = appFiles.map((f) => pathToFileURL(f).href);
    const arrivals = await Promise.all(uris.map(async (u) => {
      const d = await client.nextDiagnostics(u);
      if (!d.some((x) => x.code === "unknown-action")) throw new Error(`${u}: expected an unknown-action diagnostic`);
      return performance.now() - started;
    }));
    const firstMs = Math.min(...arrivals);
    const allMs = Math.max(...arrivals);
    const status = readFileSync(`/proc/${client.child.pid}/status`, "utf8");
    const rssMb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN) / 1024;
    const hwmMb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? NaN) / 1024;
    return {
      title: "language server: workspace",
      workload: `A generated workspace of ${files} files (50 action modules, 50 apps importing them across files, 100 files of plain code), from server start to diagnostics for every app file.`,
      rows: [{ subject: "burr-ts language server", figures: { "first diagnostics ms": firstMs, "all apps ms": allMs, "RSS MB": rssMb, "peak RSS MB": hwmMb } }],
      notes: [
        `target ≤ 5 s to diagnostics: ${allMs <= 5000 ? "met" : "NOT met"} (all ${appFiles.length} app files in ${(allMs / 1000).toFixed(2)} s, including server start)`,
        `target ≤ 400 MB RSS: ${rssMb <= 400 ? "met" : "NOT met"} (${rssMb.toFixed(0)} MB, peak ${hwmMb.toFixed(0)} MB)`,
      ],
    };
  } finally {
    await client.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

export const bench: BenchFn = async () => {
  await ensureServerBuilt();
  return [await largeFile(), await workspace()];
};

// Tracked Runs figures: listing a project of 10,000 apps, and opening a run of
// 5,000 steps (read, tree rows, step view), each through the sidebar's own
// code beside the runtime's TrackingReader and a bare JSON.parse of the log.
import { linkSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { ApplicationBuilder, TrackingReader, action } from "burr-ts";
import { buildStepView } from "../extension/src/runs/views/stepView.js";
import { TrackingDirStore } from "../extension/src/runs/stores/trackingDirStore.js";
import { RunsTreeModel, type RunsNode } from "../extension/src/runs/views/treeModel.js";
import { chatbotGraph, stepLines, type StepSpec } from "../test/runs/writeRun.js";
import type { BenchFn, BenchSection } from "./types.js";

const APPS = 10_000;
const STEPS = 5_000;

const ms = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e6;
async function time<T>(fn: () => Promise<T> | T): Promise<[number, T]> {
  const t0 = process.hrtime.bigint();
  const out = await fn();
  return [ms(t0), out];
}
/** CPU time (user + system) of this process: what the work costs, whatever else the machine runs. */
async function cpuTime(fn: () => Promise<unknown> | unknown): Promise<number> {
  const c0 = process.cpuUsage();
  await fn();
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1000;
}

/**
 * 10,000 small apps in Burr's layout (3 steps each, one in ten failed, two in
 * three with a partition key). Files are hard links to a few variants: the
 * reader does the same work, and writing 30,000 files is not what is measured.
 */
function writeProject(root: string): void {
  const t0 = Date.UTC(2026, 10, 24, 12);
  const variants = join(root, ".variants");
  mkdirSync(variants);
  writeFileSync(join(variants, "graph.json"), JSON.stringify(chatbotGraph));
  for (let k = 0; k <= 50; k++) {
    const meta = { type: "application_metadata", partition_key: k ? `user-${k}` : null, parent_pointer: null, spawning_parent_pointer: null };
    writeFileSync(join(variants, `metadata-${k}.json`), JSON.stringify(meta));
  }
  for (let v = 0; v < 10; v++) {
    const steps: StepSpec[] = [
      { action: "humanInput", inputs: { prompt: `hi ${v}` }, result: { prompt: `hi ${v}` }, state: { prompt: `hi ${v}`, chatHistory: [{ role: "user", content: `hi ${v}` }] } },
      { action: "safetyCheck", result: { safe: true }, state: { prompt: `hi ${v}`, safe: true } },
      v === 0
        ? { action: "aiResponse", state: { prompt: `hi ${v}`, safe: true }, error: "Error: model timed out\n    at aiResponse (app.ts:40:11)" }
        : { action: "aiResponse", result: { response: "hello" }, state: { prompt: `hi ${v}`, safe: true, response: "hello" } },
    ];
    writeFileSync(join(variants, `log-${v}.jsonl`), steps.flatMap((s, k) => stepLines(k, s, t0 + k)).join("\n") + "\n");
  }
  for (let i = 0; i < APPS; i++) {
    const dir = join(root, "big", `app-${String(i).padStart(5, "0")}`);
    mkdirSync(dir, { recursive: true });
    linkSync(join(variants, "graph.json"), join(dir, "graph.json"));
    linkSync(join(variants, `metadata-${i % 3 ? i % 50 + 1 : 0}.json`), join(dir, "metadata.json"));
    linkSync(join(variants, `log-${i % 10}.jsonl`), join(dir, "log.jsonl"));
  }
}

/**
 * A long agent loop through the real runtime and tracker: a counter and a
 * rolling window of 20 notes; with `grow`, also every note so far (a history
 * that full states would repeat 5,000 times: ~0.9 GB, so only compact logs it).
 */
async function writeLongRun(storageDir: string, compact: boolean): Promise<string> {
  const grow = compact;
  const think = action({ reads: ["n", "window"], writes: grow ? ["n", "notes", "window", "last"] : ["n", "window", "last"] }, (state) => {
    const n = (state.get("n") as number) + 1;
    const note = { step: n, text: `observation ${n}: the tool returned ${n * 7 % 101} results` };
    const window = [...(state.get("window") as unknown[]), note].slice(-20);
    const next = state.update({ n, window, last: note });
    return [{ n }, grow ? next.append({ notes: note }) : next];
  });
  const app = new ApplicationBuilder()
    .withActions({ think })
    .withTransitions(["think", "think"])
    .withState({ n: 0, notes: [], window: [], last: null })
    .withEntrypoint("think")
    .withTracker("local", { project: compact ? "long-compact" : "long-full", storageDir, compact })
    .build();
  for (let i = 0; i < STEPS; i++) await app.step();
  return app.uid;
}

async function openRun(storageDir: string, project: string, appId: string) {
  const store = new TrackingDirStore(storageDir);
  const model = new RunsTreeModel([store]);
  const [app] = await store.listApps(project);
  const appNode: RunsNode = { kind: "app", store, project, app };
  const c0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  const run = await model.readApp(store, project, app);
  const read = ms(t0);
  const kids = await model.children(appNode);
  for (const k of kids) model.view(k);
  const rows = ms(t0) - read;
  const last = kids[kids.length - 1];
  if (last.kind !== "step") throw new Error(`last row is not a step: ${model.view(last).label}`);
  if (kids.length !== STEPS) throw new Error(`expected ${STEPS} step rows, got ${kids.length}`);
  buildStepView({ storeLabel: "", project, appId, run, step: last.step, previous: last.previous, actions: [] });
  const total = ms(t0);
  const cu = process.cpuUsage(c0);
  const cpu = (cu.user + cu.system) / 1000;
  const [reader] = await time(() => new TrackingReader(storageDir).readApp(project, appId));
  const text = readFileSync(join(storageDir, project, appId, "log.jsonl"), "utf8");
  const [parse] = await time(() => text.split("\n").filter(Boolean).forEach((l) => JSON.parse(l)));
  return { total, cpu, read, rows, view: total - read - rows, reader, parse, mb: text.length / 1e6 };
}

export const bench: BenchFn = async () => {
  const root = mkdtempSync(join(tmpdir(), "burr-bench-runs-"));
  try {
    const [writeMs] = await time(() => writeProject(root));
    // "First" is the very first listing (cold code and caches); "fresh" is a new store
    // (no index of its own) over a warm OS cache: the median of three.
    const [firstList, apps] = await time(() => new TrackingDirStore(root).listApps("big"));
    if (apps.length !== APPS) throw new Error(`listed ${apps.length} apps, wrote ${APPS}`);
    const fresh: number[] = [];
    for (let i = 0; i < 3; i++) fresh.push((await time(() => new TrackingDirStore(root).listApps("big")))[0]);
    const coldList = fresh.sort((a, b) => a - b)[1];
    const coldCpu = await cpuTime(() => new TrackingDirStore(root).listApps("big"));
    const readerCpu = await cpuTime(() => new TrackingReader(root).listApps("big"));
    const store = new TrackingDirStore(root);
    const model = new RunsTreeModel([store]);
    await store.listApps("big");
    const [treeMs] = await time(async () => {
      const [project] = await model.children();
      const kids = await model.children(project);
      for (const k of kids) model.view(k);
    });
    const [warmList] = await time(() => store.listApps("big"));
    const reader = new TrackingReader(root);
    const [readerFirst] = await time(() => new TrackingReader(root).listApps("big"));
    const readerFresh: number[] = [];
    for (let i = 0; i < 3; i++) readerFresh.push((await time(() => new TrackingReader(root).listApps("big")))[0]);
    const readerCold = readerFresh.sort((a, b) => a - b)[1];
    await reader.listApps("big");
    const [readerWarm] = await time(() => reader.listApps("big"));
    const listing: BenchSection = {
      title: "Tracked Runs: list a project of 10,000 apps",
      workload: `${APPS.toLocaleString("en-US")} apps of 3 steps in Burr's layout (written in ${Math.round(writeMs)} ms); each app's status, step count, partition key, newest first.`,
      rows: [
        { subject: "sidebar source (chunked, tail index)", figures: { "first ms": firstList, "fresh ms": coldList, "fresh CPU ms": coldCpu, "warm ms": warmList, "tree rows ms": treeMs } },
        { subject: "runtime TrackingReader (sync)", figures: { "first ms": readerFirst, "fresh ms": readerCold, "fresh CPU ms": readerCpu, "warm ms": readerWarm, "tree rows ms": null } },
      ],
      notes: [
        `target: ≤ 1,000 ms to list — ${coldList <= 1000 ? "met" : "NOT met"} by a fresh source (${Math.round(coldList)} ms wall, ${Math.round(coldCpu)} ms CPU); first listing ${Math.round(firstList)} ms; warm (after a change) ${Math.round(warmList)} ms.`,
        `"tree rows" lists and renders every app row through RunsTreeModel (warm). Load average during the run: ${loadavg()[0].toFixed(1)} on ${cpus().length} cores.`,
      ],
    };

    const full = await writeLongRun(root, false);
    const compact = await writeLongRun(root, true);
    const f = await openRun(root, "long-full", full);
    const c = await openRun(root, "long-compact", compact);
    const opening: BenchSection = {
      title: "Tracked Runs: open a run of 5,000 steps",
      workload: `${STEPS.toLocaleString("en-US")} steps of an agent loop written by the real runtime and tracker; open = read the run, make its 5,000 tree rows, build the last step's view.`,
      rows: [
        { subject: "sidebar open, full states (20-note window)", figures: { "open ms": f.total, "open CPU ms": f.cpu, "read ms": f.read, "rows ms": f.rows, "step view ms": f.view, "readApp (full states) ms": f.reader, "JSON.parse lines ms": f.parse, "log MB": f.mb } },
        { subject: "sidebar open, compact log (all notes kept)", figures: { "open ms": c.total, "open CPU ms": c.cpu, "read ms": c.read, "rows ms": c.rows, "step view ms": c.view, "readApp (full states) ms": c.reader, "JSON.parse lines ms": c.parse, "log MB": c.mb } },
      ],
      notes: [
        `target: ≤ 1,000 ms to open — full ${f.total <= 1000 ? "met" : "NOT met"} (${Math.round(f.total)} ms wall, ${Math.round(f.cpu)} ms CPU), compact ${c.total <= 1000 ? "met" : "NOT met"} (${Math.round(c.total)} ms wall, ${Math.round(c.cpu)} ms CPU).`,
        `"read" is TrackingReader.readApp with states left as deltas; a step's full state is rebuilt when it is opened ("step view"). Load average: ${loadavg()[0].toFixed(1)} on ${cpus().length} cores.`,
      ],
    };
    return [listing, opening];
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
};

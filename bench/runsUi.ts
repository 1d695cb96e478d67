// The browser runs UI (`burr-ts ui`) against the sidebar's targets: list a
// project of 10,000 apps, open a run of 5,000 steps (each ≤ 1 s), and how soon
// a running app's new step shows in the page. Real server, real bundles
// (dist/webview), headless Chromium; times are taken inside the page from the
// click to the rows (or the run view's heading) being in the DOM.
import { linkSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { ApplicationBuilder, action } from "burr-ts";
import type { Page } from "playwright-core";
import { startUiServer } from "../runtime/src/cli/ui/server.js";
import { TrackingDirUiSource } from "../runtime/src/cli/ui/trackingDirSource.js";
import { chatbotGraph, stepLines, type StepSpec } from "../test/runs/writeRun.js";
import { launchChromium } from "../test/webview/browser.js";
import type { BenchFn, BenchSection } from "./types.js";

const APPS = 10_000;
const STEPS = 5_000;

/** 10,000 apps of 3 steps as hard links to a few variants (the server reads each as its own file). */
function writeProject(root: string): void {
  const variants = join(root, ".variants");
  mkdirSync(variants, { recursive: true });
  writeFileSync(join(variants, "graph.json"), JSON.stringify(chatbotGraph));
  writeFileSync(join(variants, "metadata.json"), JSON.stringify({ type: "application_metadata", partition_key: null, parent_pointer: null, spawning_parent_pointer: null }));
  for (let v = 0; v < 10; v++) {
    const steps: StepSpec[] = [
      { action: "humanInput", inputs: { prompt: `hi ${v}` }, result: { prompt: `hi ${v}` }, state: { prompt: `hi ${v}` } },
      { action: "safetyCheck", result: { safe: true }, state: { prompt: `hi ${v}`, safe: true } },
      { action: "aiResponse", result: { response: "hello" }, state: { prompt: `hi ${v}`, safe: true, response: "hello" } },
    ];
    writeFileSync(join(variants, `log-${v}.jsonl`), steps.flatMap((s, k) => stepLines(k, s, Date.UTC(2026, 10, 24) + k)).join("\n") + "\n");
  }
  for (let i = 0; i < APPS; i++) {
    const dir = join(root, "big", `app-${String(i).padStart(5, "0")}`);
    mkdirSync(dir, { recursive: true });
    linkSync(join(variants, "graph.json"), join(dir, "graph.json"));
    linkSync(join(variants, "metadata.json"), join(dir, "metadata.json"));
    linkSync(join(variants, `log-${i % 10}.jsonl`), join(dir, "log.jsonl"));
  }
}

function loop(storageDir: string, project: string, compact: boolean) {
  const think = action({ reads: ["n", "window"], writes: ["n", "window", "last"] }, (state) => {
    const n = (state.get("n") as number) + 1;
    const note = { step: n, text: `observation ${n}: the tool returned ${(n * 7) % 101} results` };
    return [{ n }, state.update({ n, window: [...(state.get("window") as unknown[]), note].slice(-20), last: note })];
  });
  return new ApplicationBuilder()
    .withActions({ think })
    .withTransitions(["think", "think"])
    .withState({ n: 0, window: [], last: null })
    .withEntrypoint("think")
    .withTracker("local", { project, storageDir, compact })
    .build();
}

/**
 * Runs `start` in the page and returns the ms until `done` holds (checked every
 * animation frame). Strings, not functions: tsx's transform would add helpers the page lacks.
 */
async function timeInPage(page: Page, start: string, done: string): Promise<number> {
  return page.evaluate(`new Promise((resolve, reject) => {
    const t0 = performance.now();
    ${start};
    const tick = () => (${done}) ? resolve(performance.now() - t0) : performance.now() - t0 > 60000 ? reject(new Error("timed out: " + ${JSON.stringify(done)})) : requestAnimationFrame(tick);
    tick();
  })`);
}

const click = (selector: string) => `document.querySelector(${JSON.stringify(selector)}).click()`;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export const bench: BenchFn = async () => {
  const root = mkdtempSync(join(tmpdir(), "burr-bench-ui-"));
  const browser = await launchChromium();
  try {
    writeProject(root);
    const full = loop(root, "long-full", false);
    for (let i = 0; i < STEPS; i++) await full.step();
    const compact = loop(root, "long-compact", true);
    for (let i = 0; i < STEPS; i++) await compact.step();
    const server = await startUiServer({ sources: [new TrackingDirUiSource("dir", root)], port: 0, log: () => undefined });
    try {
      const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
      await page.goto(server.url);
      await page.waitForSelector('body[data-ready="true"]');
      // List: first (fresh server, nothing cached), then again after collapsing (warm).
      const appRows = `document.querySelectorAll('.row.kind-app').length >= 500`;
      const listFirst = await timeInPage(page, click('.row[data-id="dir/big"]'), appRows);
      await page.click('.row[data-id="dir/big"]');
      const listWarm = await timeInPage(page, click('.row[data-id="dir/big"]'), appRows);
      const filter = await timeInPage(
        page,
        `const input = document.querySelector(".filter"); input.value = "app-09999"; input.dispatchEvent(new Event("input"))`,
        `document.querySelectorAll(".row.kind-app").length === 1`,
      );
      await page.fill(".filter", "");
      await page.click('.row[data-id="dir/big"]');
      // Open: click the app (its 5,000 steps are read and their rows made), then its last step.
      const open = async (project: string, appId: string) => {
        await page.click(`.row[data-id="dir/${project}"]`);
        await page.waitForSelector(`.row[data-id="dir/${project}/${appId}"]`);
        const rows = await timeInPage(page, click(`.row[data-id="dir/${project}/${appId}"]`), `document.querySelectorAll('.row.kind-step').length >= 500`);
        const t0 = Date.now();
        await page.goto(`${server.url}#/dir/${project}/${appId}/${STEPS - 1}`);
        await page.reload();
        await page.frameLocator('iframe[title="Run view"]').locator("h1", { hasText: `#${STEPS - 1}` }).waitFor({ timeout: 60_000 });
        const deepLink = Date.now() - t0;
        await page.click(`.row[data-id="dir/${project}"]`);
        return { rows, deepLink };
      };
      const f = await open("long-full", full.uid);
      const c = await open("long-compact", compact.uid);
      // Live: a running app's next step, from its tracker's write to its row in the page.
      const live = loop(root, "live", true);
      await live.step();
      await page.goto(`${server.url}#/dir/live/${live.uid}/0`);
      await page.waitForSelector('body[data-ready="true"]');
      await page.waitForSelector(`.row[data-id="dir/live/${live.uid}/0"]`);
      const lags: number[] = [];
      for (let i = 1; i <= 7; i++) {
        await live.step();
        const t0 = Date.now();
        await page.waitForSelector(`.row[data-id="dir/live/${live.uid}/${i}"]`, { timeout: 30_000 });
        lags.push(Date.now() - t0);
      }
      const load = `Load average ${loadavg()[0].toFixed(1)} on ${cpus().length} cores.`;
      const listing: BenchSection = {
        title: "Runs UI in a browser: list a project of 10,000 apps",
        workload: `${APPS.toLocaleString("en-US")} apps of 3 steps in Burr's layout; burr-ts ui server + headless Chromium; from the click on the project to its rows in the DOM (the first 500 drawn, all 10,000 filterable).`,
        rows: [
          { subject: "browser UI, fresh server", figures: { "list ms": listFirst } },
          { subject: "browser UI, warm (server cached the tails)", figures: { "list ms": listWarm } },
          { subject: "filter 10,000 apps to one", figures: { "list ms": filter } },
        ],
        notes: [`target: ≤ 1,000 ms to list — ${listFirst <= 1000 ? "met" : "NOT met"} fresh (${Math.round(listFirst)} ms), warm ${Math.round(listWarm)} ms. ${load}`],
      };
      const opening: BenchSection = {
        title: "Runs UI in a browser: open a run of 5,000 steps",
        workload: `${STEPS.toLocaleString("en-US")} steps written by the real runtime and tracker; "rows" = click on the app to its step rows in the DOM; "deep link" = reload of a URL naming the last step to the run view showing it (page, bundles, tree, run, step view).`,
        rows: [
          { subject: "full states (20-note window)", figures: { "rows ms": f.rows, "deep link ms": f.deepLink } },
          { subject: "compact log", figures: { "rows ms": c.rows, "deep link ms": c.deepLink } },
          { subject: "live: a running app's next step to its row", figures: { "median ms": median(lags), "max ms": Math.max(...lags) } },
        ],
        notes: [
          `target: ≤ 1,000 ms to open — full ${f.rows <= 1000 ? "met" : "NOT met"} (${Math.round(f.rows)} ms), compact ${c.rows <= 1000 ? "met" : "NOT met"} (${Math.round(c.rows)} ms); a new step shows in ${Math.round(median(lags))} ms (median of ${lags.length}; target ≤ 1,000 ms). ${load}`,
        ],
      };
      return [listing, opening];
    } finally {
      await server.close();
    }
  } finally {
    await browser.close();
    rmSync(root, { recursive: true, force: true });
  }
};

// `npm run bench`: every section in one process run, each figure beside its
// reference, printed as tables and written to bench/results.json.
// `npm run bench -- runtime server` runs only the named sections and replaces
// just those in results.json, keeping the others (each says when it was measured).
import { readFileSync, writeFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { BenchFn, BenchSection } from "./types.js";

// The repository root is CommonJS, so tsx runs this file as CommonJS.
const here = __dirname;
const sections = ["runtime", "persistence", "server", "layout", "debugger", "runs", "firstInteraction", "firstInteractionEditor", "decorators", "serde", "serving", "conditions", "scaleout", "replay", "annotations", "runsUi"];

function printSection(s: BenchSection): void {
  const columns = [...new Set(s.rows.flatMap((r) => Object.keys(r.figures)))];
  const head = ["", ...columns];
  const body = s.rows.map((r) => [r.subject, ...columns.map((c) => format(r.figures[c]))]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((row) => row[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ");
  console.log(`\n## ${s.title}\n${s.workload}\n`);
  console.log(line(head));
  for (const row of body) console.log(line(row));
  for (const n of s.notes) console.log(`- ${n}`);
}

function format(v: number | string | null | undefined): string {
  if (v === null || v === undefined) return "–";
  if (typeof v === "string") return v;
  if (Math.abs(v) >= 100) return Math.round(v).toLocaleString("en-US");
  return v.toFixed(Math.abs(v) >= 10 ? 1 : 2);
}

function previousSections(file: string): BenchSection[] {
  try {
    return (JSON.parse(readFileSync(file, "utf8")) as { sections?: BenchSection[] }).sections ?? [];
  } catch {
    return [];
  }
}

async function main(): Promise<void> {
  const only = process.argv.slice(2).filter((a) => !a.startsWith("-"));
  const results: BenchSection[] = [];
  const failures: string[] = [];
  for (const name of sections) {
    if (only.length && !only.includes(name)) continue;
    const file = join(here, `${name}.ts`);
    if (!existsSync(file)) {
      failures.push(`${name}: bench/${name}.ts is missing`);
      continue;
    }
    try {
      const mod = (await import(pathToFileURL(file).href)) as { bench: BenchFn };
      const out = await mod.bench();
      for (const s of Array.isArray(out) ? out : [out]) {
        printSection(s);
        results.push({ ...s, measuredAt: new Date().toISOString() });
      }
    } catch (err) {
      failures.push(`${name}: ${(err as Error).stack ?? String(err)}`);
      console.error(`\n!! section ${name} failed: ${(err as Error).message}`);
    }
  }
  const file = join(here, "results.json");
  const kept = only.length ? previousSections(file).filter((p) => !results.some((r) => r.title === p.title)) : [];
  const out = { date: new Date().toISOString(), node: process.version, cpus: (await import("node:os")).cpus().length, sections: [...kept, ...results], failures };
  writeFileSync(file, JSON.stringify(out, null, 2) + "\n");
  console.log(`\nwrote bench/results.json (${results.length} sections measured${kept.length ? `, ${kept.length} kept from the last run` : ""}${failures.length ? `, ${failures.length} failed` : ""})`);
  if (failures.length) process.exitCode = 1;
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});

// Serde and schema benchmark, in one process: an event-log app whose every step
// appends an event and updates a "last seen" key, run side by side with the
// same values as Dates (Date-heavy: three per step) and as ISO strings
// (JSON-only), in memory, with the SQLite persister and with the compact local
// tracker; and the JSON-only app with withStateSchema (zod, valibot, arktype)
// against no schema. Figures are µs per step, the median of RUNS runs taken
// in turns; files go to tmpfs (/dev/shm) so disk noise does not swamp them.
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type } from "arktype";
import * as v from "valibot";
import { z } from "zod";
import { ApplicationBuilder, SQLitePersister, action, type StandardSchemaV1 } from "burr-ts";
import type { BenchFn, BenchRow } from "./types.js";

const STEPS = 4000;
const RUNS = 7;

type Stamp = (ms: number) => Date | string;
const asDate: Stamp = (ms) => new Date(ms);
const asText: Stamp = (ms) => new Date(ms).toISOString();

function eventLog(stamp: Stamp) {
  return action({ reads: ["n"], writes: ["n", "events", "lastSeen"] }, (state) => {
    const n = (state.get("n") as number) + 1;
    const t = 1_700_000_000_000 + n * 1000;
    return state
      .update({ n, lastSeen: stamp(t) })
      .append({ events: { id: n, text: `event number ${n}`, createdAt: stamp(t), updatedAt: stamp(t + 500) } });
  });
}

type Setup = "memory" | "SQLite persister" | "local tracker (compact)";

async function perStep(stamp: Stamp, setup: Setup, schema: StandardSchemaV1 | null): Promise<number> {
  // On tmpfs where there is one: the figure is the CPU a step costs, not the shared machine's disk.
  const dir = mkdtempSync(join(existsSync("/dev/shm") ? "/dev/shm" : tmpdir(), "burr-bench-serde-"));
  let persister: SQLitePersister | null = null;
  try {
    let b = new ApplicationBuilder();
    if (schema) b = b.withStateSchema(schema) as unknown as ApplicationBuilder;
    b = b
      .withActions({ tick: eventLog(stamp) })
      .withTransitions(["tick", "tick"])
      .withState({ n: 0, events: [], lastSeen: stamp(0) })
      .withEntrypoint("tick");
    if (setup === "SQLite persister") b = b.withStatePersister((persister = new SQLitePersister({ dbPath: join(dir, "s.db") })));
    if (setup === "local tracker (compact)") b = b.withTracker("local", { project: "bench", storageDir: dir, compact: true });
    const app = b.build();
    for (let i = 0; i < 200; i++) await app.step(); // warm-up
    const start = process.hrtime.bigint();
    for (let i = 0; i < STEPS; i++) await app.step();
    return Number(process.hrtime.bigint() - start) / 1000 / STEPS;
  } finally {
    await persister?.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Medians of each subject, run in turns (a, b, c, a, b, c...) so load on a shared machine drifts over all alike. */
async function interleaved(runs: Array<() => Promise<number>>): Promise<number[]> {
  const times: number[][] = runs.map(() => []);
  for (let i = 0; i < RUNS; i++) for (let j = 0; j < runs.length; j++) times[j].push(await runs[j]());
  return times.map((xs) => xs.sort((a, b) => a - b)[Math.floor(RUNS / 2)]);
}

const schemas: Array<[string, StandardSchemaV1]> = [
  ["zod 4", z.object({ n: z.number().int(), lastSeen: z.string(), events: z.array(z.object({ id: z.number(), text: z.string(), createdAt: z.string(), updatedAt: z.string() })) })],
  ["valibot", v.object({ n: v.pipe(v.number(), v.integer()), lastSeen: v.string(), events: v.array(v.object({ id: v.number(), text: v.string(), createdAt: v.string(), updatedAt: v.string() })) })],
  ["arktype", type({ n: "number.integer", lastSeen: "string", events: type({ id: "number", text: "string", createdAt: "string", updatedAt: "string" }).array() })],
];

export const bench: BenchFn = async () => {
  const serdeRows: BenchRow[] = [];
  const ratios: number[] = [];
  for (const setup of ["memory", "SQLite persister", "local tracker (compact)"] as const) {
    const [json, dates] = await interleaved([() => perStep(asText, setup, null), () => perStep(asDate, setup, null)]);
    ratios.push(dates / json);
    serdeRows.push({ subject: setup, figures: { "JSON-only µs/step": json, "Date-heavy µs/step": dates, "Date / JSON": `${(dates / json).toFixed(2)}x` } });
  }
  const [plain, ...validated] = await interleaved([null, ...schemas.map(([, schema]) => schema)].map((schema) => () => perStep(asText, "memory", schema)));
  const schemaRows: BenchRow[] = [{ subject: "no schema", figures: { "µs/step": plain, "vs none": "1.00x" } }];
  schemas.forEach(([name], i) => {
    schemaRows.push({ subject: `withStateSchema (${name})`, figures: { "µs/step": validated[i], "vs none": `${(validated[i] / plain).toFixed(2)}x` } });
  });
  const zodRatio = validated[0] / plain;
  const worst = Math.max(...ratios);
  return [
    {
      title: "serde: values beyond JSON",
      workload: `${STEPS} steps, each appending an event with two timestamps and updating lastSeen: as Dates (stored tagged, __burr_serde__) vs as ISO strings; median of ${RUNS} runs.`,
      rows: serdeRows,
      notes: [`target: Date-heavy within 1.5x of JSON-only per step — worst ${worst.toFixed(2)}x: ${worst <= 1.5 ? "met" : "NOT met"}`],
    },
    {
      title: "state schema: withStateSchema",
      workload: `${STEPS} steps of the JSON-only event log in memory, each step's writes validated (the appended event and two keys) vs no schema; median of ${RUNS} runs.`,
      rows: schemaRows,
      notes: [`target: a zod-validated step within 2x of an unvalidated one — ${zodRatio.toFixed(2)}x: ${zodRatio <= 2 ? "met" : "NOT met"}`],
    },
  ];
};

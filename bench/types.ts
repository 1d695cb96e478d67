// Shared shape of every benchmark section, so bench/run.ts can print one table
// and write one bench/results.json.
export interface BenchRow {
  /** What was measured, e.g. "burr-ts", "plain JS loop", "LangGraph.js". */
  subject: string;
  /** Figures by column name, e.g. { "µs/step": 2.1, "turn 100": 1.9 }. Units live in the column name. */
  figures: Record<string, number | string | null>;
}

export interface BenchSection {
  /** e.g. "runtime", "persistence", "language server". */
  title: string;
  /** The workload in one sentence. */
  workload: string;
  rows: BenchRow[];
  /** Targets and whether they were met, as text lines. */
  notes: string[];
  /** When it ran (set by run.ts; a partial run keeps other sections' dates). */
  measuredAt?: string;
}

export type BenchFn = () => Promise<BenchSection | BenchSection[]>;

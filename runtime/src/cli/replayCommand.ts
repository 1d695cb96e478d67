// `burr-ts replay`: exit 0 when the run matches, 1 at the first divergence,
// 2 when the arguments, the program or the record cannot be used.
import { readPersistedRun, readTrackedRun, ReplayInputError } from "../replay/sources.js";
import { loadProgram } from "../replay/program.js";
import { replayRun } from "../replay/engine.js";
import { replayPath } from "../replay/path.js";
import { formatReport } from "../replay/report.js";
import type { RecordedRun, ReplayReport } from "../replay/types.js";
import type { RewindableStatePersister } from "../persistence/types.js";
import { parseArgs, UsageError } from "./args.js";

export const REPLAY_USAGE = `usage: burr-ts replay --program <app.ts> --run <tracked app dir | project/appId> [options]

Re-runs a recorded run with the program's current code: traced calls return
their recorded values, and each step's action, result and written keys are
compared with the record.

  --program FILE        the module exporting the app's ApplicationBuilder (or a
                        function returning one); TypeScript is loaded with tsx
  --export NAME         which export (default: the default export)
  --run RUN             a tracked app's directory, or project/appId
  --tracking-dir DIR    where project/appId is looked up (default ~/.burr)
  --db DB               replay a persister's history instead (state only):
                        a SQLite file, or a postgresql:// URL; --run is the app id
  --partition-key KEY   the app's partition key in --db
  --table NAME          the persister's table in --db (default: the persister's)
  --state-only          compare only the path (each step's chosen action), e.g.
                        for a Python Burr run of an app whose graph matches
  --until N             stop after step N
  --json                print the report as JSON

exit status: 0 the run matches, 1 it diverged (the report says where),
2 usage, program or record errors`;

const SPEC = {
  program: { kind: "value" },
  export: { kind: "value" },
  run: { kind: "value" },
  "tracking-dir": { kind: "value" },
  db: { kind: "value" },
  "partition-key": { kind: "value" },
  table: { kind: "value" },
  until: { kind: "value" },
  json: { kind: "flag" },
  "state-only": { kind: "flag" },
  help: { kind: "flag" },
} as const;

export interface Output {
  out(text: string): void;
  err(text: string): void;
}

async function openPersister(db: string, tableName: string | undefined): Promise<{ persister: RewindableStatePersister; label: string }> {
  const { SQLitePersister, PostgreSQLPersister } = await import("../persistence/index.js");
  if (/^postgres(ql)?:\/\//.test(db)) {
    const persister = PostgreSQLPersister.fromUrl(db, tableName === undefined ? {} : { tableName });
    return { persister, label: `PostgreSQL ${db.replace(/\/\/[^@/]*@/, "//")}` };
  }
  const { existsSync } = await import("node:fs");
  if (!existsSync(db)) throw new ReplayInputError(`--db ${db}: no such SQLite file`);
  return { persister: new SQLitePersister(tableName === undefined ? { dbPath: db } : { dbPath: db, tableName }), label: `SQLite ${db}` };
}

async function readRecord(values: Map<string, string>, run: string): Promise<RecordedRun> {
  const db = values.get("db");
  if (db === undefined) return readTrackedRun(run, values.get("tracking-dir"));
  const { persister, label } = await openPersister(db, values.get("table"));
  try {
    await persister.initialize();
    return await readPersistedRun(persister, values.get("partition-key") ?? null, run, label);
  } catch (err) {
    if (err instanceof ReplayInputError) throw err;
    throw new ReplayInputError(`${label}: ${(err as Error).message}`);
  } finally {
    await persister.close().catch(() => undefined);
  }
}

export async function replayCommand(argv: readonly string[], io: Output): Promise<number> {
  let report: ReplayReport;
  let json = false;
  try {
    const { values, flags } = parseArgs(argv, SPEC, "burr-ts replay");
    if (flags.has("help")) {
      io.out(REPLAY_USAGE);
      return 0;
    }
    json = flags.has("json");
    const program = values.get("program");
    const run = values.get("run");
    if (program === undefined || run === undefined) throw new UsageError(`burr-ts replay: --program and --run are both needed`);
    const untilText = values.get("until");
    let until: number | undefined;
    if (untilText !== undefined) {
      until = Number(untilText);
      if (!/^\d+$/.test(untilText) || !Number.isSafeInteger(until)) throw new UsageError(`burr-ts replay: --until takes a step number, got "${untilText}"`);
    }
    const record = await readRecord(values, run);
    const builder = await loadProgram(program, values.get("export"));
    report = record.stateOnly || flags.has("state-only") ? replayPath(builder, record, { until }) : await replayRun(builder, record, { until });
  } catch (err) {
    if (err instanceof UsageError || err instanceof ReplayInputError) {
      if (json) io.out(JSON.stringify({ status: "error", error: err.message }));
      else io.err(err instanceof UsageError ? `${err.message}\n\n${REPLAY_USAGE}` : `burr-ts replay: ${err.message}`);
      return 2;
    }
    throw err;
  }
  io.out(json ? JSON.stringify(report, null, 2) : formatReport(report));
  return report.status === "match" ? 0 : 1;
}

// `burr-ts dataset export`: annotated steps of a project as JSONL or CSV
// (runtime/src/tracking/dataset.ts), to a file or stdout.
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { TrackingReader } from "../tracking/reader.js";
import { exportDataset } from "../tracking/dataset.js";
import { parseArgs, UsageError } from "./args.js";
import type { Output } from "./replayCommand.js";

export const DATASET_USAGE = `usage: burr-ts dataset export --project P [--tag T] [--app-id A] [--format jsonl|csv] [--out F]

Writes the project's annotated steps as a dataset, one row per observation:
the step's inputs, the state fields and attributes the annotation points at,
the step's result, and the annotation's tags, note, ground truth and thumbs.

  --project P           the tracking project
  --tag T               only annotations with this tag
  --app-id A            only annotations of this app
  --format F            jsonl (default) or csv
  --out F               the file to write (default: stdout)
  --tracking-dir DIR    where runs are (default ~/.burr)`;

const SPEC = {
  project: { kind: "value" },
  tag: { kind: "value" },
  "app-id": { kind: "value" },
  format: { kind: "value" },
  out: { kind: "value" },
  "tracking-dir": { kind: "value" },
  help: { kind: "flag" },
} as const;

export async function datasetCommand(argv: readonly string[], io: Output, cwd = process.cwd()): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === "--help" || sub === "help") {
    io.out(DATASET_USAGE);
    return 0;
  }
  try {
    if (sub !== "export") throw new UsageError(`burr-ts dataset: expected "export", got ${sub === undefined ? "nothing" : `"${sub}"`}`);
    const { values, flags } = parseArgs(rest, SPEC, "burr-ts dataset export");
    if (flags.has("help")) {
      io.out(DATASET_USAGE);
      return 0;
    }
    const project = values.get("project");
    if (!project) throw new UsageError("burr-ts dataset export: --project is needed");
    const format = values.get("format") ?? "jsonl";
    if (format !== "jsonl" && format !== "csv") throw new UsageError(`burr-ts dataset export: --format is jsonl or csv, got "${format}"`);
    const reader = new TrackingReader(values.get("tracking-dir"));
    const tag = values.get("tag");
    const appId = values.get("app-id");
    const { text, rows, annotations } = await exportDataset(reader, project, {
      format, ...(tag !== undefined ? { tag } : {}), ...(appId ? { appId } : {}), onWarning: (w) => io.err(`burr-ts dataset export: ${w}`),
    });
    const out = values.get("out");
    if (out === undefined) {
      process.stdout.write(text);
      return 0;
    }
    const file = resolve(cwd, out);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, text);
    io.err(`wrote ${rows.length} row${rows.length === 1 ? "" : "s"} from ${annotations} annotation${annotations === 1 ? "" : "s"} to ${out}`);
    return 0;
  } catch (err) {
    io.err(err instanceof UsageError ? `${err.message}\n\n${DATASET_USAGE}` : `burr-ts dataset: ${(err as Error).message}`);
    return 2;
  }
}

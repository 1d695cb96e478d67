// `burr-ts export --burr-format`: a compact run rewritten in Burr's full form
// (runtime/src/tracking/burrExport.ts) so Burr's own UI can show it.
import { homedir } from "node:os";
import { join, resolve } from "node:path";
import { exportBurrFormat } from "../tracking/burrExport.js";
import { parseArgs, UsageError } from "./args.js";
import type { Output } from "./replayCommand.js";

export const EXPORT_USAGE = `usage: burr-ts export --burr-format --project P --app-id A [--out DIR] [--tracking-dir DIR]

Writes the run in Burr's full form (the whole state on every step) to
DIR/P/A (default DIR: ./burr-export), for Burr's own UI (burr_path=DIR burr).
Runs are written compactly by default; this turns one into Burr's form.`;

const SPEC = {
  "burr-format": { kind: "flag" },
  project: { kind: "value" },
  "app-id": { kind: "value" },
  out: { kind: "value" },
  "tracking-dir": { kind: "value" },
  help: { kind: "flag" },
} as const;

export async function exportCommand(argv: readonly string[], io: Output, cwd = process.cwd()): Promise<number> {
  try {
    const { values, flags } = parseArgs(argv, SPEC, "burr-ts export");
    if (flags.has("help")) {
      io.out(EXPORT_USAGE);
      return 0;
    }
    if (!flags.has("burr-format")) throw new UsageError("burr-ts export: --burr-format is the one format export writes; pass it");
    const project = values.get("project");
    const appId = values.get("app-id");
    if (!project || !appId) throw new UsageError("burr-ts export: --project and --app-id are needed");
    const trackingDir = resolve(cwd, values.get("tracking-dir") ?? join(homedir(), ".burr"));
    const outDir = resolve(cwd, values.get("out") ?? "burr-export");
    const r = await exportBurrFormat(trackingDir, project, appId, outDir);
    for (const w of r.warnings) io.err(`burr-ts export: ${w}`);
    io.out(`wrote ${r.dir} (${r.lines} log lines, ${r.expanded} state delta${r.expanded === 1 ? "" : "s"} written as full states)`);
    return 0;
  } catch (err) {
    io.err(err instanceof UsageError ? `${err.message}\n\n${EXPORT_USAGE}` : `burr-ts export: ${(err as Error).message}`);
    return 2;
  }
}

// `burr-ts export --burr-format`: a compact run (state deltas) rewritten in
// Burr's full form, the whole state on every end_entry, so Burr's own UI can
// show it. Every other line and file is copied as it is; the log is read and
// written a line at a time, so a long run never sits in memory as text.
import { createReadStream, createWriteStream, existsSync, mkdirSync, copyFileSync, renameSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { once } from "node:events";
import { applyChanges, type PlainState } from "../persistence/codec.js";
import { asChanges } from "./logParser.js";

export interface BurrExportResult {
  /** The exported app's directory: `<outDir>/<project>/<appId>`. */
  dir: string;
  /** end_entry lines whose delta became a full state. */
  expanded: number;
  lines: number;
  warnings: string[];
}

/** Rewrites `<trackingDir>/<project>/<appId>` into `<outDir>/<project>/<appId>` in Burr's full form. */
export async function exportBurrFormat(trackingDir: string, project: string, appId: string, outDir: string): Promise<BurrExportResult> {
  const src = join(trackingDir, project, appId);
  const logPath = join(src, "log.jsonl");
  if (!existsSync(logPath)) throw new Error(`No tracked app "${appId}" in project "${project}" under ${trackingDir} (${logPath} is missing)`);
  const dir = join(outDir, project, appId);
  if (dir === src) throw new Error(`export --burr-format: --out ${outDir} is the tracking directory itself; choose another directory`);
  mkdirSync(dir, { recursive: true });
  for (const f of ["graph.json", "metadata.json", "children.jsonl"]) if (existsSync(join(src, f))) copyFileSync(join(src, f), join(dir, f));

  const warnings: string[] = [];
  let current: PlainState | null = null;
  let expanded = 0;
  let lines = 0;
  const tmp = join(dir, `log.jsonl.${process.pid}.tmp`);
  const out = createWriteStream(tmp);
  const write = async (text: string) => {
    if (!out.write(`${text}\n`)) await once(out, "drain");
  };
  const input = createInterface({ input: createReadStream(logPath, "utf8"), crlfDelay: Infinity });
  let lineNo = 0;
  for await (const line of input) {
    lineNo++;
    if (!line.trim()) continue;
    lines++;
    let r: Record<string, unknown>;
    try {
      r = JSON.parse(line) as Record<string, unknown>;
    } catch {
      warnings.push(`${logPath}:${lineNo}: not JSON (a torn last line?); copied as it is`);
      await write(line);
      continue;
    }
    if (r.type !== "end_entry") {
      await write(line);
      continue;
    }
    if (r.state && typeof r.state === "object") {
      current = structuredClone(r.state as PlainState);
      // A compact full state also says what its step wrote (for replay); Burr's form does not.
      if (r.state_delta === undefined) await write(line);
      else {
        const { state_delta: _delta, ...rest } = r;
        await write(JSON.stringify(rest));
      }
      continue;
    }
    const delta = asChanges(r.state_delta);
    if (typeof delta === "string" || current === null) {
      const why = typeof delta === "string" ? `its state_delta ${delta}` : "no full state comes before it";
      throw new Error(`export --burr-format: step ${String(r.sequence_id)} of app "${appId}" (${logPath}:${lineNo}) cannot be given a full state: ${why}`);
    }
    applyChanges(current, structuredClone(delta));
    expanded++;
    // Burr's field order: ..., exception, state, sequence_id, type last as written.
    const { state_delta: _delta, sequence_id, state: _state, ...rest } = r;
    await write(JSON.stringify({ ...rest, state: current, sequence_id }));
  }
  out.end();
  await once(out, "finish");
  renameSync(tmp, join(dir, "log.jsonl"));
  return { dir, expanded, lines, warnings };
}

// The compact default, `burr-ts export --burr-format` (validated line by line
// with Burr's own pydantic models, vendored in test/fixtures/burr-schema) and
// `burr-ts dataset export` over annotated steps, JSONL and CSV.
import { strict as assert } from "node:assert";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { TrackingReader, datasetRows, type DatasetRow } from "burr-ts";
import { chat, chatbotBuilder } from "../../examples/chatbot/app.js";
import { exportCommand } from "../../runtime/src/cli/exportCommand.js";
import { datasetCommand } from "../../runtime/src/cli/datasetCommand.js";
import { skipOrFail } from "../support/skip.js";

const VALIDATE = join(__dirname, "..", "fixtures", "burr-schema", "validate_tracking.py");

function capture(): { io: { out: (t: string) => void; err: (t: string) => void }; out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (t) => out.push(t), err: (t) => err.push(t) }, out, err };
}

function burrValidate(appDir: string): { lines: number; end_entries: number; errors: string[] } {
  return JSON.parse(execFileSync("python3", ["-W", "ignore", VALIDATE, appDir], { encoding: "utf8" })) as { lines: number; end_entries: number; errors: string[] };
}

function logLines(file: string): Array<Record<string, unknown>> {
  return readFileSync(file, "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
}

/** A small RFC 4180 reader, enough to check our quoting round-trips. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (cell += '"'), i++;
      else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") row.push(cell), (cell = "");
    else if (c === "\r" && text[i + 1] === "\n") row.push(cell), rows.push(row), (row = []), (cell = ""), i++;
    else cell += c;
  }
  return rows;
}

describe("compact default, export to Burr's form, datasets", function () {
  this.timeout(120_000);
  let dir: string;
  let trackingDir: string;
  let appId: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "burr-export-"));
    trackingDir = join(dir, "burr");
    // No `compact` option: the default form.
    const app = chatbotBuilder({ configure: (b) => b.withTracker("local", { project: "demo", storageDir: trackingDir }) }).build();
    for (const prompt of ["Who was Aaron Burr?", "How do I do something unsafe?", "Why is he remembered for a duel?", "And his later years?"]) await chat(app, prompt);
    appId = app.uid;
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("the tracker writes compact logs by default", () => {
    const ends = logLines(join(trackingDir, "demo", appId, "log.jsonl")).filter((r) => r.type === "end_entry");
    assert.equal(ends.length, 12);
    assert.ok(ends.filter((r) => r.state === null && r.state_delta).length >= 10, "state deltas, not whole states");
  });

  it("export --burr-format writes the whole state on every step; Burr's models accept every line", async function () {
    const c = capture();
    assert.equal(await exportCommand(["--burr-format", "--project", "demo", "--app-id", appId, "--tracking-dir", trackingDir, "--out", "exported"], c.io, dir), 0, c.err.join("\n"));
    assert.match(c.out[0]!, /wrote .*exported\/demo\/.* \((\d+) log lines, (\d+) state deltas written as full states\)/);
    const exportedDir = join(dir, "exported", "demo", appId);
    const ends = logLines(join(exportedDir, "log.jsonl")).filter((r) => r.type === "end_entry");
    assert.ok(ends.every((r) => r.state && typeof r.state === "object" && !("state_delta" in r)));
    assert.deepEqual(Object.keys(ends[3]!), ["type", "end_time", "action", "result", "exception", "state", "sequence_id"], "Burr's field order");
    const reader = new TrackingReader(trackingDir);
    const original = await reader.readApp("demo", appId);
    const exported = await new TrackingReader(join(dir, "exported")).readApp("demo", appId);
    assert.equal(exported.compact, false);
    assert.deepEqual(exported.steps.map((s) => s.state), original.steps.map((s) => s.state), "the same states");
    try {
      execFileSync("python3", ["-c", "import pydantic"], { stdio: "ignore" });
    } catch {
      skipOrFail(this, "python3 with pydantic is not available");
    }
    const v = burrValidate(exportedDir);
    assert.deepEqual(v.errors, []);
    const [, lines, expanded] = /\((\d+) log lines, (\d+) state deltas/.exec(c.out[0]!)!;
    assert.deepEqual([v.lines, v.end_entries], [Number(lines), 12]);
    assert.ok(Number(expanded) >= 10);
    // The check means something: Burr's EndEntryModel rejects the compact original.
    const compact = burrValidate(join(trackingDir, "demo", appId));
    assert.ok(compact.errors.some((e) => /log\.jsonl:\d+: .*state/s.test(e)), compact.errors.join("\n"));
  });

  it("export names what is wrong", async () => {
    const c = capture();
    assert.equal(await exportCommand(["--project", "demo", "--app-id", appId], c.io, dir), 2);
    assert.match(c.err[0]!, /--burr-format is the one format export writes/);
    const d = capture();
    assert.equal(await exportCommand(["--burr-format", "--project", "demo", "--app-id", "nope", "--tracking-dir", trackingDir], d.io, dir), 2);
    assert.match(d.err[0]!, /No tracked app "nope" in project "demo"/);
  });

  it("dataset export: annotated steps with inputs, pointed-at state, result and the annotation, as JSONL and CSV", async () => {
    const reader = new TrackingReader(trackingDir);
    await reader.annotate("demo", {
      appId, partitionKey: null, stepSequenceId: 1, stepName: "safetyCheck", tags: ["eval"],
      observations: [{ data_fields: { note: 'judged "safe", correctly', ground_truth: "true" }, thumbs_up_thumbs_down: true, data_pointers: [{ type: "state_field", field_name: "safe", span_id: null }, { type: "state_field", field_name: "prompt", span_id: null }] }],
    });
    await reader.annotate("demo", {
      appId, partitionKey: null, stepSequenceId: 0, stepName: "humanInput", tags: ["eval", "input"],
      observations: [
        { data_fields: { note: "first" }, thumbs_up_thumbs_down: null, data_pointers: [] },
        { data_fields: { note: "second,\nwith a newline" }, thumbs_up_thumbs_down: false, data_pointers: [{ type: "state_field", field_name: "chatHistory", span_id: null }] },
      ],
    });
    await reader.annotate("demo", { appId, partitionKey: null, stepSequenceId: 2, stepName: "aiResponse", tags: ["other"], observations: [] });

    const j = capture();
    assert.equal(await datasetCommand(["export", "--project", "demo", "--tag", "eval", "--tracking-dir", trackingDir, "--out", "eval.jsonl"], j.io, dir), 0, j.err.join("\n"));
    assert.match(j.err[0]!, /wrote 3 rows from 2 annotations to eval\.jsonl/);
    const rows = readFileSync(join(dir, "eval.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l) as DatasetRow);
    assert.equal(rows.length, 3);
    const safety = rows.find((r) => r.step_name === "safetyCheck")!;
    assert.deepEqual(safety.state_fields, { safe: true, prompt: "Who was Aaron Burr?" });
    assert.deepEqual(safety.inputs, {});
    assert.equal(safety.ground_truth, "true");
    assert.equal(safety.thumbs_up_thumbs_down, true);
    assert.deepEqual(safety.tags, ["eval"]);
    const human = rows.filter((r) => r.step_name === "humanInput");
    assert.deepEqual(human.map((r) => r.note), ["first", "second,\nwith a newline"]);
    assert.deepEqual(human[0]!.inputs, { prompt: "Who was Aaron Burr?" });
    assert.deepEqual(human[1]!.state_fields, { chatHistory: [{ role: "user", content: "Who was Aaron Burr?" }] });

    const c = capture();
    assert.equal(await datasetCommand(["export", "--project", "demo", "--tag", "eval", "--format", "csv", "--tracking-dir", trackingDir, "--out", "eval.csv"], c.io, dir), 0);
    const table = parseCsv(readFileSync(join(dir, "eval.csv"), "utf8"));
    assert.equal(table.length, 4);
    const header = table[0]!;
    assert.deepEqual(header.slice(0, 4), ["project", "app_id", "partition_key", "step_sequence_id"]);
    const col = (name: string) => header.indexOf(name);
    const second = table.find((r) => r[col("note")] === "second,\nwith a newline");
    assert.ok(second, "quoted cell round-trips");
    assert.deepEqual(JSON.parse(second![col("state_fields")]!), { chatHistory: [{ role: "user", content: "Who was Aaron Burr?" }] });
    assert.equal(table.find((r) => r[col("step_name")] === "safetyCheck")![col("note")], 'judged "safe", correctly');

    // The runtime function the editor calls over a selection.
    const [other] = (await reader.listAnnotations("demo")).filter((a) => a.tags.includes("other"));
    const { rows: selected, warnings } = await datasetRows(reader, [other!, { ...other!, id: 99, step_sequence_id: 500 }]);
    assert.equal(selected.length, 1);
    assert.equal(selected[0]!.note, null, "an annotation without observations is one row");
    const run = await reader.readApp("demo", appId);
    assert.ok(run.steps[2]!.result, "aiResponse recorded a result");
    assert.deepEqual(selected[0]!.result, run.steps[2]!.result);
    assert.match(warnings[0]!, /annotation 99: app ".*" has no step 500; skipped/);
  });
});

// Annotations in Burr's annotations.jsonl, both directions: what we write is
// validated line by line by Burr's own pydantic models (vendored in
// test/fixtures/burr-schema), and what Burr's LocalBackend writes we read and
// update. Also: concurrent writers lose nothing, bad lines are skipped and kept.
import assert from "node:assert/strict";
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { pathToFileURL } from "node:url";
import { appendFileSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { TrackingReader, annotationsPath, type Annotation, type AnnotationObservation } from "burr-ts";
import { skipOrFail } from "../support/skip.js";

const SCHEMA_DIR = join(__dirname, "..", "fixtures", "burr-schema");
const BURR = join(SCHEMA_DIR, "burr_annotations.py");

function hasPydantic(): boolean {
  try {
    execFileSync("python3", ["-c", "import pydantic"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

function burr(...args: string[]): string {
  return execFileSync("python3", ["-W", "ignore", BURR, ...args], { encoding: "utf8" });
}

const obs = (note: string, truth?: unknown, thumbs: boolean | null = null): AnnotationObservation => ({
  data_fields: truth === undefined ? { note } : { note, ground_truth: truth },
  thumbs_up_thumbs_down: thumbs,
  data_pointers: [{ type: "state_field", field_name: "answer", span_id: null }],
});

describe("annotations.jsonl (Burr's format and place)", () => {
  let dir: string;
  let reader: TrackingReader;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "burr-annot-"));
    mkdirSync(join(dir, "demo"));
    reader = new TrackingReader(dir);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("annotates, updates and deletes; ids are max + 1 and the file holds AnnotationOut records", async () => {
    const a = await reader.annotate("demo", { appId: "app-1", partitionKey: null, stepSequenceId: 3, stepName: "respond", tags: ["good"], observations: [obs("fine", "42", true)] });
    const b = await reader.annotate("demo", { appId: "app-2", partitionKey: "user-1", stepSequenceId: 0, spanId: "0:1", stepName: "query", tags: [], observations: [] });
    assert.equal(a.id, 0);
    assert.equal(b.id, 1);
    assert.equal(b.span_id, "0:1");
    assert.equal(a.project_id, "demo");
    const updated = await reader.updateAnnotation("demo", 0, { tags: ["good", "gold"] });
    assert.deepEqual(updated.tags, ["good", "gold"]);
    assert.deepEqual(updated.observations, a.observations, "fields not given stay");
    assert.ok(updated.updated >= a.updated);
    assert.deepEqual((await reader.listAnnotations("demo", { appId: "app-1" })).map((x) => x.tags), [["good", "gold"]]);
    assert.deepEqual((await reader.listAnnotations("demo", { partitionKey: "user-1" })).map((x) => x.id), [1]);
    assert.deepEqual((await reader.listAnnotations("demo", { partitionKey: null })).map((x) => x.id), [0]);
    await reader.deleteAnnotation("demo", 0);
    const c = await reader.annotate("demo", { appId: "app-1", partitionKey: null, stepSequenceId: 1, stepName: "x", tags: [], observations: [] });
    assert.equal(c.id, 2, "max + 1 over what is left, as Burr assigns");
    assert.deepEqual((await reader.listAnnotations("demo")).map((x) => x.id), [1, 2]);
    await assert.rejects(reader.updateAnnotation("demo", 99, { tags: [] }), /Annotation 99 not found in project "demo"/);
    await assert.rejects(reader.deleteAnnotation("demo", 99), /Annotation 99 not found/);
    assert.ok(!existsSync(`${annotationsPath(dir, "demo")}.lock`), "the lock is released");
  });

  it("rejects malformed input with a message naming the app, step and field", async () => {
    const bad = { data_fields: {}, thumbs_up_thumbs_down: "yes", data_pointers: [] } as unknown as AnnotationObservation;
    await assert.rejects(
      reader.annotate("demo", { appId: "app-1", partitionKey: null, stepSequenceId: 2, stepName: "s", tags: [], observations: [bad] }),
      /app "app-1", step 2\) observations\[0\]: thumbs_up_thumbs_down must be true, false or null/,
    );
    await assert.rejects(reader.annotate("demo", { appId: "app-1", partitionKey: null, stepSequenceId: -1, stepName: "s", tags: [], observations: [] }), /stepSequenceId must be a non-negative integer/);
    assert.equal(existsSync(annotationsPath(dir, "demo")), false, "nothing written");
    await assert.rejects(reader.annotate("../outside", { appId: "a", partitionKey: null, stepSequenceId: 0, stepName: "s", tags: [], observations: [] }), /invalid project name "\.\.\/outside"/);
    await assert.rejects(reader.listAnnotations(".."), /invalid project name/);
  });

  it("concurrent writers lose nothing: 40 annotations from two readers get 40 distinct ids", async () => {
    const other = new TrackingReader(dir);
    const writes = Array.from({ length: 40 }, (_, i) =>
      (i % 2 ? reader : other).annotate("demo", { appId: `app-${i}`, partitionKey: null, stepSequenceId: i, stepName: "s", tags: [`t${i}`], observations: [] }),
    );
    const made = await Promise.all(writes);
    assert.deepEqual(new Set(made.map((a) => a.id)).size, 40);
    const stored = await reader.listAnnotations("demo");
    assert.equal(stored.length, 40);
    assert.deepEqual(stored.map((a) => a.id).sort((x, y) => x - y), Array.from({ length: 40 }, (_, i) => i));
  });

  it("two processes writing at once lose nothing", async () => {
    const runtime = pathToFileURL(require.resolve("burr-ts")).href;
    const writer = (name: string) =>
      new Promise<number | null>((resolve) => {
        const code = `const { TrackingReader } = await import(${JSON.stringify(runtime)});
          const r = new TrackingReader(${JSON.stringify(dir)});
          await Promise.all(Array.from({ length: 15 }, (_, i) => r.annotate("demo", { appId: "${name}", partitionKey: null, stepSequenceId: i, stepName: "s", tags: [], observations: [] })));`;
        spawn(process.execPath, ["--input-type=module", "-e", code], { stdio: "inherit" }).once("exit", resolve);
      });
    assert.deepEqual(await Promise.all([writer("p1"), writer("p2")]), [0, 0]);
    const all = await reader.listAnnotations("demo");
    assert.equal(all.length, 30);
    assert.equal(new Set(all.map((a) => a.id)).size, 30);
    assert.deepEqual([all.filter((a) => a.app_id === "p1").length, all.filter((a) => a.app_id === "p2").length], [15, 15]);
  });

  it("a lock left by a writer that was killed is taken over at once", async () => {
    const dead = spawnSync(process.execPath, ["-e", "0"]).pid!;
    writeFileSync(`${annotationsPath(dir, "demo")}.lock`, `${dead}@${hostname()}`);
    const start = Date.now();
    const a = await reader.annotate("demo", { appId: "app-1", partitionKey: null, stepSequenceId: 0, stepName: "s", tags: [], observations: [] });
    assert.equal(a.id, 0);
    assert.ok(Date.now() - start < 5000, "not waiting for the lock to go stale");
  });

  it("skips a corrupt line with a warning, never crashes, and keeps the line on rewrite", async () => {
    copyFileSync(join(SCHEMA_DIR, "burr-annotations.jsonl"), annotationsPath(dir, "demo"));
    appendFileSync(annotationsPath(dir, "demo"), '{"id": "seven", "half a line\n');
    const warnings: string[] = [];
    const got = await reader.listAnnotations("demo", { onWarning: (w) => warnings.push(w) });
    assert.equal(got.length, 2);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, /annotations\.jsonl:3: .*annotation skipped/);
    await reader.updateAnnotation("demo", 1, { tags: ["re-tagged"] });
    assert.match(readFileSync(annotationsPath(dir, "demo"), "utf8"), /\{"id": "seven", "half a line\n$/);
  });

  describe("against Burr's pydantic models", () => {
    before(function () {
      if (!hasPydantic()) skipOrFail(this, "python3 with pydantic is not available");
    });

    it("Burr's AnnotationOut validates every line we write", async () => {
      const observations: AnnotationObservation[] = [
        obs("polite", { answer: "Hello!", score: 3 }, true),
        { data_fields: {}, thumbs_up_thumbs_down: false, data_pointers: [{ type: "attribute", field_name: "model", span_id: "2:0" }] },
      ];
      await reader.annotate("demo", { appId: "app-1", partitionKey: null, stepSequenceId: 2, stepName: "respond", tags: ["a", "b"], observations });
      await reader.annotate("demo", { appId: "app-1", partitionKey: "user-9", stepSequenceId: 5, spanId: "5:1", stepName: "tool", tags: [], observations: [] });
      await reader.updateAnnotation("demo", 1, { observations: [obs("late note")] });
      const viaBurr = JSON.parse(burr("validate", annotationsPath(dir, "demo"))) as Array<Record<string, unknown>>;
      const ours = await reader.listAnnotations("demo");
      assert.equal(viaBurr.length, 2);
      for (const [i, b] of viaBurr.entries()) {
        const o = ours[i]!;
        for (const k of ["id", "project_id", "app_id", "partition_key", "step_sequence_id", "span_id", "step_name", "tags", "observations"] as const) {
          assert.deepEqual(b[k], o[k], `field ${k} of annotation ${o.id} as Burr reads it`);
        }
        assert.equal(Date.parse(String(b.created)), Date.parse(o.created), "Burr reads the same instant");
      }
    });

    it("reads what Burr's LocalBackend writes, and Burr and we interleave on one file", async () => {
      const path = annotationsPath(dir, "demo");
      copyFileSync(join(SCHEMA_DIR, "burr-annotations.jsonl"), path);
      const fromBurr = await reader.listAnnotations("demo");
      const expected: Array<Partial<Annotation>> = [
        { id: 0, app_id: "chat-1", partition_key: null, step_sequence_id: 2, span_id: null, step_name: "ai_response", tags: ["good", "tone"] },
        { id: 1, app_id: "chat-2", partition_key: "user-7", step_sequence_id: 4, span_id: "4:0", step_name: "query", tags: ["bad"] },
      ];
      assert.deepEqual(fromBurr.map((a) => ({ id: a.id, app_id: a.app_id, partition_key: a.partition_key, step_sequence_id: a.step_sequence_id, span_id: a.span_id, step_name: a.step_name, tags: a.tags })), expected);
      assert.equal(fromBurr[0]!.observations[0]!.data_fields.ground_truth, "Hello!");
      assert.equal(fromBurr[1]!.observations[0]!.data_pointers[0]!.type, "attribute");
      // We add one, Burr adds one after it, Burr updates ours, we update Burr's.
      const ours = await reader.annotate("demo", { appId: "chat-1", partitionKey: null, stepSequenceId: 3, stepName: "respond", tags: ["ours"], observations: [] });
      assert.equal(ours.id, 2);
      const theirs = JSON.parse(burr("create", path, "demo", "chat-1", "-", "4", JSON.stringify({ span_id: null, step_name: "x", tags: ["theirs"], observations: [] }))) as { id: number };
      assert.equal(theirs.id, 3);
      burr("update", path, "2", JSON.stringify({ step_name: "respond", tags: ["ours", "seen-by-burr"], observations: [obs("burr says hi")] }));
      await reader.updateAnnotation("demo", 3, { tags: ["theirs", "seen-by-us"] });
      const all = await reader.listAnnotations("demo");
      assert.deepEqual(all.map((a) => a.tags), [["good", "tone"], ["bad"], ["ours", "seen-by-burr"], ["theirs", "seen-by-us"]]);
      const fixtureLines = readFileSync(join(SCHEMA_DIR, "burr-annotations.jsonl"), "utf8").split("\n").slice(0, 2);
      assert.deepEqual(readFileSync(path, "utf8").split("\n").slice(0, 2), fixtureLines, "lines we did not change stay byte for byte");
      assert.equal(all[2]!.observations[0]!.data_fields.note, "burr says hi");
      assert.equal((JSON.parse(burr("validate", path)) as unknown[]).length, 4);
    });
  });
});

// The tracker reader on hostile logs: many bad lines, odd but well-formed
// records (fuzzed), and a big garbage log that listing must not read whole.
import { strict as assert } from "node:assert";
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, writeFileSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { TrackingReader } from "burr-ts";
import { summarizeTail } from "../../runtime/src/tracking/tail.js";
import { parseLog } from "../../runtime/src/tracking/logParser.js";

const T = "2026-11-24T14:03:31.864504";
const begin = (seq: number, action = "a") => JSON.stringify({ type: "begin_entry", start_time: T, action, inputs: {}, sequence_id: seq });
const endFull = (seq: number, state: object) => JSON.stringify({ type: "end_entry", end_time: T, action: "a", result: {}, exception: null, state, sequence_id: seq });
const endDelta = (seq: number, delta: unknown) => JSON.stringify({ type: "end_entry", end_time: T, action: "a", result: {}, exception: null, state_delta: delta, sequence_id: seq });

// A small seeded PRNG (mulberry32): failures reproduce from the printed seed.
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function oddValue(r: () => number, depth = 0): unknown {
  const pick = Math.floor(r() * 11);
  switch (pick) {
    case 0: return null;
    case 1: return Math.floor(r() * 2000) - 1000;
    case 2: return r() * 1e308 * (r() < 0.5 ? -1 : 1);
    case 3: return ["", "x", "__proto__", "constructor", "\u2028", "a\nb"][Math.floor(r() * 6)];
    case 4: return r() < 0.5;
    case 5: return depth > 3 ? [] : Array.from({ length: Math.floor(r() * 4) }, () => oddValue(r, depth + 1));
    case 6: return depth > 3 ? {} : Object.fromEntries(Array.from({ length: Math.floor(r() * 4) }, (_, i) => [["k", "__proto__", "set", "appended", "deleted", "chatHistory"][Math.floor(r() * 6)] + (i % 2 ? i : ""), oddValue(r, depth + 1)]));
    case 7: return T;
    case 8: return "2026-13-99";
    case 9: return { set: oddValue(r, depth + 1), appended: oddValue(r, depth + 1), deleted: oddValue(r, depth + 1) };
    default: return { chatHistory: oddValue(r, depth + 1) };
  }
}

const TYPES = ["begin_entry", "end_entry", "begin_span", "end_span", "attribute", "begin_stream", "first_item_stream", "end_stream", "other", 7, null];
const FIELDS = ["sequence_id", "action_sequence_id", "action", "inputs", "result", "exception", "state", "state_delta", "span_id", "span_name", "parent_span_id", "key", "value", "start_time", "end_time", "stream_init_time", "first_item_time", "items_streamed"];

function oddRecord(r: () => number): string {
  const rec: Record<string, unknown> = { type: TYPES[Math.floor(r() * TYPES.length)] };
  for (const f of FIELDS) if (r() < 0.5) rec[f] = f.endsWith("sequence_id") && r() < 0.7 ? Math.floor(r() * 4) : oddValue(r);
  return JSON.stringify(rec);
}

describe("TrackingReader on hostile logs", function () {
  this.timeout(120000);
  let storageDir: string;
  beforeEach(() => (storageDir = mkdtempSync(join(tmpdir(), "burr-hostile-"))));
  afterEach(() => rmSync(storageDir, { recursive: true, force: true }));

  function writeApp(appId: string, lines: string[] | string): void {
    const dir = join(storageDir, "p", appId);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "log.jsonl"), typeof lines === "string" ? lines : lines.join("\n") + "\n");
  }

  it("150,000 bad lines: every valid step is returned and warnings are capped with a count", async () => {
    const good = [begin(0), endFull(0, { n: 0 }), begin(1), endDelta(1, { set: { n: 1 } })];
    const bad = Array.from({ length: 150_000 }, (_, i) => (i % 3 ? "not json {" : `{"type":"end_span","action_sequence_id":${i}}`));
    writeApp("noisy", [good[0], good[1], ...bad, good[2], good[3]]);
    writeFileSync(join(storageDir, "p", "noisy", "children.jsonl"), "garbage\n".repeat(5000) + JSON.stringify({ child: { app_id: "kid", sequence_id: 0, partition_key: null }, sequence_id: 1, event_type: "fork" }) + "\n");
    for (const states of ["full", "delta"] as const) {
      const run = await new TrackingReader(storageDir).readApp("p", "noisy", { states });
      assert.deepEqual(run.steps.map((s) => s.sequenceId), [0, 1]);
      if (states === "full") assert.deepEqual(run.steps[1].state, { n: 1 });
      assert.deepEqual(run.children.map((c) => c.appId), ["kid"]);
      assert.ok(run.warnings.length <= 204, `${run.warnings.length} warnings`);
      assert.ok(run.warnings.some((w) => /149,900 more/.test(w)));
      assert.ok(run.warnings.some((w) => /children\.jsonl: \.\.\.and 4,900 more/.test(w)));
    }
  });

  it("an end_entry whose state_delta does not fit is skipped with a warning, never thrown, in both modes", async () => {
    const odd: unknown[] = [
      { appended: { chatHistory: "not an array" } },
      { appended: "x" },
      { set: [1, 2] },
      { deleted: "chatHistory" },
      { deleted: [1, null] },
      { set: 5 },
    ];
    odd.forEach((delta, i) => writeApp(`odd-${i}`, [begin(0), endFull(0, { chatHistory: [] }), begin(1), endDelta(1, delta), begin(2), endDelta(2, { appended: { chatHistory: [{ m: 1 }] } })]));
    for (let i = 0; i < odd.length; i++) {
      for (const states of ["full", "delta"] as const) {
        const run = await new TrackingReader(storageDir).readApp("p", `odd-${i}`, { states });
        assert.deepEqual(run.steps.map((s) => s.sequenceId), [0, 1, 2], `odd-${i} ${states}`);
        assert.ok(run.warnings.some((w) => /state_delta/.test(w) && /step 1/.test(w)), `odd-${i} ${states}: ${run.warnings.join("; ")}`);
        if (states === "full") assert.deepEqual(run.steps[2].state, { chatHistory: [{ m: 1 }] });
      }
    }
  });

  it("fuzz: 1,500 logs of odd records around valid steps never throw and keep the valid steps", async () => {
    const seed = Number(process.env.BURR_FUZZ_SEED ?? 1107);
    const r = rng(seed);
    const reader = new TrackingReader(storageDir);
    for (let n = 0; n < 1500; n++) {
      const lines: string[] = [];
      // Valid steps at sequence ids 5000.. that odd records (ids -1000..1000) cannot reach.
      for (let s = 0; s < 3; s++) {
        for (let k = Math.floor(r() * 4); k > 0; k--) lines.push(oddRecord(r));
        lines.push(begin(5000 + s, `good${s}`), s === 0 ? endFull(5000, { chatHistory: [] }) : endDelta(5000 + s, { appended: { chatHistory: [s] } }));
      }
      writeApp(`f${n}`, lines);
      for (const states of ["full", "delta"] as const) {
        const run = await reader.readApp("p", `f${n}`, { states }).catch((e: unknown) => assert.fail(`seed ${seed} log f${n} (${states}) threw ${String(e)}\n${lines.join("\n")}`));
        const good = run.steps.filter((s) => s.sequenceId >= 5000);
        assert.deepEqual(good.map((s) => s.action), ["good0", "good1", "good2"], `seed ${seed} log f${n}`);
      }
      if (n % 100 === 0) await reader.listApps("p");
    }
  });

  it("full states left unparsed (replay's reading) give what parsing the whole line gives, whatever the line's layout", () => {
    const history = Array.from({ length: 60 }, (_, i) => ({ role: i % 2 ? "assistant" : "user", content: `message ${i} `.repeat(8) }));
    const delta = { set: { n: 2 }, appended: { chatHistory: [history[59]] }, deleted: [] };
    const head = `"type":"end_entry","end_time":"${T}","action":"a","exception":null`;
    const state = JSON.stringify({ chatHistory: history, n: 2 });
    const layouts = [
      `{${head},"result":{},"state_delta":${JSON.stringify(delta)},"state":${state},"sequence_id":1}`, // the tracker's
      `{${head},"result":{"x":{"state":{"a":1}}},"state_delta":${JSON.stringify(delta)},"state":${state},"sequence_id":1}`, // a "state" key in the result
      `{${head},"result":{},"state_delta":${JSON.stringify(delta)},"state":${state},"extra":{"b":2},"sequence_id":1}`, // a member after the state
      `{${head},"result":{},"state":${state},"state_delta":${JSON.stringify(delta)},"sequence_id":1}`, // the delta after the state
      `{${head},"result":{},"state_delta":{"set":7},"state":${state},"sequence_id":1}`, // a malformed delta: the state is what counts
    ];
    for (const [i, line] of layouts.entries()) {
      const text = [begin(0), endFull(0, { chatHistory: history.slice(0, 58), n: 1 }), begin(1), line].join("\n");
      const eager = parseLog(text, "log.jsonl", false).steps[1]!;
      const lazy = parseLog(text, "log.jsonl", false, { lazyStates: true }).steps[1]!;
      assert.ok(line.length > 4096);
      // The first three are read without their state; the others have no delta to compare before it, and are read whole.
      assert.equal(Object.getOwnPropertyDescriptor(lazy, "state")?.get !== undefined, i < 3, `layout ${i}`);
      assert.deepEqual(lazy.result, eager.result, `layout ${i}`);
      assert.deepEqual(lazy.state, eager.state, `layout ${i}`);
      assert.deepEqual(lazy.stateDelta, eager.stateDelta, `layout ${i}`);
    }
  });

  it("listApps does not read a 50 MB garbage log whole", async () => {
    const dir = join(storageDir, "p", "garbage");
    mkdirSync(dir, { recursive: true });
    const path = join(dir, "log.jsonl");
    const chunk = randomBytes(1024 * 1024);
    const fd = openSync(path, "w");
    for (let i = 0; i < 50; i++) writeFileSync(fd, chunk);
    closeSync(fd);
    const [app] = await new TrackingReader(storageDir).listApps("p");
    assert.equal(app.appId, "garbage");
    assert.equal(app.steps, 0);
    assert.ok(app.warnings?.some((w) => /not JSON lines|corrupt/.test(w)), String(app.warnings));
    // A bounded read, whatever the size: measured on the tail reader itself.
    const tfd = openSync(path, "r");
    try {
      const summary = summarizeTail(tfd, 50 * 1024 * 1024, path);
      assert.ok(summary.bytesRead <= 2 * 1024 * 1024, `read ${summary.bytesRead} bytes`);
    } finally {
      closeSync(tfd);
    }
    // The same garbage without a single newline: one 50 MB "line".
    writeFileSync(path, Buffer.alloc(50 * 1024 * 1024, 0x41));
    const tfd2 = openSync(path, "r");
    try {
      const summary = summarizeTail(tfd2, 50 * 1024 * 1024, path);
      assert.equal(summary.steps, 0);
      assert.ok(summary.bytesRead <= 2 * 1024 * 1024, `read ${summary.bytesRead} bytes`);
    } finally {
      closeSync(tfd2);
    }
  });
});

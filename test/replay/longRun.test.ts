// Replaying a long compact run: its full states come with what their step
// wrote, so replay from the first step leaves them unparsed (and a damaged
// one matters only where replay needs it); a prompt that differs from the
// record only in an early message of a long history still diverges.
import assert from "node:assert/strict";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { readTrackedRun, replayRun, rerunStep, ReplayInputError, formatReport } from "../../runtime/src/replay/index.js";
import { parseLog, stateAt } from "../../runtime/src/tracking/logParser.js";
import { chatbotSending as sending, recordChatbot, trackingDir } from "./support.js";

const prompts = Array.from({ length: 40 }, (_, i) => `Question ${i} about Aaron Burr. ${"Please answer at length. ".repeat(8)}`);

const lazy = (state: object): boolean => Object.getOwnPropertyDescriptor(state, "state")?.get !== undefined;

describe("replay: a long compact run", () => {
  let dir: string;
  let runDir: string;
  before(async () => {
    dir = trackingDir();
    runDir = await recordChatbot(dir, "long", { compact: true, prompts });
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("leaves full states unparsed when replaying from the first step; rebuilt states equal the eagerly read ones", async () => {
    const run = readTrackedRun(runDir);
    const deferred = run.steps.filter(lazy);
    assert.ok(deferred.length >= 2, `${deferred.length} full states left as text`);
    const report = await replayRun(sending(null), run);
    assert.equal(report.status, "match", formatReport(report));
    assert.equal(run.steps.filter(lazy).length, deferred.length, "replay read none of them");
    const text = readFileSync(join(runDir, "log.jsonl"), "utf8");
    const eager = parseLog(text, "log.jsonl", false).steps;
    for (const i of [0, run.steps.indexOf(deferred[1]!), run.steps.length - 1]) assert.deepEqual(stateAt(run.steps, i), stateAt(eager, i), `step ${i}`);
    assert.equal(run.steps.filter(lazy).length, deferred.length - 1, "stateAt read the one it started from");
  });

  it("a damaged full state is an input error where replay needs it, and no concern where it does not", async () => {
    const log = join(runDir, "log.jsonl");
    const original = readFileSync(log, "utf8");
    const lines = original.split("\n");
    const last = lines.findLastIndex((l) => l.startsWith('{"type":"end_entry"') && l.length > 4096 && l.includes('"state":{'));
    try {
      // The state's history (after the delta's): the line's head still parses, its state no longer does.
      const line = lines[last]!;
      const at = line.lastIndexOf('"chatHistory":[');
      lines[last] = `${line.slice(0, at)}"chatHistory":[}${line.slice(at + 15)}`;
      writeFileSync(log, lines.join("\n"));
      const run = readTrackedRun(runDir);
      const report = await replayRun(sending(null), run);
      assert.equal(report.status, "match", formatReport(report));
      const seq = (JSON.parse(line) as { sequence_id: number }).sequence_id;
      await assert.rejects(rerunStep(sending(null), run, seq + 1), (err: Error) => err instanceof ReplayInputError && /damaged.*state of step \d+ is not valid JSON/.test(err.message));
    } finally {
      writeFileSync(log, original);
    }
  });

  it("a prompt that differs only in an early message of a long history diverges at the call that sends it", async () => {
    const run = readTrackedRun(runDir);
    // From 31 messages on, the second one is sent reworded: arguments this long are recorded as their digest only.
    const edited = await replayRun(sending((h) => (h.length >= 31 ? [h[0]!, { ...h[1]!, content: `${h[1]!.content}!` }, ...h.slice(2)] : h)), run);
    const d = edited.divergence!;
    assert.deepEqual([d.kind, d.key, d.action], ["call", "model.complete", "aiResponse"]);
    assert.match(d.message, /their digest differs/);
    const before = stateAt(run.steps, run.steps.findIndex((s) => s.sequenceId === d.sequenceId) - 1)!;
    assert.equal((before.chatHistory as unknown[]).length, 31, "at the first call that sends it, not later");
  });
});

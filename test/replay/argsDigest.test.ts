// What trace() keeps of a call's arguments: a digest that is the same for
// equal arguments however they are held (continued from a shorter chat
// history's hash, or computed whole), different when any item differs, and
// the arguments themselves only when short. A long conversation's record holds
// digests, not the history once per call, and a changed prompt still diverges.
import assert from "node:assert/strict";
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { State as DistState } from "burr-ts";
import type { Message } from "../../examples/chatbot/model.js";
import { argsDigest, isSmall, ARGS_DIGEST_ATTRIBUTE } from "../../runtime/src/tracking/argsDigest.js";
import { State as SrcState } from "../../runtime/src/state/state.js";
import { knownPrefix } from "../../runtime/src/state/vector.js";
import { readTrackedRun, replayRun, formatReport } from "../../runtime/src/replay/index.js";
import { chatbotSending, recordChatbot, trackingDir } from "./support.js";

const msg = (i: number): Message => Object.freeze({ role: i % 2 ? "assistant" : "user", content: `message ${i} `.repeat(20) }) as Message;

describe("replay: the digest of traced calls' arguments", () => {
  it("is the same for equal arguments whether continued from a shorter history or computed whole", () => {
    let s = new SrcState<{ h: Message[] }>({ h: [] });
    const digests: string[] = [];
    for (let i = 0; i < 50; i++) {
      s = s.append({ h: msg(i) });
      digests.push(argsDigest([s.get("h")]));
    }
    // Fresh, unfrozen copies of the same messages: nothing to continue from or remember.
    const fresh = Array.from({ length: 50 }, (_, i) => argsDigest([Array.from({ length: i + 1 }, (_, j) => ({ ...msg(j) }))]));
    assert.deepEqual(digests, fresh);
    assert.equal(new Set(digests).size, 50);
  });

  it("gives the digests recorded runs hold (d1): the same text for the same arguments, release after release", () => {
    assert.equal(argsDigest([]), "d1:okf1hp7l.ykktvj8x");
    assert.equal(argsDigest(["hello", 1, true, null, { a: [1, 2], b: "x" }]), "d1:y0zq8ou8.2erurbry");
    const history = [{ role: "user", content: "Who was Aaron Burr?" }, { role: "assistant", content: "A vice president." }];
    assert.equal(argsDigest([history]), "d1:1efjz6nbm.y18xpmgz");
  });

  it("differs when an item in the middle differs, even with the same first and last items", () => {
    const items = Array.from({ length: 20 }, (_, i) => msg(i));
    const a = Object.freeze(items.slice());
    const longer = Object.freeze([...items, msg(20)]);
    const edited = Object.freeze([...items.slice(0, 10), { role: "user", content: "edited" }, ...items.slice(11), msg(20)]);
    argsDigest([a]);
    assert.notEqual(argsDigest([edited]), argsDigest([longer]));
    assert.notEqual(argsDigest(["x", 1]), argsDigest(["x", "1"]));
    assert.notEqual(argsDigest([{ a: 1, b: 2 }]), argsDigest([{ a: 1, b: 3 }]));
  });

  it("continues a history made by another copy of the runtime (a CommonJS program under `burr-ts replay`)", () => {
    // "burr-ts" is the built copy, this digest the source's: as the CLI's copy digests a program's state.
    let s = new DistState<{ h: Message[] }>({ h: [] });
    let last: readonly Message[] = [];
    for (let i = 0; i < 5; i++) {
      s = s.append({ h: msg(i) }).append({ h: msg(i + 100) });
      const h = s.get("h");
      if (i > 0) assert.equal(knownPrefix(last, h), true, `turn ${i}: the shorter history is known to start the longer`);
      last = h;
    }
    const other = new DistState<{ h: Message[] }>({ h: [] }).append({ h: msg(0) }).get("h");
    assert.equal(knownPrefix(other, last), false, "an unrelated history with the same first item is not a known prefix");
  });

  it("sees an unfrozen array changed in place between calls", () => {
    const list: Message[] = [{ role: "user", content: "hello" }];
    const before = argsDigest([list]);
    list[0].content = "changed";
    assert.notEqual(argsDigest([list]), before);
  });

  it("keeps arguments whole only when short, deciding without walking a long value", () => {
    assert.equal(isSmall(["a short prompt", { k: 1 }]), true);
    let reads = 0;
    const long = new Proxy(Array.from({ length: 100_000 }, (_, i) => msg(i)), {
      get(target, key, receiver) {
        if (typeof key === "string" && /^\d+$/.test(key)) reads++;
        return Reflect.get(target, key, receiver) as unknown;
      },
    });
    assert.equal(isSmall([long]), false);
    assert.ok(reads < 20, `isSmall stops at its budget (read ${reads} items of 100,000)`);
  });
});

describe("replay: a long conversation records digests, not the history per call", () => {
  let dir: string;
  beforeEach(() => {
    dir = trackingDir();
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const prompts = Array.from({ length: 12 }, (_, i) => `Tell me about Aaron Burr, part ${i}. ${"Please be thorough. ".repeat(10)}`);

  /** The chatbot; with `system`, a system prompt is put first once the history has `from` messages. */
  const prompted = (system: string | null, from = 0) =>
    chatbotSending(system === null ? null : (history) => (history.length < from ? history : [{ role: "system", content: system }, ...history]));

  it("records a digest for long arguments, replays the unchanged code, and a changed prompt diverges at its call", async () => {
    const runDir = await recordChatbot(dir, "long", { prompts });
    const log = readFileSync(join(runDir, "log.jsonl"), "utf8");
    const argsLines = log.split("\n").filter((l) => l.includes('"args"'));
    const digestLines = log.split("\n").filter((l) => l.includes(ARGS_DIGEST_ATTRIBUTE));
    assert.equal(digestLines.length, 12, "every call keeps a digest");
    assert.ok(argsLines.length > 0 && argsLines.length < 12, "short arguments are written whole, long ones are not");
    const run = readTrackedRun(runDir);
    // The recorded answers come back from the record; this builder's model is never asked.
    const same = await replayRun(prompted(null), run);
    assert.equal(same.status, "match", formatReport(same));
    // From the 8th turn (15 messages, well past the length kept whole) only the digest can tell.
    const changed = await replayRun(prompted("Answer in French.", 15), run);
    const d = changed.divergence!;
    assert.deepEqual([d.kind, d.key, d.sequenceId, d.action], ["call", "model.complete", 23, "aiResponse"]);
    assert.match(formatReport(changed), /DIVERGED at step 23 \(aiResponse\)[\s\S]*other arguments than recorded \(their digest differs/);
    assert.match(String(d.recorded), /^\(arguments with digest d1:/);
    // A short first call is kept whole, so there replay says where the arguments differ.
    const early = (await replayRun(prompted("Answer in French."), run)).divergence!;
    assert.match(early.message, /other arguments than recorded \(at args\[0\]\[0\]\.role\)/);
  });
});

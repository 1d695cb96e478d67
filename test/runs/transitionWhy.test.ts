// "Why did this transition happen": the recorded condition texts evaluated on
// the recorded state, over real runs — Python Burr 0.40's fixtures and a
// burr-ts app run with the local tracker — and hand-written runs whose
// recorded choice the texts cannot reproduce.
import { strict as assert } from "node:assert";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { action, ApplicationBuilder, condition, expr, when } from "burr-ts";
import { parseConditionText } from "../../runtime/src/conditions/explain.js";
import { buildStepView } from "../../extension/src/runs/views/stepView.js";
import { TrackingDirStore } from "../../extension/src/runs/stores/trackingDirStore.js";
import { checkTransition } from "../../extension/src/runs/views/transitionWhy.js";
import type { AppRun } from "../../extension/src/runs/stores/types.js";
import type { NextView } from "../../webview/src/protocol/runs.js";
import { pythonRuns, tempDir } from "./helpers.js";
import { writeRun } from "./writeRun.js";

function nextOf(run: AppRun, seq: number): NextView {
  const i = run.steps.findIndex((s) => s.sequenceId === seq);
  assert.ok(i >= 0, `no step ${seq}`);
  return buildStepView({ storeLabel: "x", project: "p", appId: "a", run, step: run.steps[i], previous: i > 0 ? run.steps[i - 1] : null, actions: [] }).next;
}

const brief = (n: NextView) => ({
  kind: n.kind, action: n.action, verdict: n.verdict,
  taken: n.taken && `${n.taken.from} → ${n.taken.to} [${n.taken.condition}] ${n.taken.outcome}`,
  before: n.before.map((c) => `${c.to} [${c.condition}] ${c.outcome}`),
});

describe("runs: why a transition happened", () => {
  describe("Python Burr runs", () => {
    const store = new TrackingDirStore(pythonRuns);

    it("chatbot: safe=True was taken after safe=False, tried first, failed on safe = true", async () => {
      const run = await store.readApp("seed-chatbot", "chatbot-safe");
      const n = nextOf(run, 1);
      assert.deepEqual(brief(n), {
        kind: "next", action: "ai_response", verdict: "explained",
        taken: "safety_check → ai_response [safe=True] holds", before: ["unsafe_response [safe=False] fails"],
      });
      assert.equal(n.sequenceId, 2);
      assert.deepEqual(n.before[0].values, [{ key: "safe", present: true, value: true, wants: { value: false, met: false } }]);
      assert.deepEqual(n.taken!.values, [{ key: "safe", present: true, value: true, wants: { value: true, met: true } }]);
      assert.equal(n.summary, "“safe=True” held on the state after this step; the transition tried before it did not.");
    });

    it("chatbot: an unsafe prompt takes the first transition; default edges always hold", async () => {
      const run = await store.readApp("seed-chatbot", "chatbot-safe");
      assert.deepEqual(brief(nextOf(run, 4)), { kind: "next", action: "unsafe_response", verdict: "explained", taken: "safety_check → unsafe_response [safe=False] holds", before: [] });
      const d = nextOf(run, 5);
      assert.deepEqual(brief(d), { kind: "next", action: "human_input", verdict: "explained", taken: "unsafe_response → human_input [default] holds", before: [] });
      assert.equal(d.summary, "The default transition always holds.");
      assert.deepEqual(d.taken!.values, []);
    });

    it("chatbot: the last step ended the run; its transitions say what would come next", async () => {
      const run = await store.readApp("seed-chatbot", "chatbot-safe");
      const n = nextOf(run, 8);
      assert.deepEqual(brief(n), { kind: "ended", action: "human_input", verdict: null, taken: "ai_response → human_input [default] holds", before: [] });
      assert.equal(n.summary, "If the app resumes, human_input comes next (the default transition).");
    });

    it("expr text: n < 4 with the value of n, while it holds and where the run halted", async () => {
      const run = await store.readApp("tracing", "traced");
      const n = nextOf(run, 0);
      assert.deepEqual(brief(n), { kind: "next", action: "work", verdict: "explained", taken: "work → work [n < 4] holds", before: [] });
      assert.deepEqual(n.taken!.values, [{ key: "n", present: true, value: 1, wants: null }]);
      const last = nextOf(run, 2);
      assert.equal(last.kind, "ended");
      assert.equal(last.summary, "If the app resumes, work comes next (“n < 4” holds).");
      assert.deepEqual(last.taken!.values, [{ key: "n", present: true, value: 3, wants: null }]);
    });

    it("a failed step tried no transition; a fork's only step ended its run", async () => {
      const failed = nextOf(await store.readApp("errors", "counter-fails"), 2);
      assert.deepEqual(brief(failed), { kind: "failed", action: null, verdict: null, taken: null, before: [] });
      assert.equal(failed.summary, "The step threw, so its transitions were not tried and the run stopped here.");
      assert.equal(nextOf(await store.readApp("errors", "counter-fails"), 1).taken?.condition, "default");
      const fork = nextOf(await store.readApp("forks", "forked-child"), 1);
      assert.equal(fork.kind, "ended");
      assert.equal(fork.action, "counter");
    });
  });

  describe("a burr-ts run (the local tracker)", () => {
    let run: AppRun;
    let t: { dir: string; dispose: () => void };

    before(async () => {
      t = tempDir("why");
      const start = action({ reads: [], writes: ["mode"] }, (state) => [{}, state.update({ mode: "x" })]);
      const tick = action({ reads: ["count"], writes: ["count", "items"] }, (state) => {
        const count = (state.get("count") as number) + 1;
        return [{ count }, state.update({ count }).append({ items: count })];
      });
      const done = action({ reads: [], writes: [] }, (state) => [{}, state]);
      const app = new ApplicationBuilder()
        .withActions({ start, tick, done, special: done, huge: done })
        .withTransitions(
          ["start", "special", when({ mode: "a, b" })],
          ["start", "tick", expr('mode == "x"')],
          ["tick", "huge", condition((s) => (s.get("count") as number) > 100, { keys: ["count"], name: "isHuge" })],
          ["tick", "done", expr("count >= 3 and items.length > 2")],
          ["tick", "tick", when({ flag: true }).not().and(expr("count < 10"))],
          ["tick", "done"],
        )
        .withState({ count: 0, items: [], flag: false, mode: "" })
        .withEntrypoint("start")
        .withTracker("local", { project: "why", storageDir: t.dir })
        .build();
      await app.run({ haltAfter: ["done"] });
      run = await new TrackingDirStore(t.dir).readApp("why", app.uid);
    });
    after(() => t.dispose());

    it("records what it tested: a when() string with a comma, then an expr that held", () => {
      assert.deepEqual(run.steps.map((s) => s.action), ["start", "tick", "tick", "tick", "done"]);
      const n = nextOf(run, 0);
      assert.deepEqual(brief(n), {
        kind: "next", action: "tick", verdict: "explained", taken: 'start → tick [mode == "x"] holds', before: ['special [mode="a, b"] fails'],
      });
      assert.deepEqual(n.before[0].values, [{ key: "mode", present: true, value: "x", wants: { value: "a, b", met: false } }]);
    });

    it("a custom condition before the taken one: partly explained, its declared keys shown", () => {
      const n = nextOf(run, 1);
      assert.deepEqual(brief(n), {
        kind: "next", action: "tick", verdict: "partial", taken: "tick → tick [(not flag=true) and (count < 10)] holds",
        before: ["huge [isHuge] unknown", "done [count >= 3 and items.length > 2] fails"],
      });
      assert.deepEqual(n.before[0].values, [{ key: "count", present: true, value: 1, wants: null }]);
      assert.match(n.before[0].note!, /cannot be evaluated from its text: a custom condition/);
      assert.deepEqual(n.before[1].values, [
        { key: "count", present: true, value: 1, wants: null },
        { key: "items.length", present: true, value: 1, wants: null },
      ]);
      assert.deepEqual(n.taken!.values, [
        { key: "flag", present: true, value: false, wants: { value: true, met: false } },
        { key: "count", present: true, value: 1, wants: null },
      ]);
      assert.equal(n.summary, "Partly explained: “isHuge” cannot be evaluated from the recorded text. The run went past the transitions before the taken one, so they did not hold.");
    });

    it("when the expr holds, done is next; an action without transitions ends the app", () => {
      assert.deepEqual(brief(nextOf(run, 3)).taken, "tick → done [count >= 3 and items.length > 2] holds");
      const end = nextOf(run, 4);
      assert.deepEqual(brief(end), { kind: "ended", action: null, verdict: null, taken: null, before: [] });
      assert.equal(end.summary, "No transition leaves done, so the app is done.");
    });
  });

  describe("burr-ts runs: the recorded condition tree, not its text", () => {
    const t = tempDir("why-tree");
    let run: AppRun;
    let graphJson: { transitions: unknown[]; burr_ts_graph: { transitions: Array<{ condition: string; conditionTree?: unknown }> } };
    before(async () => {
      const at = new Date("2024-01-01T00:00:00Z");
      const start = action({ reads: [], writes: ["at"] }, (state) => [{}, state.update({ at })]);
      const end = action({ reads: [], writes: [] }, (state) => [{}, state]);
      const app = await new ApplicationBuilder()
        .withActions({ start, onNewYear: end, otherwise: end })
        .withTransitions(["start", "onNewYear", when({ at: new Date("2024-01-01T00:00:00Z") }).and(expr("at is not None"))], ["start", "otherwise"])
        .withState({ at: new Date(0) })
        .withEntrypoint("start")
        .withTracker("local", { project: "tree", storageDir: t.dir })
        .build();
      await app.run({ haltAfter: ["onNewYear", "otherwise"] });
      run = await new TrackingDirStore(t.dir).readApp("tree", app.uid);
      graphJson = JSON.parse(readFileSync(join(t.dir, "tree", app.uid, "graph.json"), "utf8"));
    });
    after(() => t.dispose());

    it("graph.json keeps Burr's transition fields and records the tree beside the display text", () => {
      assert.deepEqual(graphJson.transitions[0], { type: "transition", from_: "start", to: "onNewYear", condition: 'at="2024-01-01T00:00:00.000Z" and (at is not None)' });
      const tree = graphJson.burr_ts_graph.transitions[0]!.conditionTree as { kind: string; operands: Array<{ kind: string }> };
      assert.deepEqual(tree.operands.map((o) => o.kind), ["when", "expr"]);
      assert.equal(tree.kind, "and");
    });

    it("a when() on a Date is explained from the tree (its text alone cannot match the stored Date)", () => {
      assert.deepEqual(run.steps.map((s) => s.action), ["start", "onNewYear"]);
      const n = nextOf(run, 0);
      assert.equal(n.verdict, "explained", n.summary);
      assert.equal(n.taken!.outcome, "holds");
      // The same transition without its tree falls back to the text, which reads the value as a string.
      const textOnly = { ...run.graph!.transitions[0]!, conditionTree: undefined };
      assert.equal(checkTransition(textOnly, run.steps[0]!.state!).outcome, "fails");
    });
  });

  describe("choices the texts cannot reproduce", () => {
    const t = tempDir("why-bad");
    after(() => t.dispose());
    const graph = {
      type: "application", entrypoint: "check",
      actions: ["check", "a", "b", "c"].map((name) => ({ type: "action", name, reads: [], writes: [], code: "", inputs: [], optional_inputs: [] })),
      transitions: [
        { type: "transition", from_: "check", to: "a", condition: "n > 5" },
        { type: "transition", from_: "check", to: "b", condition: "default" },
      ],
    };

    it("the texts pick another action than the run did (e.g. state edited in the debugger): shown, marked not reproducible", async () => {
      writeRun(t.dir, "bad", "edited", [{ action: "check", state: { n: 10 } }, { action: "b", state: { n: 10 } }], { graph });
      const n = nextOf(await new TrackingDirStore(t.dir).readApp("bad", "edited"), 0);
      assert.deepEqual(brief(n), { kind: "next", action: "b", verdict: "unreproducible", taken: "check → b [default] holds", before: ["a [n > 5] holds"] });
      assert.match(n.summary, /^Not reproducible: evaluating the recorded conditions on this state picks a \(“n > 5”\), but the run went to b\./);
    });

    it("a step with no edge to it in the graph", async () => {
      writeRun(t.dir, "bad", "jumped", [{ action: "check", state: { n: 1 } }, { action: "c", state: { n: 1 } }], { graph });
      const n = nextOf(await new TrackingDirStore(t.dir).readApp("bad", "jumped"), 0);
      assert.deepEqual(brief(n), { kind: "next", action: "c", verdict: "unreproducible", taken: null, before: ["a [n > 5] fails", "b [default] holds"] });
      assert.match(n.summary, /no transition from check to c/);
    });

    it("a run without graph.json says so, and a running step waits", async () => {
      writeRun(t.dir, "bad", "nograph", [{ action: "check", state: { n: 1 } }, { action: "b", state: { n: 1 } }], { graph: null });
      const n = nextOf(await new TrackingDirStore(t.dir).readApp("bad", "nograph"), 0);
      assert.deepEqual(brief(n), { kind: "next", action: "b", verdict: null, taken: null, before: [] });
      assert.match(n.summary, /No graph was recorded/);
      // A step that has begun and not ended (its end_entry line not yet written).
      const dir = writeRun(t.dir, "bad", "live", [{ action: "check", state: { n: 1 } }], { graph });
      writeFileSync(join(dir, "log.jsonl"), readFileSync(join(dir, "log.jsonl"), "utf8").split("\n").filter((l) => !l.includes("end_entry")).join("\n"));
      const live = nextOf(await new TrackingDirStore(t.dir).readApp("bad", "live"), 0);
      assert.deepEqual(brief(live), { kind: "running", action: null, verdict: null, taken: null, before: [] });
      assert.equal(live.summary, "The next action is chosen when this step ends.");
    });
  });

  describe("condition texts", () => {
    const check = (condition: string, state: Record<string, unknown>, keys?: string[]) => checkTransition({ from: "x", to: "y", condition, keys }, state);

    it("Python Burr's when() writes str() values: True/False/None, bare strings, numbers", () => {
      assert.equal(check("mode=chat, n=3", { mode: "chat", n: 3 }).outcome, "holds");
      assert.equal(check("mode=chat, n=3", { mode: "chat", n: 4 }).outcome, "fails");
      assert.equal(check("done=None", { done: null }).outcome, "holds");
      assert.equal(check("~safe=True", { safe: false }).outcome, "holds");
      assert.equal(check("safe=True & n < 4", { safe: true, n: 9 }).outcome, "fails");
      assert.equal(check("safe=True | n < 4", { safe: false, n: 1 }).outcome, "holds");
    });

    it("burr-ts texts: JSON values, not/and/or with parentheses; keys that differ from the recorded ones mean a custom condition", () => {
      assert.deepEqual(parseConditionText('(a="x, y" and (n >= 3)) or not b=[1,2]', "burr-ts").kind, "any");
      assert.equal(check('(a="x, y" and (n >= 3)) or (not b=[1,2])', { a: "x, y", n: 3, b: [1, 2] }, ["a", "n", "b"]).outcome, "holds");
      assert.equal(check('(a="x, y" and (n >= 3)) or (not b=[1,2])', { a: "x", n: 3, b: [1, 2] }, ["a", "n", "b"]).outcome, "fails");
      // burr-ts never writes a bare string value: mode=chat is no when() text of ours.
      assert.equal(check("mode=chat", { mode: "chat" }, ["mode"]).outcome, "unknown");
      const named = check("ready", { ready: true }, ["count"]);
      assert.equal(named.outcome, "unknown");
      assert.deepEqual(named.values.map((v) => v.key), ["count"]);
    });

    it("Burr's Python expressions are evaluated by the runtime's own evaluator", () => {
      const long = check("len(messages) > 3 and messages[-1] in ['bye', 'quit']", { messages: [1, 2, 3, "bye"] });
      assert.equal(long.outcome, "holds");
      assert.deepEqual(long.values.map((v) => v.key), ["messages"]);
      assert.equal(check("len(messages) > 3", { messages: [] }).outcome, "fails");
      assert.equal(check("answer is None", { answer: null }).outcome, "holds");
    });

    it("a Python-only expression, a missing key and a type error are not evaluated, with the reason", () => {
      assert.match(check("n ** 2 > 3", { n: 2 }).note!, /Python-only syntax/);
      assert.equal(check("isSafe", {}).outcome, "unknown");
      assert.match(check("n > 3", {}).note!, /"n" not in state/);
      assert.match(check('n > "a"', { n: 1 }).note!, /cannot apply ">"/);
    });
  });
});

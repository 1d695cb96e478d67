// Burr parity, the smaller gaps: withIdentifiers({ sequenceId }), the built-in
// Result and Input actions, hasNextAction(), and a tracked run as the loader
// of initializeFrom. Cases follow Burr's tests/core/test_application.py
// (test_iterate with Result("count"), sequence ids, has_next_action) and
// tests/tracking (LocalTrackingClient.load).
import assert from "node:assert/strict";
import { appendFileSync, cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  ApplicationBuilder,
  ConfigurationError,
  Input,
  LocalTrackingClient,
  MissingInputError,
  Result,
  action,
  always,
  expr,
  type PostRunStepArgs,
} from "burr-ts";

const counter = action({ reads: ["count"], writes: ["count"] }, (s) => {
  const count = s.get("count") + 1;
  return [{ count }, s.update({ count })];
});

function counterApp(ids: { appId?: string; sequenceId?: number } = {}, seen: PostRunStepArgs[] = []) {
  return new ApplicationBuilder()
    .withActions({ counter, result: Result("count") })
    .withTransitions(["counter", "counter", expr("count < 10")], ["counter", "result", always])
    .withState({ count: 0 })
    .withEntrypoint("counter")
    .withIdentifiers({ appId: "test-123", partitionKey: "test", ...ids })
    .withHooks({ postRunStep: (a) => void seen.push(a) })
    .build();
}

describe("parity: Result and Input actions", () => {
  it("Result(...keys) returns those keys and leaves state alone (Burr's test_iterate)", async () => {
    const app = counterApp({ sequenceId: 0 });
    const steps: Array<[string, Record<string, unknown>]> = [];
    const it = app.iterate({ haltAfter: ["result"] });
    let next = await it.next();
    while (!next.done) {
      steps.push([next.value.action, next.value.result]);
      next = await it.next();
    }
    assert.equal(steps.length, 11);
    assert.deepEqual(steps[10], ["result", { count: 10 }]);
    assert.deepEqual(next.value.result, { count: 10 });
    assert.equal(next.value.state.get("count"), 10);
    assert.equal(app.sequenceId, 11, "as in Burr: started at 0, eleven steps later it is 11");
    const model = app.graph.actions.find((a) => a.name === "result");
    assert.deepEqual([model?.reads, model?.writes], [["count"], []]);
  });

  it("Input(...keys) needs those inputs and writes them to state", async () => {
    const app = new ApplicationBuilder()
      .withActions({ ask: Input("prompt", "user"), done: Result("prompt") })
      .withTransitions(["ask", "done"])
      .withEntrypoint("ask")
      .withIdentifiers({ appId: "inputs" })
      .build();
    await assert.rejects(app.step(), (e: unknown) => e instanceof MissingInputError && e.missing.join() === "prompt,user");
    const r = await app.run({ haltAfter: ["done"], inputs: { prompt: "hi", user: "ada", extra: 1 } });
    assert.deepEqual(r.result, { prompt: "hi" });
    assert.deepEqual(app.state.getAll(), { prompt: "hi", user: "ada" });
  });

  it("they need at least one key name", () => {
    assert.throws(() => Result(), (e: unknown) => e instanceof ConfigurationError && /Result\(\.\.\.keys\) takes one or more state key names/.test(e.message));
    assert.throws(() => Input(""), /Input\(\.\.\.keys\)/);
  });
});

describe("parity: withIdentifiers({ sequenceId }) and hasNextAction()", () => {
  it("the app is at that sequence id; its first step runs as the next one", async () => {
    const seen: PostRunStepArgs[] = [];
    const app = counterApp({ sequenceId: 41 }, seen);
    assert.equal(app.sequenceId, 41);
    await app.step();
    assert.equal(seen[0].sequenceId, 42);
    assert.equal(app.sequenceId, 42);
  });

  it("a bad sequence id is refused naming the fix", () => {
    for (const bad of [-1, 1.5, Number.NaN, "3" as unknown as number]) {
      assert.throws(() => new ApplicationBuilder().withIdentifiers({ appId: "x", sequenceId: bad }), /withIdentifiers: sequenceId must be a whole number >= 0/);
    }
  });

  it("hasNextAction() is true while a transition applies and false at the end", async () => {
    const app = new ApplicationBuilder()
      .withActions({ counter, result: Result("count") })
      .withTransitions(["counter", "result", expr("count >= 2")], ["counter", "counter"])
      .withState({ count: 0 })
      .withEntrypoint("counter")
      .build();
    const seen: boolean[] = [app.hasNextAction()];
    while (await app.step()) seen.push(app.hasNextAction());
    assert.deepEqual(seen, [true, true, true, false]);
  });
});

describe("parity: initializeFrom(tracker) resumes or forks a tracked run", () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), "burr-tracked-"))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function tracked(tracker: LocalTrackingClient, appId: string, fork?: { appId: string; sequenceId?: number }) {
    return new ApplicationBuilder()
      .withActions({ counter, result: Result("count") })
      .withTransitions(["counter", "result", expr("count >= 5")], ["counter", "counter"])
      .withTracker(tracker)
      .withIdentifiers({ appId })
      .initializeFrom(tracker, {
        resumeAtNextAction: true,
        defaultState: { count: 0 },
        defaultEntrypoint: "counter",
        ...(fork ? { forkFromAppId: fork.appId, forkFromSequenceId: fork.sequenceId } : {}),
      })
      .build({ warnings: "silent" });
  }

  it("resumes the same app after its last tracked step, and forks from an earlier one", async () => {
    const tracker = new LocalTrackingClient({ project: "parity", storageDir: dir });
    const first = await tracked(tracker, "run-1");
    await first.step();
    await first.step();
    await first.step();
    assert.equal(first.state.get("count"), 3);

    const resumed = await tracked(new LocalTrackingClient({ project: "parity", storageDir: dir }), "run-1");
    assert.equal(resumed.sequenceId, 2);
    assert.equal(resumed.state.get("count"), 3);
    assert.equal(resumed.nextAction(), "counter");
    const end = await resumed.run({ haltAfter: ["result"] });
    assert.deepEqual(end.result, { count: 5 });

    const fork = await tracked(tracker, "run-2", { appId: "run-1", sequenceId: 0 });
    assert.deepEqual(fork.parent, { appId: "run-1", partitionKey: null, sequenceId: 0 });
    assert.equal(fork.state.get("count"), 1);
    assert.deepEqual(await tracker.listAppIds(null).then((ids) => ids.sort()), ["run-1", "run-2"]);
  });

  it("forks of forks through one tracking client (Burr's test_multi_fork_tracking_client)", async () => {
    const trackingClient = new LocalTrackingClient({ project: "test_persister_tracks_parent", storageDir: dir });
    const count = action({ reads: ["counter"], writes: ["counter"] }, (s) => {
      const counter = s.get("counter") + 1;
      return [{ counter }, s.update({ counter })];
    });
    const create = async (oldAppId: string | undefined, newAppId: string, oldSequenceId: number | undefined, maxCount: number) => {
      const calls = { count: 0 };
      const app = await new ApplicationBuilder()
        .withActions({ counter: count, result: Result("counter") })
        .withTransitions(["counter", "counter", expr(`counter < ${maxCount}`)], ["counter", "result", always])
        .initializeFrom(trackingClient, {
          resumeAtNextAction: true,
          defaultState: { counter: 0, break_at: -1 },
          defaultEntrypoint: "counter",
          ...(oldAppId ? { forkFromAppId: oldAppId, forkFromSequenceId: oldSequenceId } : {}),
        })
        .withIdentifiers({ appId: newAppId })
        .withTracker(trackingClient)
        .withHooks({ postRunStep: (a) => void (a.action === "counter" && calls.count++) })
        .build();
      return { app, calls };
    };
    const initial = await create(undefined, "new", undefined, 10);
    assert.equal((await initial.app.run({ haltAfter: ["result"] })).state.get("counter"), 10);
    assert.equal(initial.calls.count, 10);

    const fork1 = await create("new", "fork_1", 5, 15);
    assert.equal(fork1.app.sequenceId, 5);
    assert.equal((await fork1.app.run({ haltAfter: ["result"] })).state.get("counter"), 15);
    assert.equal(fork1.calls.count, 9, "starts at 6, goes to 15");
    assert.deepEqual(fork1.app.parent, { appId: "new", partitionKey: null, sequenceId: 5 });

    const fork2 = await create("fork_1", "fork_2", 10, 25);
    assert.equal(fork2.app.sequenceId, 10);
    assert.equal((await fork2.app.run({ haltAfter: ["result"] })).state.get("counter"), 25);
    assert.equal(fork2.calls.count, 14);

    const fork3 = await create("fork_2", "fork_3", undefined, 35);
    assert.equal(fork3.app.sequenceId, fork2.app.sequenceId);
    assert.equal(fork3.app.sequenceId, 25, "forking from the latest picks up where the last one left off");
    assert.equal(fork3.app.parent?.appId, "fork_2");
  });

  it("writes and reads back any Unicode (Burr's test_that_we_can_read_write_local_tracker)", async () => {
    const tracker = new LocalTrackingClient({ project: "test", storageDir: dir });
    const text = { text: "á, é, í, ó, ú, ñ, ü", greek: "α, β, γ, δ", hebrew: "א, ב, ג, ד", chinese: "中, 国, 文", emoji: "😀, 👍, 🚀, 🌍" };
    const state1 = action({ writes: Object.keys(text) as Array<keyof typeof text> }, (s) => s.update(text));
    const state2 = action({ reads: ["text"], writes: ["text"] }, (s) => s.update({ text: "\u009d\ud800" }));
    for (let i = 0; i < 2; i++) {
      const app = await new ApplicationBuilder()
        .withActions({ state1, state2 })
        .withTransitions(["state1", "state2"], ["state2", "state1"])
        .withTracker(tracker)
        .initializeFrom(tracker, { resumeAtNextAction: false, defaultEntrypoint: "state1", defaultState: {} })
        .withIdentifiers({ appId: "3" })
        .build();
      await app.run({ haltAfter: ["state2"] });
      if (i === 1) assert.equal(app.sequenceId, 3, "the second run continued the tracked sequence");
    }
    const loaded = await tracker.load(null, "3");
    assert.equal(loaded?.state.get("emoji"), text.emoji);
  });

  it("forks a run tracked by Python Burr (its own log.jsonl) into TypeScript", async () => {
    cpSync(join(__dirname, "../tracking/fixtures/burr-python-runs/forks/parent-app"), join(dir, "py", "parent-app"), { recursive: true });
    const tracker = new LocalTrackingClient({ project: "py", storageDir: dir });
    const loaded = await tracker.load(null, "parent-app", 1);
    assert.deepEqual(loaded?.state.getAll(), { count: 2 }, "Burr's __SEQUENCE_ID/__PRIOR_STEP are not state");
    const count = action({ reads: ["count"], writes: ["count"] }, (s) => s.update({ count: s.get("count") + 1 }));
    const app = await new ApplicationBuilder()
      .withActions({ counter: count })
      .withTransitions(["counter", "counter"])
      .withIdentifiers({ appId: "ts-child" })
      .initializeFrom(tracker, { resumeAtNextAction: true, defaultState: { count: 0 }, defaultEntrypoint: "counter", forkFromAppId: "parent-app", forkFromSequenceId: 1 })
      .build();
    const r = await app.step();
    assert.equal(r?.state.get("count"), 3);
    assert.equal(app.sequenceId, 2);
    assert.equal(app.parent?.appId, "parent-app");
  });

  it("a step the log does not have is an error listing the ones it has; no log is a new app", async () => {
    const tracker = new LocalTrackingClient({ project: "parity", storageDir: dir });
    const first = await tracked(tracker, "run-1");
    await first.step();
    await assert.rejects(tracked(tracker, "run-3", { appId: "run-1", sequenceId: 7 }), (e: unknown) => {
      assert.ok(e instanceof ConfigurationError);
      assert.match(e.message, /tracked app "run-1" in project "parity" has no finished step 7 \(it has 0\); fork from one of those/);
      return true;
    });
    const fresh = await tracked(tracker, "never-ran");
    assert.equal(fresh.sequenceId, null);
    assert.equal(fresh.state.get("count"), 0);
  });

  it("a hostile log (torn lines, garbage, a broken graph.json) never takes the app down", async () => {
    const tracker = new LocalTrackingClient({ project: "parity", storageDir: dir });
    const first = await tracked(tracker, "run-1");
    await first.step();
    const log = join(dir, "parity", "run-1", "log.jsonl");
    appendFileSync(log, '{"type": "end_entry", "seq\n\u0000garbage\n');
    const resumed = await tracked(new LocalTrackingClient({ project: "parity", storageDir: dir }), "run-1");
    assert.equal(resumed.state.get("count"), 1, "bad lines are skipped");

    writeFileSync(join(dir, "parity", "run-1", "graph.json"), "not json");
    assert.equal((await tracked(new LocalTrackingClient({ project: "parity", storageDir: dir }), "run-1")).state.get("count"), 1);
  });

  it("a loaded step whose action the app lacks is refused at build", async () => {
    const tracker = new LocalTrackingClient({ project: "parity", storageDir: dir });
    const first = await tracked(tracker, "run-1");
    await first.step();
    const other = action({ writes: ["x"] }, (s) => s.update({ x: 1 }));
    const build = new ApplicationBuilder()
      .withActions({ other })
      .withTransitions(["other", "other"])
      .withIdentifiers({ appId: "run-1" })
      .initializeFrom(tracker, { resumeAtNextAction: true, defaultState: {}, defaultEntrypoint: "other" })
      .build();
    await assert.rejects(build, (e: unknown) => e instanceof ConfigurationError && /taken by action "counter", which this app does not have/.test(e.message));
  });
});

// Burr's tests/core/test_parallelism.py, ported (task-level API, map-reduce,
// what children inherit), plus what burr-ts adds: resumable children, child
// names in runs and errors, executors.
import assert from "node:assert/strict";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import {
  ApplicationBuilder,
  ChildFailedError,
  InMemoryPersister,
  InProcessExecutor,
  State,
  TaskBasedParallelAction,
  WorkerThreadsExecutor,
  action,
  mapActionsAndStates,
  mapReduce,
  mapStates,
  parallelTasks,
  type ActionContext,
  type ChildBatch,
  type LifecycleHooks,
  type ParallelExecutor,
  type PostApplicationCreateArgs,
  type PostRunStepArgs,
  type SubGraphTask,
  type SubTarget,
} from "burr-ts";
import { ClassBased, fullSubgraph, simpleFn } from "./support/parallelChildren.mjs";

const EXPECTED = [1111, 1211, 1311, 2111, 2211, 2311, 3111, 3211, 3311];

/** Records every app's creation and steps, like Burr's RecursiveActionTracker. */
function recorder() {
  const created: PostApplicationCreateArgs[] = [];
  const steps: PostRunStepArgs[] = [];
  const hooks: LifecycleHooks = { postApplicationCreate: (a) => void created.push(a), postRunStep: (a) => void steps.push(a) };
  return { created, steps, hooks };
}

function parentOf(map: Parameters<ApplicationBuilder["withActions"]>[0][string]) {
  const input = action({ writes: ["input_numbers_in_state"], inputs: ["input_numbers_in_state"] }, (s, i: { input_numbers_in_state: number[] }) =>
    s.update({ input_numbers_in_state: i.input_numbers_in_state }),
  );
  const result = action({ reads: ["output_numbers_in_state"], writes: [] }, (s) => s);
  return new ApplicationBuilder()
    .withActions({ initial_action: input, map_action: map, final_action: result })
    .withTransitions(["initial_action", "map_action"], ["map_action", "final_action"])
    .withEntrypoint("initial_action");
}

const targets = () => [{ simple: simpleFn.bind({ identifying_number: 1000 }) }, new ClassBased(2000), fullSubgraph(3000)];

describe("runtime: parallelism as Burr has it (test_parallelism.py)", () => {
  it("test_task_level_API_e2e: tasks with their own app ids, a tracker that sees 9 child apps", async () => {
    class TaskBased extends TaskBasedParallelAction {
      reads = ["input_numbers_in_state"];
      writes = ["output_numbers_in_state"];
      tasks(state: State, ctx: ActionContext): SubGraphTask[] {
        return targets().flatMap((target, j) =>
          (state.get("input_numbers_in_state") as number[]).map((n, i) => ({
            target,
            state: state.update({ input_number: n, number_to_add: 10 }),
            appId: `${ctx.appId}:${i}_${j}`,
          })),
        );
      }
      reduce(state: State, states: State[]) {
        return states.reduce((s, out) => s.append({ output_numbers_in_state: out.get("output_number") }), state);
      }
    }
    const rec = recorder();
    const app = parentOf(new TaskBased()).withTracker(rec.hooks).withIdentifiers({ appId: "p" }).build();
    const r = await app.run({ haltAfter: ["final_action"], inputs: { input_numbers_in_state: [100, 200, 300] } });
    assert.deepEqual(r.state.get("output_numbers_in_state"), EXPECTED);
    const children = rec.created.filter((c) => c.spawningParent?.appId === "p");
    assert.deepEqual(children.map((c) => c.appId).sort(), ["0_0", "0_1", "0_2", "1_0", "1_1", "1_2", "2_0", "2_1", "2_2"].map((k) => `p:${k}`));
    assert.ok(children.every((c) => c.spawningParent?.sequenceId === 1));
  });

  it("parallelTasks refuses a missing or repeated child app id, naming the task", async () => {
    const dup = parallelTasks({
      reads: ["input_numbers_in_state"],
      writes: ["output_numbers_in_state"],
      tasks: (state) => [0, 1].map(() => ({ target: { simpleFn }, state: { input_number: 1, number_to_add: 1 }, appId: "same" })),
      reduce: (s) => s.update({ output_numbers_in_state: [] }),
    });
    const app = parentOf(dup).build();
    await assert.rejects(app.run({ haltAfter: ["final_action"], inputs: { input_numbers_in_state: [] } }), /Task 1 of parallel action "map_action" needs a unique/);
  });

  it("test_map_reduce_function_e2e: every target over every state (mapActionsAndStates), in order", async () => {
    const mre = mapActionsAndStates({
      reads: ["input_numbers_in_state"],
      writes: ["output_numbers_in_state"],
      actions: () => targets(),
      states: function* (state) {
        for (const n of state.get("input_numbers_in_state") as number[]) yield state.update({ input_number: n, number_to_add: 10 });
      },
      reduce: (state, states) => state.extend({ output_numbers_in_state: states.map((s) => s.get("output_number")) }),
    });
    const r = await parentOf(mre).withState({ output_numbers_in_state: [] }).build().run({ haltAfter: ["final_action"], inputs: { input_numbers_in_state: [100, 200, 300] } });
    assert.deepEqual(r.state.get("output_numbers_in_state"), EXPECTED);
  });

  it("mapReduce: items in, one child each, a key collected back in order", async () => {
    const summarize = action({ reads: ["doc"], writes: ["summary"] }, async (s) => s.update({ summary: (s.get("doc") as string).slice(0, 3).toUpperCase() }));
    const summarizeAll = mapReduce({ reads: ["docs"], over: "docs", as: "doc", map: { summarize }, collect: "summary", into: "summaries" });
    const app = new ApplicationBuilder().withActions({ summarizeAll }).withTransitions(["summarizeAll", "summarizeAll"]).withState({ docs: ["alpha", "beta", "gamma"] }).withEntrypoint("summarizeAll").build();
    assert.deepEqual((await app.step())?.state.get("summaries"), ["ALP", "BET", "GAM"]);
    assert.throws(() => mapReduce({ reads: [], over: "docs", as: "doc", map: { summarize }, collect: "summary", into: "s" }), /add it to reads/);
  });

  it("children run under their own action's name; a bare action under the parent's", async () => {
    const rec = recorder();
    const named = mapStates({ reads: [], writes: ["n"], action: { simpleFn }, states: () => [{ input_number: 1, number_to_add: 2 }], reduce: (s) => s.update({ n: 1 }) });
    await new ApplicationBuilder().withActions({ fan: named }).withTransitions(["fan", "fan"]).withEntrypoint("fan").withTracker(rec.hooks).build().step();
    assert.deepEqual(rec.steps.map((s) => s.action).sort(), ["fan", "simpleFn"]);
  });

  it("a failing child names its index, action and app id; others finish first", async () => {
    const flaky = action({ reads: ["i"], writes: ["out"] }, async (s) => {
      if (s.get("i") === 2) throw new Error("bad input 2");
      return s.update({ out: s.get("i") });
    });
    const fan = mapStates({ reads: [], writes: ["outs"], action: { flaky }, states: () => [0, 1, 2, 3].map((i) => ({ i })), reduce: (s, st) => s.update({ outs: st.map((x) => x.get("out")) }) });
    const app = new ApplicationBuilder().withActions({ fan }).withTransitions(["fan", "fan"]).withEntrypoint("fan").withIdentifiers({ appId: "errs" }).build();
    await assert.rejects(app.step(), (e: unknown) => {
      assert.ok(e instanceof ChildFailedError);
      assert.equal(e.childIndex, 2);
      assert.equal(e.childAction, "flaky");
      assert.equal(e.action, "fan");
      assert.match(e.message, /Child 2 \(action "flaky", child app "[0-9a-f]{64}"\) of parallel action "fan" failed: Error: bad input 2/);
      assert.match(e.message, /app "errs"/);
      return true;
    });
  });

  describe("what children inherit (test_cascade_adapter_*, ..._uses_same_persister_as_loader)", () => {
    function app(inherit: Parameters<typeof mapStates>[0]["inherit"], rec: ReturnType<typeof recorder>, user: ReturnType<typeof recorder>, persister: InMemoryPersister) {
      const fan = mapStates({ reads: [], writes: ["n"], action: { simpleFn }, states: () => [{ input_number: 1, number_to_add: 2 }], reduce: (s) => s.update({ n: 1 }), inherit });
      return new ApplicationBuilder()
        .withActions({ fan })
        .withTransitions(["fan", "fan"])
        .withTracker(rec.hooks)
        .withHooks(user.hooks)
        .withStatePersister(persister)
        .initializeFrom(persister, { defaultEntrypoint: "fan", defaultState: {}, resumeAtNextAction: true })
        .withIdentifiers({ appId: "root" })
        .build();
    }
    const childIds = (p: InMemoryPersister) => p.listAppIds(null).then((ids) => ids.filter((id) => id !== "root"));

    it("defaults: tracker, persister and initializer cascade; the user's hooks do not", async () => {
      const [rec, user, persister] = [recorder(), recorder(), new InMemoryPersister()];
      await (await app(undefined, rec, user, persister)).step();
      assert.deepEqual(rec.steps.map((s) => s.action).sort(), ["fan", "simpleFn"]);
      assert.deepEqual(user.steps.map((s) => s.action), ["fan"]);
      assert.equal((await childIds(persister)).length, 1);
    });

    it("each can be turned off (null) or replaced, separately", async () => {
      const [rec, user, persister, own] = [recorder(), recorder(), new InMemoryPersister(), new InMemoryPersister()];
      const mine = recorder();
      await (await app({ tracker: mine.hooks, persister: own, initializer: null, hooks: "cascade" }, rec, user, persister)).step();
      assert.deepEqual(rec.steps.map((s) => s.action), ["fan"], "the parent's tracker is not the child's");
      assert.deepEqual(mine.steps.map((s) => s.action), ["simpleFn"]);
      assert.deepEqual(user.steps.map((s) => s.action).sort(), ["fan", "simpleFn"]);
      assert.equal((await childIds(persister)).length, 0);
      assert.equal((await own.listAppIds(null)).length, 1);
    });
  });

  describe("resumable children (Burr's cascading initializer)", () => {
    it("a parent step that failed part-way resumes: finished children are not run again", async () => {
      const runs: number[] = [];
      let failOn = 3;
      const work = action({ reads: ["i"], writes: ["out"] }, async (s) => {
        const i = s.get("i") as number;
        runs.push(i);
        if (i === failOn) throw new Error(`child ${i} down`);
        return s.update({ out: i * 10 });
      });
      const persister = new InMemoryPersister();
      const build = () => {
        const fan = mapStates({ reads: ["items"], writes: ["outs"], action: { work }, maxConcurrency: 2, states: (s) => (s.get("items") as number[]).map((i) => ({ i })), reduce: (s, st) => s.update({ outs: st.map((x) => x.get("out")) }) });
        const done = action({ reads: ["outs"], writes: [] }, (s) => s);
        return new ApplicationBuilder()
          .withActions({ fan, done })
          .withTransitions(["fan", "done"])
          .withStatePersister(persister)
          .initializeFrom(persister, { defaultEntrypoint: "fan", defaultState: { items: [0, 1, 2, 3, 4] }, resumeAtNextAction: true })
          .withIdentifiers({ appId: "resumable" })
          .build();
      };
      await assert.rejects((await build()).step(), ChildFailedError);
      assert.ok(runs.includes(3) && runs.length < 5 + 1);
      const finished = runs.filter((i) => i !== 3);
      runs.length = 0;
      failOn = -1;
      const again = await build(); // a new process: loads the failed step and retries it
      const r = await again.step();
      assert.deepEqual(runs.sort(), [0, 1, 2, 3, 4].filter((i) => !finished.includes(i)), "children that finished before are not run again");
      assert.ok(finished.length >= 3);
      assert.deepEqual(r?.state.get("outs"), [0, 10, 20, 30, 40]);
      runs.length = 0;
      await again.run({ haltAfter: ["done"] });
      assert.deepEqual(runs, []);
    });

    it("the same action in a later step gets fresh children (apache/burr#761)", async () => {
      let calls = 0;
      const work = action({ reads: ["i"], writes: ["out"] }, (s) => (calls++, s.update({ out: 1 })));
      const persister = new InMemoryPersister();
      const fan = mapStates({ reads: [], writes: ["outs"], action: { work }, states: () => [{ i: 0 }, { i: 1 }], reduce: (s, st) => s.update({ outs: st.length }) });
      const app = await new ApplicationBuilder()
        .withActions({ fan })
        .withTransitions(["fan", "fan"])
        .withStatePersister(persister)
        .initializeFrom(persister, { defaultEntrypoint: "fan", defaultState: {}, resumeAtNextAction: true })
        .build();
      await app.step();
      await app.step();
      assert.equal(calls, 4);
    });
  });

  describe("executors", () => {
    it("withParallelExecutor routes every parallel action of the app; an action's own executor wins", async () => {
      const seen: string[] = [];
      const spy = (label: string, inner: ParallelExecutor): ParallelExecutor => ({
        runChildren: (batch: ChildBatch) => (seen.push(`${label}:${batch.parent.action}:${batch.children.map((c) => c.name).join(",")}`), inner.runChildren(batch)),
      });
      
      const inner = new InProcessExecutor();
      const a = mapStates({ reads: [], writes: ["a"], action: { simpleFn }, states: () => [{ input_number: 1, number_to_add: 1 }], reduce: (s, st) => s.update({ a: st[0].get("output_number") }) });
      const b = mapStates({ ...{ reads: [], writes: ["b"] }, executor: spy("own", inner), action: { simpleFn }, states: () => [{ input_number: 2, number_to_add: 2 }], reduce: (s, st) => s.update({ b: st[0].get("output_number") }) });
      const app = new ApplicationBuilder().withActions({ a, b }).withTransitions(["a", "b"]).withEntrypoint("a").withParallelExecutor(spy("app", inner)).build();
      const r = await app.run({ haltAfter: ["b"] });
      assert.deepEqual(seen, ["app:a:simpleFn", "own:b:simpleFn"]);
      assert.deepEqual([r.state.get("a"), r.state.get("b")], [1003, 1005]);
    });

    it("WorkerThreadsExecutor gives the in-process result, children looked up by name in a module", async function () {
      this.timeout(60_000);
      const executor = new WorkerThreadsExecutor({ module: pathToFileURL(join(__dirname, "support/parallelChildren.mjs")), size: 2 });
      try {
        const mk = (exec?: ParallelExecutor) =>
          parentOf(
            mapActionsAndStates({
              reads: ["input_numbers_in_state"],
              writes: ["output_numbers_in_state"],
              executor: exec,
              actions: (): SubTarget[] => [{ simpleFn }, { classBased: new ClassBased(2000) }, fullSubgraph(3000)],
              states: function* (state) {
                for (const n of state.get("input_numbers_in_state") as number[]) yield state.update({ input_number: n, number_to_add: 10 });
              },
              reduce: (state, states) => state.update({ output_numbers_in_state: states.map((s) => s.get("output_number")) }),
            }),
          ).build();
        const inputs = { input_numbers_in_state: [100, 200, 300] };
        const local = await mk().run({ haltAfter: ["final_action"], inputs });
        const threaded = await mk(executor).run({ haltAfter: ["final_action"], inputs });
        assert.deepEqual(threaded.state.get("output_numbers_in_state"), local.state.get("output_numbers_in_state"));
        const missing = mapStates({ reads: [], writes: ["x"], executor, action: { nowhere: simpleFn }, states: () => [{}], reduce: (s) => s });
        const app = new ApplicationBuilder().withActions({ missing }).withTransitions(["missing", "missing"]).withEntrypoint("missing").build();
        await assert.rejects(app.step(), /child "nowhere" is not in the `children` registry/);
      } finally {
        await executor.close();
      }
    });
  });
});

// The behaviour every persister must have, run against memory, SQLite and PostgreSQL.
import { strict as assert } from "node:assert";
import { ConcurrentStepError, State, isRewindable, type LifecycleHooks, type RewindableStatePersister } from "burr-ts";
import { buildChat, turn } from "./chatApp.js";
import { predecessorTests } from "./predecessor.js";

export interface PersisterFactory {
  /** A fresh, empty store. */
  make(): Promise<RewindableStatePersister>;
  /** A second writer on the same store (another connection), or the same object where there is no other. */
  second(): Promise<RewindableStatePersister>;
  cleanup(): Promise<void>;
}

/** Records every step's state as the app saw it, to compare with what loads back. */
export function recorder(): { hook: LifecycleHooks; states: Map<number, Record<string, unknown>> } {
  const states = new Map<number, Record<string, unknown>>();
  return { states, hook: { postRunStep: ({ sequenceId, state }) => void states.set(sequenceId, structuredClone(state.serialize())) } };
}

export function persisterContract(name: string, factory: () => PersisterFactory, precondition?: (ctx: Mocha.Context) => Promise<void>): void {
  describe(`${name}: persister contract`, function () {
    if (precondition) {
      before(async function () {
        await precondition(this);
      });
    }
    let f: PersisterFactory;
    let p: RewindableStatePersister;
    beforeEach(async function () {
      f = factory();
      p = await f.make();
      await p.initialize();
    });
    afterEach(async () => {
      await f.cleanup();
    });

    it("loads the latest step and every earlier sequence id with its full state", async () => {
      const rec = recorder();
      const app = await buildChat({ appId: "chat-1", partitionKey: "user-1", persister: p, hooks: [rec.hook] });
      for (let i = 0; i < 6; i++) await turn(app, i === 2 ? "something unsafe" : `question ${i}`);
      assert.equal(app.sequenceId, 17);
      const latest = await p.load("user-1", "chat-1");
      assert.ok(latest);
      assert.equal(latest.sequenceId, 17);
      assert.equal(latest.position, "aiResponse");
      assert.equal(latest.status, "completed");
      assert.ok(latest.createdAt instanceof Date);
      assert.deepEqual(latest.state.serialize(), app.state.serialize());
      for (const [seq, expected] of rec.states) {
        const got = await p.load("user-1", "chat-1", seq);
        assert.ok(got, `step ${seq} loads`);
        assert.equal(got.sequenceId, seq);
        assert.deepEqual(got.state.serialize(), expected, `state of step ${seq}`);
      }
      assert.equal((await p.load("user-1", "chat-1", 8))!.position, "unsafeResponse");
      assert.equal(await p.load("user-1", "chat-1", 99), null);
      assert.equal(await p.load("user-1", "nope"), null);
      assert.equal(await p.load("other-user", "chat-1"), null);
    });

    it("lists app ids of a partition, most recently written first", async () => {
      for (const id of ["a", "b", "c"]) await turn(await buildChat({ appId: id, partitionKey: "pk", persister: p }), "hi");
      await turn(await buildChat({ appId: "z", partitionKey: "other", persister: p }), "hi");
      await turn(await buildChat({ appId: "a", partitionKey: "pk", persister: p }), "again");
      assert.deepEqual(await p.listAppIds("pk"), ["a", "c", "b"]);
      assert.deepEqual(await p.listAppIds("other"), ["z"]);
      assert.deepEqual(await p.listAppIds("none"), []);
    });

    it("resumes where the app stopped (initializeFrom, resumeAtNextAction)", async () => {
      const first = await buildChat({ appId: "resume", persister: p });
      await turn(first, "one");
      await first.step({ inputs: { prompt: "two" } }); // humanInput only: the next action is safetyCheck
      const again = await buildChat({ appId: "resume", persister: p });
      assert.equal(again.sequenceId, 3);
      const next = await again.step();
      assert.equal(next?.action, "safetyCheck");
      assert.equal(again.sequenceId, 4);
      await again.run({ haltAfter: ["aiResponse"] });
      assert.equal((again.state.get("chatHistory") as unknown[]).length, 4);
      assert.equal((await p.load(null, "resume"))!.sequenceId, 5);
    });

    it("saves a failed step with status failed and the state before it; resuming re-runs it", async () => {
      const app = await buildChat({ appId: "fails", persister: p });
      await turn(app, "fine");
      await assert.rejects(app.step({ inputs: { prompt: "explode" } }), /explode/);
      const failed = await p.load(null, "fails");
      assert.ok(failed);
      assert.equal(failed.sequenceId, 3);
      assert.equal(failed.status, "failed");
      assert.equal(failed.position, "humanInput");
      assert.deepEqual(failed.state.serialize(), (await p.load(null, "fails", 2))!.state.serialize());
      const again = await buildChat({ appId: "fails", persister: p });
      const r = await again.step({ inputs: { prompt: "better" } });
      assert.equal(r?.action, "humanInput");
    });

    it("forks from any step of another app, leaving the parent untouched", async () => {
      const parent = await buildChat({ appId: "parent", partitionKey: "pk", persister: p });
      for (let i = 0; i < 3; i++) await turn(parent, `p${i}`);
      const atFork = (await p.load("pk", "parent", 4))!.state.serialize();
      const child = await buildChat({ appId: "child", partitionKey: "pk", persister: p, fork: { appId: "parent", sequenceId: 4 } });
      assert.equal(child.sequenceId, 4);
      assert.deepEqual(child.state.serialize(), atFork);
      const r = await child.step();
      assert.equal(r?.action, "aiResponse");
      assert.equal(child.sequenceId, 5);
      await turn(child, "child question");
      assert.equal((await p.load("pk", "child"))!.sequenceId, 8);
      assert.equal((await p.load("pk", "parent"))!.sequenceId, 8);
      assert.equal(((await p.load("pk", "parent"))!.state.get("chatHistory") as unknown[]).length, 6);
      assert.equal(((await p.load("pk", "child"))!.state.get("chatHistory") as unknown[]).length, 6);
      assert.equal(((await p.load("pk", "child", 5))!.state.get("chatHistory") as unknown[]).length, 4);
    });

    it("rewinds within the same app id and keeps the abandoned history (apache/burr#529)", async () => {
      assert.ok(isRewindable(p));
      const rec = recorder();
      const app = await buildChat({ appId: "tt", persister: p, hooks: [rec.hook] });
      for (let i = 0; i < 4; i++) await turn(app, `first ${i}`);
      const info = await p.rewind({ partitionKey: null, appId: "tt", toSequenceId: 5 });
      assert.equal(info.branch, 1);
      assert.equal(info.forkSequenceId, 5);
      const latest = await p.load(null, "tt");
      assert.equal(latest!.sequenceId, 5);
      assert.deepEqual(latest!.state.serialize(), rec.states.get(5));

      const resumed = await buildChat({ appId: "tt", persister: p });
      assert.equal(resumed.sequenceId, 5);
      await turn(resumed, "second path");
      assert.equal(resumed.sequenceId, 8);
      const now = await p.load(null, "tt", 6);
      assert.equal(now!.state.get("prompt"), "second path");
      assert.equal((await p.load(null, "tt", 3))!.state.get("prompt"), "first 1");

      const old = await p.load(null, "tt", 6, { branch: 0 });
      assert.equal(old!.state.get("prompt"), "first 2");
      assert.equal((await p.load(null, "tt", undefined, { branch: 0 }))!.sequenceId, 11);

      const branches = await p.listBranches(null, "tt");
      assert.deepEqual(
        branches.map((b) => [b.branch, b.parentBranch, b.forkSequenceId, b.lastSequenceId, b.current]),
        [
          [0, null, null, 11, false],
          [1, 0, 5, 8, true],
        ],
      );
      const steps = await p.listSteps(null, "tt");
      assert.deepEqual(steps.map((s) => s.sequenceId), [0, 1, 2, 3, 4, 5, 6, 7, 8]);
      assert.deepEqual(steps.map((s) => s.branch), [0, 0, 0, 0, 0, 0, 1, 1, 1]);
      assert.equal((await p.listSteps(null, "tt", { branch: 0 })).length, 12);

      await assert.rejects(p.rewind({ partitionKey: null, appId: "tt", toSequenceId: 42 }), /no such step/);
      // Rewind again, into the first branch's shared part.
      await p.rewind({ partitionKey: null, appId: "tt", toSequenceId: 2 });
      const third = await buildChat({ appId: "tt", persister: p });
      assert.equal(third.sequenceId, 2);
      assert.equal(third.state.get("prompt"), "first 0");
    });

    it("rewinds to before the first step (-1): the app starts over, the old run stays readable", async () => {
      const app = await buildChat({ appId: "restart", persister: p });
      await turn(app, "old run");
      await p.rewind({ partitionKey: null, appId: "restart", toSequenceId: -1 });
      assert.equal(await p.load(null, "restart"), null);
      const fresh = await buildChat({ appId: "restart", persister: p });
      assert.equal(fresh.sequenceId, null);
      await turn(fresh, "new run");
      assert.equal((await p.load(null, "restart", 0))!.state.get("prompt"), "new run");
      assert.equal((await p.load(null, "restart", 0, { branch: 0 }))!.state.get("prompt"), "old run");
      assert.deepEqual((await p.listSteps(null, "restart")).map((s) => [s.sequenceId, s.branch]), [[0, 1], [1, 1], [2, 1]]);
    });

    it("head(): the newest branch and its newest step, moved by every step and rewind (another writer's too)", async () => {
      assert.equal(typeof p.head, "function");
      assert.deepEqual(await p.head!("pk", "headed"), { branch: 0, lastSequenceId: null });
      const app = await buildChat({ appId: "headed", partitionKey: "pk", persister: p });
      await turn(app, "one");
      assert.deepEqual(await p.head!("pk", "headed"), { branch: 0, lastSequenceId: 2 });
      const other = await f.second();
      await other.rewind({ partitionKey: "pk", appId: "headed", toSequenceId: 1 });
      assert.deepEqual(await p.head!("pk", "headed"), { branch: 1, lastSequenceId: null });
      await (await buildChat({ appId: "headed", partitionKey: "pk", persister: other })).step();
      assert.deepEqual(await p.head!("pk", "headed"), { branch: 1, lastSequenceId: 2 });
      assert.deepEqual(await p.head!(null, "headed"), { branch: 0, lastSequenceId: null }, "another partition is another app");
    });

    it("a second writer saving a taken sequence id gets ConcurrentStepError naming the app and step", async () => {
      const app = await buildChat({ appId: "race", partitionKey: "pk", persister: p });
      await turn(app, "hello");
      const other = await f.second();
      const state = new State({ chatHistory: [], prompt: "intruder" });
      const err = await other
        .save({ partitionKey: "pk", appId: "race", sequenceId: 2, position: "aiResponse", state, status: "completed" })
        .then(() => null, (e: unknown) => e);
      assert.ok(err instanceof ConcurrentStepError, `got ${String(err)}`);
      assert.match(err.message, /app "race"/);
      assert.match(err.message, /sequence id 2/);
      assert.equal((await p.load("pk", "race"))!.state.get("prompt"), "hello");
    });

    predecessorTests(() => ({ p, second: () => f.second() }));
  });
}

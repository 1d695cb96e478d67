// Every save must continue the stored step before it, and a save that fails
// leaves the app exactly where it was: run against every persister.
import { strict as assert } from "node:assert";
import { ConcurrentStepError, State, type RewindableStatePersister } from "burr-ts";
import { buildChat, turn } from "./chatApp.js";

export interface Stores {
  p: RewindableStatePersister;
  second(): Promise<RewindableStatePersister>;
}

function snapshot(app: Awaited<ReturnType<typeof buildChat>>) {
  return { seq: app.sequenceId, next: app.nextSequenceId, action: app.nextAction(), state: structuredClone(app.state.serialize()) };
}

export function predecessorTests(stores: () => Stores): void {
  it("refuses a save that does not continue the stored head (snapshot or delta), naming app and step", async () => {
    const { p } = stores();
    const app = await buildChat({ appId: "gap", partitionKey: "pk", persister: p });
    await turn(app, "hello"); // steps 0..2
    const other = await stores().second();
    const state = new State({ chatHistory: [], prompt: "skips ahead" });
    for (const sequenceId of [4, 7, 1]) {
      const err = await other.save({ partitionKey: "pk", appId: "gap", sequenceId, position: "humanInput", state, status: "completed" }).then(() => null, (e: unknown) => e);
      assert.ok(err instanceof ConcurrentStepError, `step ${sequenceId}: got ${String(err)}`);
      assert.match(err.message, /app "gap"/);
      assert.match(err.message, new RegExp(`step ${sequenceId}`));
    }
    // A delta (changes given) is checked the same way.
    const delta = await other
      .save({ partitionKey: "pk", appId: "gap", sequenceId: 5, position: "humanInput", state, status: "completed", changes: { set: { prompt: "x" }, appended: {}, deleted: [] } })
      .then(() => null, (e: unknown) => e);
    assert.ok(delta instanceof ConcurrentStepError, `delta: got ${String(delta)}`);
    assert.equal((await p.load("pk", "gap"))!.sequenceId, 2);
    await turn(app, "still mine");
    assert.equal((await p.load("pk", "gap"))!.sequenceId, 5);
  });

  it("after a rewind, a step must continue the rewound-to step", async () => {
    const { p } = stores();
    const app = await buildChat({ appId: "rw", persister: p });
    await turn(app, "one");
    await turn(app, "two"); // 0..5
    await p.rewind({ partitionKey: null, appId: "rw", toSequenceId: 2 });
    const stale = new State({ chatHistory: [], prompt: "stale" });
    await assert.rejects(p.save({ partitionKey: null, appId: "rw", sequenceId: 6, position: "humanInput", state: stale, status: "completed" }), ConcurrentStepError);
    await p.save({ partitionKey: null, appId: "rw", sequenceId: 3, position: "humanInput", state: stale, status: "completed" });
    assert.equal((await p.load(null, "rw"))!.sequenceId, 3);
    await p.rewind({ partitionKey: null, appId: "rw", toSequenceId: -1 });
    await assert.rejects(p.save({ partitionKey: null, appId: "rw", sequenceId: 4, position: "humanInput", state: stale, status: "completed" }), ConcurrentStepError);
    await p.save({ partitionKey: null, appId: "rw", sequenceId: 0, position: "humanInput", state: stale, status: "completed" });
  });

  it("two app objects interleaved: the loser stays where it was and never forks the stored history", async () => {
    const { p } = stores();
    await turn(await buildChat({ appId: "duel", persister: p }), "start"); // 0..2
    const winner = await buildChat({ appId: "duel", persister: p });
    const loser = await buildChat({ appId: "duel", persister: await stores().second() });
    const before = snapshot(loser);
    assert.equal(before.seq, 2);

    await winner.step({ inputs: { prompt: "winner 1" } }); // 3
    const err = await loser.step({ inputs: { prompt: "loser 1" } }).then(() => null, (e: unknown) => e);
    assert.ok(err instanceof ConcurrentStepError, `got ${String(err)}`);
    assert.match(err.message, /app "duel"/);
    assert.match(err.message, /sequence id 3/);
    assert.deepEqual(snapshot(loser), before, "a failed save leaves state, sequence id and next action as they were");

    // The loser trying again (delta or snapshot) is refused again; the winner is never blocked.
    for (let i = 0; i < 3; i++) {
      await assert.rejects(loser.step({ inputs: { prompt: `loser again ${i}` } }), ConcurrentStepError);
      assert.deepEqual(snapshot(loser), before);
    }
    await winner.step(); // 4 safetyCheck
    await winner.step(); // 5 aiResponse
    const stored = (await p.listSteps(null, "duel")).map((s) => s.sequenceId);
    assert.deepEqual(stored, [0, 1, 2, 3, 4, 5]);
    assert.equal((await p.load(null, "duel", 3))!.state.get("prompt"), "winner 1");
    assert.deepEqual((await p.load(null, "duel"))!.state.serialize(), winner.state.serialize());

    // Reloading is the way forward for the loser.
    const reloaded = await buildChat({ appId: "duel", persister: p });
    assert.equal(reloaded.sequenceId, 5);
    await turn(reloaded, "after reload");
    assert.equal((await p.load(null, "duel"))!.sequenceId, 8);
  });

  it("a rewind or a step by another writer is seen by this writer's very next save (nothing it remembers goes stale)", async () => {
    const { p } = stores();
    const app = await buildChat({ appId: "stale", persister: p });
    await turn(app, "mine"); // 0..2, all through p
    const other = await stores().second();
    await other.rewind({ partitionKey: null, appId: "stale", toSequenceId: 0 });
    const before = snapshot(app);
    await assert.rejects(app.step({ inputs: { prompt: "after their rewind" } }), ConcurrentStepError);
    assert.deepEqual(snapshot(app), before);
    assert.deepEqual((await p.listSteps(null, "stale")).map((s) => [s.sequenceId, s.branch]), [[0, 0]]);
    // The other writer continues from the rewind; this writer's reloaded app then steps after it.
    const theirs = await buildChat({ appId: "stale", persister: other });
    await theirs.step(); // 1 safetyCheck, on branch 1
    const mine = await buildChat({ appId: "stale", persister: p });
    assert.equal(mine.sequenceId, 1);
    await theirs.step(); // 2
    await assert.rejects(mine.step(), ConcurrentStepError);
    const fresh = await buildChat({ appId: "stale", persister: p });
    await fresh.step({ inputs: { prompt: "after reload" } }); // 3
    assert.deepEqual((await p.listSteps(null, "stale")).map((s) => [s.sequenceId, s.branch]), [[0, 0], [1, 1], [2, 1], [3, 1]]);
  });

  it("a save that fails for any reason leaves the app where it was, and the next step saves cleanly", async () => {
    const { p } = stores();
    let failNext = false;
    const flaky = {
      initialize: () => p.initialize(),
      close: async () => undefined,
      load: p.load.bind(p),
      listAppIds: p.listAppIds.bind(p),
      save: async (args: Parameters<RewindableStatePersister["save"]>[0]) => {
        if (failNext) {
          failNext = false;
          throw new RangeError("Maximum call stack size exceeded");
        }
        return p.save(args);
      },
    };
    const app = await buildChat({ appId: "flaky", persister: flaky });
    await turn(app, "first");
    const before = snapshot(app);
    failNext = true;
    const err = await app.step({ inputs: { prompt: "lost" } }).then(() => null, (e: unknown) => e);
    assert.ok(err instanceof Error);
    assert.match(err.message, /app "flaky"/);
    assert.match(err.message, /Maximum call stack/);
    assert.deepEqual(snapshot(app), before);
    // A failing action whose failed-step save fails too: the sequence id is not used either.
    failNext = true;
    await assert.rejects(app.step({ inputs: { prompt: "explode" } }), /explode/);
    assert.deepEqual(snapshot(app), before);
    await turn(app, "second");
    assert.equal((await p.load(null, "flaky"))!.sequenceId, 5);
    assert.equal((await p.load(null, "flaky", 3))!.state.get("prompt"), "second");
  });
}

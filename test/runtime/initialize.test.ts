import assert from "node:assert/strict";
import { ActionError, ApplicationBuilder, ConfigurationError, InMemoryPersister, State, action, type PostApplicationCreateArgs, type StatePersister } from "burr-ts";

// Resume and fork over a -> b -> fail -> a, saved after every step: what Burr's
// initialize_from does for each case (checked against Python Burr when written).
const a = action({ reads: [], writes: ["trail"] }, (s) => s.append({ trail: "a" }));
const b = action({ reads: [], writes: ["trail"] }, (s) => s.append({ trail: "b" }));
let failing = true;
const fail = action({ reads: [], writes: ["trail"] }, (s) => {
  if (failing) throw new Error("fail on purpose");
  return s.append({ trail: "fail" });
});

function builder(persister: StatePersister, appId: string, opts: Partial<Parameters<ApplicationBuilder["initializeFrom"]>[1]> = {}) {
  const created: PostApplicationCreateArgs[] = [];
  const app = new ApplicationBuilder()
    .withActions({ a, b, fail })
    .withTransitions(["a", "b"], ["b", "fail"], ["fail", "a"])
    .withIdentifiers({ appId })
    .withStatePersister(persister)
    .withHooks({ postApplicationCreate: (x) => void created.push(x) })
    .initializeFrom(persister, { resumeAtNextAction: true, defaultState: { trail: [] }, defaultEntrypoint: "a", ...opts })
    .build();
  return { app, created };
}

describe("runtime: initializeFrom", () => {
  let persister: InMemoryPersister;
  beforeEach(async () => {
    failing = true;
    persister = new InMemoryPersister();
    const { app } = builder(persister, "x");
    await (await app).run({ haltAfter: ["b"] }); // saves seq 0 (a) and 1 (b)
  });

  it("build() returns a promise after initializeFrom", async () => {
    const { app } = builder(persister, "x");
    assert.ok(app instanceof Promise);
  });

  it("nothing stored: defaultState, defaultEntrypoint, no sequence id", async () => {
    const { app } = builder(persister, "fresh");
    const fresh = await app;
    assert.deepEqual(fresh.state.getAll(), { trail: [] });
    assert.equal(fresh.nextAction(), "a");
    assert.equal(fresh.sequenceId, null);
  });

  it("resume (same app id, resumeAtNextAction): continues after the last completed step", async () => {
    const resumed = await builder(persister, "x").app;
    assert.equal(resumed.nextAction(), "fail");
    assert.equal(resumed.sequenceId, 1);
    assert.deepEqual(resumed.state.get("trail"), ["a", "b"]);
    assert.equal(resumed.parent, null, "a plain resume is not a fork");
  });

  it("resume after a failed step re-runs the failed action on the state from before it", async () => {
    const app = await builder(persister, "x").app;
    await assert.rejects(app.step(), ActionError); // fail at seq 2, saved as "failed"
    assert.equal((await persister.load(null, "x"))?.status, "failed");
    const again = await builder(persister, "x").app;
    assert.equal(again.nextAction(), "fail");
    assert.equal(again.sequenceId, 2);
    failing = false;
    const r = await again.step();
    assert.equal(r?.action, "fail");
    assert.equal(again.sequenceId, 3);
    assert.deepEqual(again.state.get("trail"), ["a", "b", "fail"]);
  });

  it("resumeAtNextAction false: the loaded state, starting at defaultEntrypoint", async () => {
    const app = await builder(persister, "x", { resumeAtNextAction: false }).app;
    assert.equal(app.nextAction(), "a");
    assert.deepEqual(app.state.get("trail"), ["a", "b"]);
    assert.equal(app.sequenceId, 1);
    await app.step();
    assert.equal(app.sequenceId, 2);
  });

  it("fork: loads another app's step, continues after it, and records the parent", async () => {
    const { app, created } = builder(persister, "f", { forkFromAppId: "x", forkFromSequenceId: 0 });
    const fork = await app;
    assert.deepEqual(fork.state.get("trail"), ["a"]);
    assert.equal(fork.nextAction(), "b");
    assert.equal(fork.sequenceId, 0);
    assert.deepEqual(fork.parent, { appId: "x", partitionKey: null, sequenceId: 0 });
    assert.deepEqual(created[0].parent, { appId: "x", partitionKey: null, sequenceId: 0 });
    await fork.step();
    assert.equal((await persister.load(null, "f"))?.sequenceId, 1, "the fork saves under its own id");
    assert.deepEqual((await persister.load(null, "x"))?.state.get("trail"), ["a", "b"], "the parent is untouched");
  });

  it("fork from the latest step when no sequence id is given", async () => {
    const fork = await builder(persister, "g", { forkFromAppId: "x" }).app;
    assert.equal(fork.nextAction(), "fail");
    assert.deepEqual(fork.parent, { appId: "x", partitionKey: null, sequenceId: 1 });
  });

  it("forking from itself, or fork options without forkFromAppId, are errors", async () => {
    await assert.rejects(builder(persister, "x", { forkFromAppId: "x" }).app, /forkFromAppId is this app's own id "x"/);
    assert.throws(() => builder(persister, "y", { forkFromSequenceId: 0 }), /need forkFromAppId too/);
  });

  it("cannot be combined with withState or withEntrypoint", () => {
    const base = () => new ApplicationBuilder().withActions({ a }).withTransitions(["a", "a"]);
    const init = { resumeAtNextAction: true, defaultState: {}, defaultEntrypoint: "a" };
    assert.throws(() => base().withState({ x: 1 }).initializeFrom(persister, init), ConfigurationError);
    assert.throws(() => base().withEntrypoint("a").initializeFrom(persister, init), ConfigurationError);
    assert.throws(() => base().initializeFrom(persister, init).withState({ x: 1 }), /pass defaultState to initializeFrom/);
    assert.throws(() => base().initializeFrom(persister, init).withEntrypoint("a"), /pass defaultEntrypoint to initializeFrom/);
  });

  it("a loaded step taken by an action the app does not have is an error saying so", async () => {
    const loader = {
      async load() {
        return { partitionKey: null, appId: "old", sequenceId: 4, position: "retired", state: new State({ trail: [] }), status: "completed" as const, createdAt: new Date() };
      },
      async listAppIds() {
        return ["old"];
      },
    };
    const pending = new ApplicationBuilder()
      .withActions({ a })
      .withTransitions(["a", "a"])
      .withIdentifiers({ appId: "old" })
      .initializeFrom(loader, { resumeAtNextAction: true, defaultState: {}, defaultEntrypoint: "a" })
      .build();
    await assert.rejects(pending, /taken by action "retired", which this app does not have/);
  });

  it("works with any loader: a hand-written one", async () => {
    const calls: unknown[][] = [];
    const loader = {
      async load(partitionKey: string | null, appId: string, sequenceId?: number) {
        calls.push([partitionKey, appId, sequenceId]);
        return null;
      },
      async listAppIds() {
        return [];
      },
    };
    const app = await new ApplicationBuilder()
      .withActions({ a })
      .withTransitions(["a", "a"])
      .withIdentifiers({ appId: "hand", partitionKey: "pk" })
      .initializeFrom(loader, { resumeAtNextAction: true, defaultState: { trail: ["start"] }, defaultEntrypoint: "a" })
      .build();
    assert.deepEqual(calls, [["pk", "hand", undefined]]);
    assert.deepEqual(app.state.get("trail"), ["start"]);
  });
});

describe("runtime: state persister hook", () => {
  it("saves after every step with position, status and the step's changes; failed steps too", async () => {
    const saves: { sequenceId: number; position: string; status: string; changes?: unknown; trail: unknown }[] = [];
    const saver = {
      initialized: false,
      async initialize() {
        this.initialized = true;
      },
      async save(args: Parameters<StatePersister["save"]>[0]) {
        saves.push({ sequenceId: args.sequenceId, position: args.position, status: args.status, changes: args.changes, trail: args.state.get("trail") });
      },
      async close() {},
    };
    failing = true;
    const app = new ApplicationBuilder()
      .withActions({ a, b, fail })
      .withTransitions(["a", "b"], ["b", "fail"], ["fail", "a"])
      .withState({ trail: [] })
      .withEntrypoint("a")
      .withStatePersister(saver)
      .build();
    await app.run({ haltAfter: ["b"] });
    await assert.rejects(app.step(), ActionError);
    assert.equal(saver.initialized, true, "the builder initializes the persister before the first step");
    assert.deepEqual(saves, [
      { sequenceId: 0, position: "a", status: "completed", changes: { set: {}, appended: { trail: ["a"] }, deleted: [] }, trail: ["a"] },
      { sequenceId: 1, position: "b", status: "completed", changes: { set: {}, appended: { trail: ["b"] }, deleted: [] }, trail: ["a", "b"] },
      { sequenceId: 2, position: "fail", status: "failed", changes: undefined, trail: ["a", "b"] },
    ]);
  });
});

import assert from "node:assert/strict";
import { ActionError, ApplicationBuilder, ConcurrentStepError, InMemoryPersister, State, action, expr, streamingAction, type AfterStepInfo, type BeforeStepInfo, type GateTarget, type StepGate } from "burr-ts";
import { finish, increment } from "./fixtures.js";

describe("runtime: debugger gate seam", () => {
  function build(script: {
    before?: (t: GateTarget, i: BeforeStepInfo, n: number) => void | Promise<void>;
    after?: (t: GateTarget, i: AfterStepInfo, n: number) => "continue" | "retry";
  }) {
    const log: string[] = [];
    let befores = 0;
    let afters = 0;
    const gate: StepGate = {
      async beforeStep(target, info) {
        log.push(`before ${info.action} ${info.sequenceId} count=${info.state.get("count")}`);
        await script.before?.(target, info, befores++);
      },
      async afterStep(target, info) {
        log.push(`after ${info.action} ${info.sequenceId} ${info.exception ? "error" : `next=${info.next?.to ?? "end"}`} changes=${JSON.stringify(info.changes?.set ?? null)}`);
        return script.after?.(target, info, afters++) ?? "continue";
      },
    };
    const app = new ApplicationBuilder()
      .withActions({ increment, finish })
      .withTransitions(["increment", "increment"])
      .withState({ count: 0 })
      .withEntrypoint("increment")
      .withDebugGate(gate)
      .build();
    return { app, log };
  }

  it("sees every step before (with the chosen action and inputs) and after (with changes and the next action)", async () => {
    const { app, log } = build({});
    await app.run({ haltAfter: ["increment"] });
    await app.step();
    assert.deepEqual(log, [
      "before increment 0 count=0",
      'after increment 0 next=increment changes={"count":1}',
      "before increment 1 count=1",
      'after increment 1 next=increment changes={"count":2}',
    ]);
    assert.equal(app.nextSequenceId, 2);
  });

  it("an edit before a step is what the step reads", async () => {
    const { app } = build({ before: (t) => t.replaceState(new State({ count: 100 })) });
    const r = await app.step();
    assert.equal(r?.state.get("count"), 101);
  });

  it("a rewind before a step puts back state, next action and sequence id, then the step runs from there", async () => {
    let rewound = false;
    const { app, log } = build({
      before: (t, info) => {
        if (info.sequenceId === 2 && !rewound) {
          rewound = true;
          t.rewind({ state: new State({ count: 1 }), nextAction: "increment", nextSequenceId: 1 });
        }
      },
    });
    await app.step();
    await app.step();
    const r = await app.step();
    assert.equal(r?.state.get("count"), 2);
    assert.equal(app.sequenceId, 1);
    assert.deepEqual(log.slice(-3), ["before increment 2 count=2", "before increment 1 count=1", 'after increment 1 next=increment changes={"count":2}']);
  });

  it("after a failure, \"retry\" does not throw: the loop continues from the (edited) state", async () => {
    let attempts = 0;
    const flaky = action({ reads: ["count"], writes: ["count"] }, (s) => {
      attempts++;
      if (s.get("count") < 0) throw new Error("negative");
      return s.update({ count: s.get("count") + 1 });
    });
    const afters: AfterStepInfo[] = [];
    const gate: StepGate = {
      async beforeStep() {},
      async afterStep(target, info) {
        afters.push(info);
        if (info.exception) {
          target.replaceState(new State({ count: 10 }));
          return "retry";
        }
        return "continue";
      },
    };
    const app = new ApplicationBuilder()
      .withActions({ flaky })
      .withTransitions(["flaky", "flaky"])
      .withState({ count: -1 })
      .withEntrypoint("flaky")
      .withDebugGate(gate)
      .build();
    const r = await app.step();
    assert.equal(attempts, 2);
    assert.equal(r?.state.get("count"), 11);
    assert.ok(afters[0].exception instanceof ActionError);
    assert.equal(afters[0].sequenceId, 0);
    assert.equal(afters[1].sequenceId, 1, "a failure uses up its sequence id, as in Burr");
  });

  it("after a failure, \"continue\" rethrows", async () => {
    const boom = action({ writes: ["x"] }, () => {
      throw new Error("no");
    });
    const app = new ApplicationBuilder()
      .withActions({ boom })
      .withTransitions(["boom", "boom"])
      .withEntrypoint("boom")
      .withDebugGate({ async beforeStep() {}, async afterStep() { return "continue"; } })
      .build();
    await assert.rejects(app.step(), ActionError);
  });

  it("reports which transition was taken, by index into graph.transitions", async () => {
    const nexts: (AfterStepInfo["next"])[] = [];
    const app = new ApplicationBuilder()
      .withActions({ increment, finish })
      .withTransitions(["increment", "finish", expr("count >= 2")], ["increment", "increment"])
      .withState({ count: 0 })
      .withEntrypoint("increment")
      .withDebugGate({ async beforeStep() {}, async afterStep(_t, info) { nexts.push(info.next); return "continue"; } })
      .build();
    await app.run({ haltAfter: ["finish"] });
    assert.deepEqual(nexts, [{ to: "increment", transitionIndex: 1 }, { to: "finish", transitionIndex: 0 }, null]);
  });

  it("a rewind while paused before a streamed action runs from the rewound step, then streams", async () => {
    const bump = action({ reads: ["count"], writes: ["count"] }, (s) => s.update({ count: s.get("count") + 1 }));
    const talk = streamingAction({ reads: ["count"], writes: ["said"] }, async function* (s) {
      yield { token: String(s.get("count")) };
      return [{ said: s.get("count") }, s.update({ said: s.get("count") })];
    });
    const seen: string[] = [];
    let rewound = false;
    const gate: StepGate = {
      async beforeStep(target, info) {
        seen.push(`${info.action}@${info.sequenceId}`);
        if (info.action === "talk" && !rewound) {
          rewound = true;
          target.rewind({ state: new State({ count: 10 }), nextAction: "bump", nextSequenceId: 0 });
        }
      },
      async afterStep() {
        return "continue";
      },
    };
    const app = new ApplicationBuilder()
      .withActions({ bump, talk })
      .withTransitions(["bump", "talk"], ["talk", "bump"])
      .withState({ count: 0 })
      .withEntrypoint("bump")
      .withDebugGate(gate)
      .build();
    const { action: name, container } = await app.streamResult({ haltAfter: ["talk"] });
    const tokens: string[] = [];
    for await (const item of container) tokens.push(String(item.token));
    const { state } = await container.get();
    assert.equal(name, "talk");
    assert.deepEqual(seen, ["bump@0", "talk@1", "bump@0", "talk@1"]);
    assert.deepEqual(tokens, ["11"]);
    assert.equal(state.get("said"), 11);
  });

  it("with no gate the app exposes none", () => {
    const app = new ApplicationBuilder().withActions({ increment }).withTransitions(["increment", "increment"]).withState({ count: 0 }).withEntrypoint("increment").build();
    assert.equal(app.debugGate, null);
  });

  it("rewindPersisters makes the persisters follow a rewind, so the next save does not collide", async () => {
    const persister = new InMemoryPersister();
    const mk = () =>
      new ApplicationBuilder()
        .withActions({ increment })
        .withTransitions(["increment", "increment"])
        .withState({ count: 0 })
        .withEntrypoint("increment")
        .withIdentifiers({ appId: "rewound" })
        .withStatePersister(persister)
        .build();
    const app = mk();
    for (let i = 0; i < 3; i++) await app.step();
    await app.rewindPersisters(0);
    app.rewind({ state: new State({ count: 1 }), nextAction: "increment", nextSequenceId: 1 });
    const r = await app.step();
    assert.equal(r?.state.get("count"), 2);
    const latest = await persister.load(null, "rewound");
    assert.equal(latest?.sequenceId, 1);
    assert.equal(latest?.state.get("count"), 2);
    assert.equal((await persister.listBranches(null, "rewound")).length, 2, "the old line is kept as a branch");

    const without = mk();
    without.rewind({ state: new State({ count: 1 }), nextAction: "increment", nextSequenceId: 1 });
    await assert.rejects(without.step(), ConcurrentStepError);
  });
});

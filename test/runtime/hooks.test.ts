import assert from "node:assert/strict";
import { ActionError, ApplicationBuilder, HookError, action, type LifecycleHooks, type PostRunStepArgs } from "burr-ts";
import { counterApp, recordingHooks } from "./fixtures.js";

describe("runtime: lifecycle hooks", () => {
  it("are called in Burr's order for run: execute call, then pre/post per step", async () => {
    const { hooks, calls } = recordingHooks();
    const app = counterApp(2, [hooks]);
    await app.run({ haltAfter: ["finish"] });
    assert.deepEqual(calls, [
      `postApplicationCreate ${app.uid}`,
      "preApplicationExecuteCall run",
      "preRunStep increment 0",
      "postRunStep increment 0",
      "preRunStep increment 1",
      "postRunStep increment 1",
      "preRunStep finish 2",
      "postRunStep finish 2",
      "postApplicationExecuteCall run",
    ]);
  });

  it("step and iterate report their own method", async () => {
    const { hooks, calls } = recordingHooks();
    const app = counterApp(1, [hooks]);
    await app.step();
    for await (const _ of app.iterate({ haltAfter: ["finish"] })) void _;
    assert.deepEqual(
      calls.filter((c) => c.includes("ExecuteCall")),
      ["preApplicationExecuteCall step", "postApplicationExecuteCall step", "preApplicationExecuteCall iterate", "postApplicationExecuteCall iterate"],
    );
  });

  it("receive the step's inputs, result, new state and changes", async () => {
    const seen: PostRunStepArgs[] = [];
    const say = action({ writes: ["said", "log"], inputs: ["text"] }, (s, { text }: { text: string }) => [{ text }, s.update({ said: text }).append({ log: text })]);
    const app = new ApplicationBuilder()
      .withActions({ say })
      .withTransitions(["say", "say"])
      .withState({ log: [] })
      .withEntrypoint("say")
      .withHooks({ postRunStep: (a) => void seen.push(a) })
      .build();
    await app.step({ inputs: { text: "a" } });
    await app.step({ inputs: { text: "b", ignored: 1 } });
    assert.deepEqual(seen[1].inputs, { text: "b" });
    assert.deepEqual(seen[1].result, { text: "b" });
    assert.equal(seen[1].state, app.state);
    assert.equal(seen[1].exception, null);
    assert.deepEqual(seen[1].changes, { set: { said: "b" }, appended: { log: ["b"] }, deleted: [] });
  });

  it("postRunStep hears of a failure with the exception and the state before the step", async () => {
    const seen: PostRunStepArgs[] = [];
    const boom = action({ writes: ["x"] }, () => {
      throw new Error("boom");
    });
    const app = new ApplicationBuilder()
      .withActions({ boom })
      .withTransitions(["boom", "boom"])
      .withState({ kept: true })
      .withEntrypoint("boom")
      .withHooks({ postRunStep: (a) => void seen.push(a) })
      .build();
    const before = app.state;
    await assert.rejects(app.step(), ActionError);
    assert.equal(seen.length, 1);
    assert.ok(seen[0].exception instanceof ActionError);
    assert.equal(seen[0].state, before);
    assert.equal(seen[0].result, null);
    assert.equal(seen[0].changes, undefined);
  });

  it("async hooks are awaited in registration order", async () => {
    const order: string[] = [];
    const slow: LifecycleHooks = {
      async preRunStep() {
        await new Promise((r) => setTimeout(r, 5));
        order.push("slow");
      },
    };
    const fast: LifecycleHooks = { preRunStep: () => void order.push("fast") };
    const app = counterApp(1, [slow, fast]);
    await app.step();
    assert.deepEqual(order, ["slow", "fast"]);
  });

  it("a failing sync hook surfaces as a HookError naming the hook point and the hook", async () => {
    class AuditHook implements LifecycleHooks {
      preRunStep() {
        throw new Error("audit log is full");
      }
    }
    const app = counterApp(1, [new AuditHook()]);
    await assert.rejects(app.step(), (e: unknown) => {
      assert.ok(e instanceof HookError);
      assert.equal(e.hook, "preRunStep");
      assert.equal(e.hookName, "AuditHook");
      assert.match(e.message, /AuditHook\.preRunStep failed: Error: audit log is full/);
      return true;
    });
    assert.equal(app.state.get("count"), 0, "the action did not run");
  });

  it("a failing async hook surfaces too (plain objects are named by position)", async () => {
    const app = counterApp(1, [{}, { postRunStep: async () => Promise.reject(new Error("disk full")) }]);
    await assert.rejects(app.step(), /hooks\[1\]\.postRunStep failed: Error: disk full/);
  });

  it("a hook failing while a step fails is attached to the step's error, not lost", async () => {
    const boom = action({ writes: ["x"] }, () => {
      throw new Error("boom");
    });
    const app = new ApplicationBuilder()
      .withActions({ boom })
      .withTransitions(["boom", "boom"])
      .withEntrypoint("boom")
      .withHooks({
        postRunStep() {
          throw new Error("tracker down");
        },
      })
      .build();
    await assert.rejects(app.step(), (e: unknown) => {
      assert.ok(e instanceof ActionError);
      assert.match(e.message, /also: while reporting this failure, Lifecycle hook hooks\[0\]\.postRunStep failed: Error: tracker down/);
      assert.ok((e as ActionError & { hookError: unknown }).hookError instanceof HookError);
      return true;
    });
  });

  it("an async postApplicationCreate hook is awaited before the first call, and its failure surfaces there", async () => {
    let created = false;
    const app = counterApp(1, [
      {
        async postApplicationCreate() {
          await new Promise((r) => setImmediate(r));
          created = true;
        },
      },
    ]);
    await app.step();
    assert.equal(created, true);
    const failing = counterApp(1, [{ postApplicationCreate: async () => Promise.reject(new Error("no tracker dir")) }]);
    await assert.rejects(failing.step(), /postApplicationCreate failed: Error: no tracker dir/);
  });

  it("postApplicationCreate receives the graph and the initial state", () => {
    let graphActions: string[] = [];
    let count: unknown;
    counterApp(1, [
      {
        postApplicationCreate: (a) => {
          graphActions = a.graph.actions.map((x) => x.name);
          count = a.state.get("count");
        },
      },
    ]);
    assert.deepEqual(graphActions, ["increment", "finish"]);
    assert.equal(count, 0);
  });
});

// Editing and rewinding a live app through real DAP: setVariable, evaluate,
// step back, reverse continue, restart frame, and errors that stop and retry.
import assert from "node:assert/strict";
import type { DebugClient } from "@vscode/debugadapter-testsupport";
import { counter, launchToFirstStop, moveAndStop, scopeValue, stack, startClient, stopQuietly, topFrame } from "./support.js";

async function state(dc: DebugClient, frame = 0): Promise<Record<string, unknown>> {
  const frames = await stack(dc);
  return (await scopeValue(dc, frames[frame].id, "State")) as Record<string, unknown>;
}

async function stateReference(dc: DebugClient): Promise<number> {
  const scopes = (await dc.scopesRequest({ frameId: (await topFrame(dc)).id })).body.scopes;
  return scopes.find((s) => s.name === "State")!.variablesReference;
}

const next = (dc: DebugClient) => moveAndStop(dc, () => dc.nextRequest({ threadId: 1 }));

describe("debugger: editing and rewinding state", function () {
  this.timeout(90_000);
  let dc: DebugClient;
  beforeEach(async () => {
    dc = await startClient();
  });
  afterEach(() => stopQuietly(dc));

  it("setVariable edits the state the next step reads, at any depth", async () => {
    await launchToFirstStop(dc, { program: counter, stopOnEntry: true });
    await next(dc);
    const ref = await stateReference(dc);
    const set = await dc.setVariableRequest({ variablesReference: ref, name: "count", value: "5" });
    assert.equal(set.body.value, "5");
    const nested = (await dc.variablesRequest({ variablesReference: ref })).body.variables.find((v) => v.name === "nested")!;
    const a = (await dc.variablesRequest({ variablesReference: nested.variablesReference })).body.variables[0];
    const b = (await dc.variablesRequest({ variablesReference: a.variablesReference })).body.variables[0];
    await dc.setVariableRequest({ variablesReference: b.variablesReference, name: "c", value: '["edited"]' });
    assert.deepEqual((await state(dc)).nested, { a: { b: { c: ["edited"] } } });

    await next(dc);
    assert.equal((await topFrame(dc)).name, "finish (next, sequence 2)");
    assert.equal((await state(dc)).count, 6);
    await assert.rejects(dc.setVariableRequest({ variablesReference: ref, name: "count", value: "not json" }), /not a JSON value/);
  });

  it("evaluates key paths and expr expressions over the state, never JavaScript", async () => {
    await launchToFirstStop(dc, { program: counter, stopOnEntry: true });
    await next(dc);
    await next(dc);
    const frameId = (await topFrame(dc)).id;
    const evaluate = (expression: string) => dc.evaluateRequest({ expression, frameId, context: "repl" });
    assert.equal((await evaluate("count")).body.result, "1");
    assert.equal((await evaluate("nested.a.b.c[2].d")).body.result, '"deep"');
    assert.equal((await evaluate("count >= 1 and not explode")).body.result, "true");
    // The transitions' own evaluator: values, not only truth (Burr's Python subset).
    assert.equal((await evaluate("count * 10 + 2")).body.result, "12");
    assert.equal((await evaluate('nested["a"]["b"]["c"][2]["d"] in ["deep", "shallow"]')).body.result, "true");
    const log = await evaluate("log");
    assert.ok(log.body.variablesReference > 0);
    await assert.rejects(evaluate("process.exit(1)"), /./);
    await assert.rejects(evaluate("missingKey > 2"), /missingKey/);
    assert.equal((await evaluate("count")).body.result, "1");
  });

  it("step back rewinds state and sequence id; the next step runs from there", async () => {
    await launchToFirstStop(dc, { program: counter, stopOnEntry: true });
    await next(dc);
    await next(dc);
    await next(dc);
    assert.equal((await topFrame(dc)).name, "increment (next, sequence 3)");
    assert.equal((await state(dc)).count, 2);
    const back = await moveAndStop(dc, () => dc.stepBackRequest({ threadId: 1 }));
    assert.equal(back.body.reason, "step");
    assert.equal((await topFrame(dc)).name, "increment (next, sequence 2)");
    assert.equal((await state(dc)).count, 1);
    assert.equal((await stack(dc)).length, 3);
    await next(dc);
    assert.equal((await topFrame(dc)).name, "increment (next, sequence 3)");
    assert.deepEqual((await state(dc)).log, ["count=1", "count=2"]);
  });

  it("reverse continue goes back to the last breakpoint; restart frame rewinds to that frame's step", async () => {
    await launchToFirstStop(dc, { program: counter, stopOnEntry: true }, () => dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: "increment", condition: "count == 1" }] }));
    await moveAndStop(dc, () => dc.continueRequest({ threadId: 1 }));
    assert.equal((await topFrame(dc)).name, "increment (next, sequence 2)");
    await next(dc);
    await next(dc);
    assert.equal((await topFrame(dc)).name, "finish (next, sequence 4)");
    const reversed = await moveAndStop(dc, () => dc.reverseContinueRequest({ threadId: 1 }));
    assert.equal(reversed.body.reason, "breakpoint");
    assert.equal((await topFrame(dc)).name, "increment (next, sequence 2)");
    assert.equal((await state(dc)).count, 1);

    const frames = await stack(dc);
    const startFrame = frames.find((f) => f.name.startsWith("start"))!;
    const restarted = await moveAndStop(dc, () => dc.restartFrameRequest({ frameId: startFrame.id }));
    assert.equal(restarted.body.reason, "goto");
    assert.equal((await topFrame(dc)).name, "start (next, sequence 0)");
    assert.equal((await stack(dc)).length, 1);
    assert.equal((await state(dc)).count, undefined);
    await next(dc);
    assert.equal((await topFrame(dc)).name, "increment (next, sequence 1)");
  });

  it("an error in an action stops there with the state before it; edit the state and the step runs again", async () => {
    const stop = await launchToFirstStop(dc, { program: counter, env: { COUNTER_EXPLODE: "1" } });
    assert.equal(stop.body.reason, "exception");
    assert.equal((await topFrame(dc)).name, "increment (next, sequence 1)");
    const info = await dc.exceptionInfoRequest({ threadId: 1 });
    assert.match(info.body.description ?? "", /exploded at count 0/);
    assert.equal((await state(dc)).explode, true);
    await dc.setVariableRequest({ variablesReference: await stateReference(dc), name: "explode", value: "false" });
    await next(dc);
    // The failed attempt used sequence id 1 (as Burr records it); the retry ran as 2.
    assert.equal((await topFrame(dc)).name, "increment (next, sequence 3)");
    assert.equal((await state(dc)).count, 1);
    const terminated = dc.waitForEvent("terminated");
    await dc.continueRequest({ threadId: 1 });
    await terminated;
  });

  it("step back from an error stop rewinds and retries from the earlier step", async () => {
    await launchToFirstStop(dc, { program: counter, env: { COUNTER_EXPLODE: "1" } });
    await moveAndStop(dc, () => dc.stepBackRequest({ threadId: 1 }));
    assert.equal((await topFrame(dc)).name, "start (next, sequence 0)");
    await dc.setVariableRequest({ variablesReference: await stateReference(dc), name: "explode", value: "false" });
    await next(dc);
    await next(dc);
    assert.equal((await topFrame(dc)).name, "increment (next, sequence 2)");
  });
});

// A real TypeScript program (importing "burr-ts") launched through the built
// adapter: stepping, frames and scopes, output, pause, ending, second session.
import assert from "node:assert/strict";
import { join } from "node:path";
import type { DebugClient } from "@vscode/debugadapter-testsupport";
import { collectOutput, fixtures, launchToFirstStop, moveAndStop, scopeValue, stack, startClient, stopQuietly, topFrame } from "./support.js";

const counter = join(fixtures, "counter.ts");

describe("debugger: launching a TypeScript program", function () {
  this.timeout(90_000);
  let dc: DebugClient;
  beforeEach(async () => {
    dc = await startClient();
  });
  afterEach(() => stopQuietly(dc));

  it("stops on entry before the first action, steps one action at a time, and shows each step as a frame", async () => {
    const output = collectOutput(dc);
    const entry = await launchToFirstStop(dc, { program: counter, stopOnEntry: true });
    assert.equal(entry.body.reason, "entry");
    assert.equal((await topFrame(dc)).name, "start (next, sequence 0)");
    assert.equal((await dc.threadsRequest()).body.threads.length, 1);

    await moveAndStop(dc, () => dc.nextRequest({ threadId: 1 }));
    const afterOne = await moveAndStop(dc, () => dc.nextRequest({ threadId: 1 }));
    assert.equal(afterOne.body.reason, "step");
    assert.equal(afterOne.body.description, "Before increment (increment → increment: default)");
    const frames = await stack(dc);
    assert.deepEqual(frames.map((f) => f.name), ["increment (next, sequence 2)", "increment (sequence 1)", "start (sequence 0)"]);

    const state = (await scopeValue(dc, frames[0].id, "State")) as Record<string, unknown>;
    assert.equal(state.count, 1);
    assert.deepEqual(state.log, ["count=1"]);
    assert.deepEqual(state.nested, { a: { b: { c: [1, 2, { d: "deep" }] } } });
    assert.deepEqual(await scopeValue(dc, frames[1].id, "Result"), { count: 1 });
    const changes = (await scopeValue(dc, frames[1].id, "Changes")) as Record<string, unknown>;
    assert.ok(JSON.stringify(changes).includes("count=1"), JSON.stringify(changes));
    assert.deepEqual(await scopeValue(dc, frames[1].id, "State"), { ...state, count: 0, log: [] });
    assert.ok(output.join("").includes("counter starting"), output.join(""));
  });

  it("pages long lists by index", async () => {
    await launchToFirstStop(dc, { program: counter, stopOnEntry: true });
    const frameId = (await topFrame(dc)).id;
    const scopes = (await dc.scopesRequest({ frameId })).body.scopes;
    const vars = (await dc.variablesRequest({ variablesReference: scopes[0].variablesReference })).body.variables;
    const big = vars.find((v) => v.name === "big")!;
    assert.equal(big.indexedVariables, 250);
    const page = (await dc.variablesRequest({ variablesReference: big.variablesReference, filter: "indexed", start: 200, count: 3 })).body.variables;
    assert.deepEqual(page.map((v) => [v.name, v.value]), [["200", "200"], ["201", "201"], ["202", "202"]]);
  });

  it("continues to the end: program output reaches the debug console and the session terminates", async () => {
    const output = collectOutput(dc);
    const terminated = dc.waitForEvent("terminated");
    await dc.initializeRequest({ adapterID: "burr", pathFormat: "path", linesStartAt1: true, columnsStartAt1: true });
    await dc.configurationDoneRequest();
    await dc.launchRequest({ program: counter } as never);
    await terminated;
    const text = output.join("");
    assert.match(text, /finished at 3/);
    assert.match(text, /final count 3/);
    assert.match(text, /exited with code 0/);
  });

  it("pauses before the next action", async () => {
    await launchToFirstStop(dc, { program: counter, stopOnEntry: true, env: { COUNTER_LIMIT: "1000000" } });
    await dc.continueRequest({ threadId: 1 });
    const paused = await moveAndStop(dc, () => dc.pauseRequest({ threadId: 1 }));
    assert.equal(paused.body.reason, "pause");
    assert.match((await topFrame(dc)).name, /^increment \(next, sequence \d+\)$/);
  });

  it("ends cleanly with its output when the program crashes mid-session", async () => {
    const output = collectOutput(dc);
    await launchToFirstStop(dc, { program: counter, stopOnEntry: true, env: { COUNTER_EXPLODE: "1" } }, () =>
      dc.setExceptionBreakpointsRequest({ filters: [] }),
    );
    const terminated = dc.waitForEvent("terminated");
    await dc.continueRequest({ threadId: 1 });
    await terminated;
    const text = output.join("");
    assert.match(text, /exploded at count 0/);
    assert.match(text, /exited with code 1/);
  });

  it("a second session on the same program works", async () => {
    for (let i = 0; i < 2; i++) {
      const session = i === 0 ? dc : await startClient();
      try {
        await launchToFirstStop(session, { program: counter, stopOnEntry: true });
        assert.equal((await topFrame(session)).name, "start (next, sequence 0)");
        const terminated = session.waitForEvent("terminated");
        await session.continueRequest({ threadId: 1 });
        await terminated;
      } finally {
        if (i > 0) await stopQuietly(session);
      }
    }
  });

  it("explains a program that does not exist", async () => {
    await dc.initializeRequest({ adapterID: "burr", pathFormat: "path" });
    await assert.rejects(dc.launchRequest({ program: join(fixtures, "missing.ts") } as never), /missing\.ts does not exist/);
  });

  it("a program that builds no app runs to its end with its output", async () => {
    const output = collectOutput(dc);
    const terminated = dc.waitForEvent("terminated");
    await dc.initializeRequest({ adapterID: "burr", pathFormat: "path" });
    await dc.configurationDoneRequest();
    await dc.launchRequest({ program: join(fixtures, "plain.ts"), stopOnEntry: true } as never);
    await terminated;
    const text = output.join("");
    assert.match(text, /no app here/);
    assert.match(text, /and a line on stderr/);
  });

  it("disconnecting while stopped ends the program", async () => {
    const output = collectOutput(dc);
    await launchToFirstStop(dc, { program: counter, stopOnEntry: true });
    const terminated = dc.waitForEvent("terminated");
    await dc.disconnectRequest({ terminateDebuggee: true });
    await terminated;
    assert.match(output.join(""), /program ended by SIGTERM/);
  });
});

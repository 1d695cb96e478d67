// Breakpoints in burr terms through real DAP: action lines, transition lines,
// function breakpoints, conditions and hit counts over state, logpoints, and
// honest "unverified" for lines that map to nothing.
import assert from "node:assert/strict";
import { join } from "node:path";
import type { DebugClient } from "@vscode/debugadapter-testsupport";
import type { DebugProtocol } from "@vscode/debugprotocol";
import { collectOutput, counter, fixtures, launchToFirstStop, moveAndStop, scopeValue, stack, startClient, stopQuietly, topFrame } from "./support.js";


// Lines of test/fixtures/debug/counter.ts (1-based, as the client sends them).
const INCREMENT_BODY = 11;
const BLANK_LINE = 21;
const TRANSITION_TO_FINISH = 26;

function lineBreakpoints(dc: DebugClient, breakpoints: DebugProtocol.SourceBreakpoint[]): Promise<DebugProtocol.SetBreakpointsResponse> {
  return dc.setBreakpointsRequest({ source: { path: counter }, breakpoints });
}

async function countAt(dc: DebugClient): Promise<unknown> {
  return ((await scopeValue(dc, (await topFrame(dc)).id, "State")) as Record<string, unknown>).count;
}

describe("debugger: breakpoints", function () {
  this.timeout(90_000);
  let dc: DebugClient;
  beforeEach(async () => {
    dc = await startClient();
  });
  afterEach(() => stopQuietly(dc));

  it("a line in an action's definition stops before that action, at its source; a blank line is unverified with the reason", async () => {
    const changed: DebugProtocol.Breakpoint[] = [];
    dc.on("breakpoint", (e: DebugProtocol.BreakpointEvent) => changed.push(e.body.breakpoint));
    let initial: DebugProtocol.Breakpoint[] = [];
    const stop = await launchToFirstStop(dc, { program: counter }, async () => {
      initial = (await lineBreakpoints(dc, [{ line: INCREMENT_BODY }, { line: BLANK_LINE }])).body.breakpoints;
    });
    assert.equal(initial.length, 2);
    assert.equal(stop.body.reason, "breakpoint");
    const frame = await topFrame(dc);
    assert.equal(frame.name, "increment (next, sequence 1)");
    assert.equal(frame.source?.path, counter);
    assert.equal(frame.line, 9);
    const byId = new Map(changed.map((bp) => [bp.id, bp]));
    assert.equal(byId.get(initial[0].id)?.verified, true);
    assert.equal(byId.get(initial[1].id)?.verified, false);
    assert.match(byId.get(initial[1].id)?.message ?? "", /line 21 is not inside an action's definition or a transition/);
    await moveAndStop(dc, () => dc.continueRequest({ threadId: 1 }));
    assert.equal((await topFrame(dc)).name, "increment (next, sequence 2)");
  });

  it("a transition's line stops when that transition is taken", async () => {
    const stop = await launchToFirstStop(dc, { program: counter }, () => lineBreakpoints(dc, [{ line: TRANSITION_TO_FINISH }]));
    assert.equal(stop.body.reason, "breakpoint");
    assert.match(stop.body.description ?? "", /Transition increment → finish/);
    const top = await topFrame(dc);
    assert.equal(top.name, "finish (next, sequence 4)");
    // The editor shows the transition line the breakpoint is on, not finish's definition.
    assert.equal(top.source?.path, counter);
    assert.equal(top.line, TRANSITION_TO_FINISH);
    assert.equal(await countAt(dc), 3);
    // Frames below still point at their actions' definitions.
    assert.equal((await stack(dc))[1].line, 9);
  });

  it("a condition tests the state with the expr language", async () => {
    await launchToFirstStop(dc, { program: counter }, () => lineBreakpoints(dc, [{ line: INCREMENT_BODY, condition: "count >= 2" }]));
    assert.equal(await countAt(dc), 2);
  });

  it("a hit count stops on the n-th hit", async () => {
    await launchToFirstStop(dc, { program: counter }, () => lineBreakpoints(dc, [{ line: INCREMENT_BODY, hitCondition: "3" }]));
    assert.equal((await topFrame(dc)).name, "increment (next, sequence 3)");
    assert.equal(await countAt(dc), 2);
  });

  it("a logpoint prints state values and does not stop", async () => {
    const output = collectOutput(dc);
    const terminated = dc.waitForEvent("terminated");
    await dc.initializeRequest({ adapterID: "burr", pathFormat: "path", linesStartAt1: true, columnsStartAt1: true });
    await lineBreakpoints(dc, [{ line: INCREMENT_BODY, logMessage: "count is {count}, log {log}" }]);
    await dc.configurationDoneRequest();
    await dc.launchRequest({ program: counter } as never);
    await terminated;
    const text = output.join("");
    assert.match(text, /count is 0, log \[\]\n/);
    assert.match(text, /count is 2, log \["count=1","count=2"\]\n/);
  });

  it("function breakpoints take action names; an unknown name is unverified", async () => {
    const changed: DebugProtocol.Breakpoint[] = [];
    dc.on("breakpoint", (e: DebugProtocol.BreakpointEvent) => changed.push(e.body.breakpoint));
    let set: DebugProtocol.Breakpoint[] = [];
    const stop = await launchToFirstStop(dc, { program: counter }, async () => {
      set = (await dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: "finish" }, { name: "nope" }] })).body.breakpoints;
    });
    assert.equal(stop.body.reason, "function breakpoint");
    assert.equal((await topFrame(dc)).name, "finish (next, sequence 4)");
    const nope = changed.find((bp) => bp.id === set[1].id);
    assert.equal(nope?.verified, false);
    assert.match(nope?.message ?? "", /no action named "nope"/);
  });

  it("a transition line with a list of sources stops on the one taken; a `when` transition line stops only when it holds", async () => {
    const chatbot = join(fixtures, "workspace", "chatbot.ts");
    const UNSAFE_TRANSITION = 32; // ["safetyCheck", "unsafeResponse", when({ safe: false })]
    const BACK_TO_INPUT = 34; // [["unsafeResponse", "aiResponse"], "humanInput"]
    const first = await launchToFirstStop(dc, { program: chatbot }, () =>
      dc.setBreakpointsRequest({ source: { path: chatbot }, breakpoints: [{ line: UNSAFE_TRANSITION }, { line: BACK_TO_INPUT }] }),
    );
    assert.match(first.body.description ?? "", /Transition aiResponse → humanInput: default/);
    assert.equal((await topFrame(dc)).name, "humanInput (next, sequence 3)");
    const unsafe = await moveAndStop(dc, () => dc.continueRequest({ threadId: 1 }));
    assert.match(unsafe.body.description ?? "", /Transition safetyCheck → unsafeResponse: safe=false/);
    assert.equal((await topFrame(dc)).name, "unsafeResponse (next, sequence 5)");
    // The program's last run halts after unsafeResponse: no step follows, so the session ends.
    const terminated = dc.waitForEvent("terminated");
    await dc.continueRequest({ threadId: 1 });
    await terminated;
  });

  it('a "*" transition\'s line stops when any of its edges is taken, naming the action it left', async () => {
    const wildcard = join(fixtures, "wildcard.ts");
    const WILDCARD_LINE = 20; // ["*", "handleError", expr("error != null")]
    const stop = await launchToFirstStop(dc, { program: wildcard }, () =>
      dc.setBreakpointsRequest({ source: { path: wildcard }, breakpoints: [{ line: WILDCARD_LINE }] }),
    );
    assert.equal(stop.body.reason, "breakpoint");
    assert.match(stop.body.description ?? "", /Transition summarize → handleError: error != null/);
    assert.equal((await topFrame(dc)).name, "handleError (next, sequence 2)");
    // The handler clears the error: no edge of the tuple is taken again, so the run ends.
    const terminated = dc.waitForEvent("terminated");
    await dc.continueRequest({ threadId: 1 });
    await terminated;
  });
});

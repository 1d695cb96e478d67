// Decorated methods under the debugger, through real DAP: a breakpoint on a
// method's line stops before that action, and the frame points at the method.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { DebugClient } from "@vscode/debugadapter-testsupport";
import { fixtures, launchToFirstStop, moveAndStop, scopeValue, startClient, stopQuietly, topFrame } from "./support.js";

const program = join(fixtures, "decorated.ts");
const lines = readFileSync(program, "utf8").split("\n");
/** 1-based line of the first line containing `needle`, as DAP clients send them. */
const lineOf = (needle: string): number => lines.findIndex((l) => l.includes(needle)) + 1;

describe("debugger: decorated action methods", function () {
  this.timeout(90_000);
  let dc: DebugClient;
  beforeEach(async () => {
    dc = await startClient();
  });
  afterEach(() => stopQuietly(dc));

  it("a breakpoint in a method's body stops before that action, at the method, on each run of it", async () => {
    const stop = await launchToFirstStop(dc, { program }, () =>
      dc.setBreakpointsRequest({ source: { path: program }, breakpoints: [{ line: lineOf("+ this.by") }] }),
    );
    assert.equal(stop.body.reason, "breakpoint");
    const frame = await topFrame(dc);
    assert.equal(frame.name, "increment (next, sequence 1)");
    assert.equal(frame.source?.path, program);
    // The method's declaration starts at its decorator.
    assert.equal(frame.line, lineOf(`@action({ reads: ["count"], writes: ["count"] })`));
    assert.equal(((await scopeValue(dc, frame.id, "State")) as Record<string, unknown>).count, 0);
    await moveAndStop(dc, () => dc.continueRequest({ threadId: 1 }));
    assert.equal((await topFrame(dc)).name, "increment (next, sequence 2)");
  });

  it("a breakpoint on the method's name line stops there too; the decorator's line belongs to the same action", async () => {
    const set = await launchToFirstStop(dc, { program }, () =>
      dc.setBreakpointsRequest({ source: { path: program }, breakpoints: [{ line: lineOf("finish(state: State)") }] }),
    );
    assert.equal(set.body.reason, "breakpoint");
    const frame = await topFrame(dc);
    assert.equal(frame.name, "finish (next, sequence 4)");
    assert.equal(frame.line, lineOf(`@action({ reads: ["count"], writes: ["done"] })`));
  });
});

// A captured error (onError: captureAs) completes its step, so under the real
// debug adapter it must not trigger the "Action errors" stop; the handler it
// routes to is an ordinary step a breakpoint can stop at.
import assert from "node:assert/strict";
import { join } from "node:path";
import type { DebugClient } from "@vscode/debugadapter-testsupport";
import type { DebugProtocol } from "@vscode/debugprotocol";
import { collectOutput, fixtures, launchToFirstStop, scopeValue, startClient, stopQuietly, topFrame } from "./support.js";

const captured = join(fixtures, "captured.ts");
// Line of test/fixtures/debug/captured.ts inside the handler `retry` (1-based).
const RETRY_BODY = 14;

describe("debugger: errors captured with onError", function () {
  this.timeout(90_000);
  let dc: DebugClient;
  beforeEach(async () => {
    dc = await startClient();
  });
  afterEach(() => stopQuietly(dc));

  it("run to the end with 'Action errors' on: no stop, the handler ran for each captured error", async () => {
    const output = collectOutput(dc);
    // A stop would leave the program paused: fail at once instead of waiting for a timeout.
    const stopped = new Promise<never>((_, reject) =>
      dc.once("stopped", (e: DebugProtocol.StoppedEvent) => reject(new Error(`stopped (${e.body.reason}): ${e.body.description ?? ""}`))),
    );
    const terminated = Promise.race([dc.waitForEvent("terminated"), stopped]);
    await dc.initializeRequest({ adapterID: "burr", pathFormat: "path", linesStartAt1: true, columnsStartAt1: true });
    await dc.setExceptionBreakpointsRequest({ filters: ["actionErrors"] });
    await dc.configurationDoneRequest();
    await dc.launchRequest({ program: captured } as never);
    await terminated;
    const text = output.join("");
    assert.match(text, /retrying after: fetch failed \(1\)/);
    assert.match(text, /retrying after: fetch failed \(2\)/);
    assert.match(text, /page after 2 retries/);
    assert.match(text, /exited with code 0/);
  });

  it("a breakpoint in the handler stops there with the captured record in state", async () => {
    const stop = await launchToFirstStop(dc, { program: captured }, () =>
      dc.setBreakpointsRequest({ source: { path: captured }, breakpoints: [{ line: RETRY_BODY }] }),
    );
    assert.equal(stop.body.reason, "breakpoint");
    const frame = await topFrame(dc);
    assert.equal(frame.name, "retry (next, sequence 1)");
    const state = (await scopeValue(dc, frame.id, "State")) as { error: { type: string; message: string; stack: string } };
    assert.equal(state.error.type, "Error");
    assert.equal(state.error.message, "fetch failed (1)");
    assert.match(state.error.stack, /captured\.ts/);
  });
});

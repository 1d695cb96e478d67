// Step Back across the program's own app.run() calls through real DAP: the
// program cannot be rewound, so its current call replays the earlier call's
// inputs until it halts, and the debug console says so.
import assert from "node:assert/strict";
import { join } from "node:path";
import type { DebugClient } from "@vscode/debugadapter-testsupport";
import { collectOutput, fixtures, launchToFirstStop, moveAndStop, scopeValue, stack, startClient, stopQuietly } from "./support.js";

const turns = join(fixtures, "turns.ts");

describe("debugger: step back across a run() call", function () {
  this.timeout(90_000);
  let dc: DebugClient;
  beforeEach(async () => {
    dc = await startClient();
  });
  afterEach(() => stopQuietly(dc));

  const step = () => moveAndStop(dc, () => dc.nextRequest({ threadId: 1 }));
  const back = () => moveAndStop(dc, () => dc.stepBackRequest({ threadId: 1 }));
  const top = async () => (await stack(dc))[0];

  it("says what happened and replays the earlier call's inputs until the current call returns", async () => {
    const output = collectOutput(dc);
    await launchToFirstStop(dc, { program: turns, stopOnEntry: true });
    await step(); // humanInput (one) ran
    await step(); // reply ran: run() #1 returned; run() #2 waits before humanInput
    assert.equal((await top()).name, "humanInput (next, sequence 2)");
    assert.deepEqual(await scopeValue(dc, (await top()).id, "Inputs"), { prompt: "two" });

    // Within one call a step back says nothing special.
    const noted = () => output.join("").split("Stepped back past the start").length - 1;
    await back();
    assert.equal((await top()).name, "reply (next, sequence 1)");
    assert.equal(noted(), 1, output.join(""));
    assert.match(output.join(""), /current run\(\) call \(#2\) into step 1 \(reply\) of its earlier run\(\) call \(#1\)[\s\S]*call #1's inputs \{"prompt":"one"\}/);
    await back();
    assert.equal((await top()).name, "humanInput (next, sequence 0)");
    assert.equal(noted(), 1, "a second step back inside the replayed call is no new crossing");
    assert.deepEqual(await scopeValue(dc, (await top()).id, "Inputs"), { prompt: "one" });

    // Run again: run() #2 now takes "one", as call #1 did, and returns its reply to the program.
    await step();
    const frames = await stack(dc);
    assert.equal(frames[0].name, "reply (next, sequence 1)");
    assert.equal(((await scopeValue(dc, frames[0].id, "State")) as Record<string, unknown>).prompt, "one");
    await step();
    assert.deepEqual(await scopeValue(dc, (await top()).id, "Inputs"), { prompt: "three" }, "the program's next call has its own inputs again");
    const ended = dc.waitForEvent("terminated");
    await dc.continueRequest({ threadId: 1 });
    await ended;
    const transcript = output.join("").split("\n").filter((l) => l.startsWith("turn "));
    assert.deepEqual(transcript, ["turn one: reply to one", "turn two: reply to one", "turn three: reply to three"]);
  });
});

// Rewinding in the debugger with a persister attached: the next step saves on
// a new branch of the app's history instead of colliding with the old steps.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { DebugClient } from "@vscode/debugadapter-testsupport";
import { collectOutput, fixtures, launchToFirstStop, moveAndStop, startClient, stopQuietly, topFrame } from "./support.js";

describe("debugger: rewinding an app that persists its steps", function () {
  this.timeout(90_000);
  let dc: DebugClient;
  let dir: string;
  beforeEach(async () => {
    dc = await startClient();
    dir = mkdtempSync(join(tmpdir(), "burr-debug-persist-"));
  });
  afterEach(async () => {
    await stopQuietly(dc);
    rmSync(dir, { recursive: true, force: true });
  });

  it("step back, then step on: the SQLite persister keeps the old branch and saves the new one", async () => {
    const output = collectOutput(dc);
    await launchToFirstStop(dc, { program: join(fixtures, "persisted.ts"), stopOnEntry: true, env: { BURR_TEST_DB: join(dir, "steps.db") } });
    for (let i = 0; i < 3; i++) await moveAndStop(dc, () => dc.nextRequest({ threadId: 1 }));
    await moveAndStop(dc, () => dc.stepBackRequest({ threadId: 1 }));
    assert.equal((await topFrame(dc)).name, "increment (next, sequence 2)");
    const ended = Promise.race([dc.waitForEvent("terminated").then(() => null), dc.waitForEvent("stopped")]);
    await dc.continueRequest({ threadId: 1 });
    if (await ended) assert.fail(`the app stopped on an error instead of saving: ${(await dc.exceptionInfoRequest({ threadId: 1 })).body.description}`);
    const text = output.join("");
    assert.match(text, /steps saved: \[0,1,2\]/);
    assert.match(text, /branches: 2/);
    assert.match(text, /exited with code 0/);
  });
});

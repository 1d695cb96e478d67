// The adapter's port: loopback only, and a connection without the one-time
// token is refused while the real program still gets through.
import assert from "node:assert/strict";
import { join } from "node:path";
import type { DebugClient } from "@vscode/debugadapter-testsupport";
import { collectOutput, fixtures, launchToFirstStop, startClient, stopQuietly, topFrame } from "./support.js";

describe("debugger: connection security", function () {
  this.timeout(90_000);
  let dc: DebugClient;
  beforeEach(async () => {
    dc = await startClient();
  });
  afterEach(() => stopQuietly(dc));

  it("refuses a wrong token, does not listen beyond loopback, and accepts the launched program", async () => {
    const output = collectOutput(dc);
    await launchToFirstStop(dc, { program: join(fixtures, "intruder.ts"), stopOnEntry: true });
    assert.equal((await topFrame(dc)).name, "only (next, sequence 0)");
    const text = output.join("");
    assert.match(text, /wrong token: \{"type":"welcome","accepted":false,"reason":"wrong debug token"\}/);
    const external = /external (.*)/.exec(text)?.[1] ?? "";
    assert.ok(external === "none" || /^error (ECONNREFUSED|EHOSTUNREACH|ENETUNREACH)/.test(external), `non-loopback attempt got: ${external}`);
    const terminated = dc.waitForEvent("terminated");
    await dc.continueRequest({ threadId: 1 });
    await terminated;
    assert.match(output.join(""), /app ran/);
  });
});

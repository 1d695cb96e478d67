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

describe("debugger: hostile input before the hello", function () {
  this.timeout(120_000);
  let dc: DebugClient;
  beforeEach(async () => {
    dc = await startClient();
  });
  afterEach(() => stopQuietly(dc));

  it("malformed hellos, odd tokens, a flood and idle connections are refused; the adapter lives and the program gets in", async () => {
    const output = collectOutput(dc);
    await launchToFirstStop(dc, { program: join(fixtures, "hostile.ts"), stopOnEntry: true }).catch((err: Error) => {
      throw new Error(`${err.message}; the program printed:\n${output.join("")}`);
    });
    assert.equal((await topFrame(dc)).name, "only (next, sequence 0)");
    const text = output.join("");
    for (const name of ["wide token", "long token", "empty token", "number token", "object token", "array token", "null token", "lone surrogate", "not an object", "json null", "no type", "binary", "two hellos"]) {
      const line = new RegExp(`^${name}: (.*)$`, "m").exec(text)?.[1];
      assert.ok(line, `no report for ${name} in:\n${text}`);
      assert.match(line, /"accepted":false|^closed$|^error ECONNRESET$/, `${name}: ${line}`);
    }
    const flood = Number(/flood closed after (\d+) MB/.exec(text)?.[1]);
    assert.ok(flood < 16, `the pre-hello flood was read up to ${flood} MB`);
    const idle = /idle: (\d+) closed at once, (\d+) closed by the hello timeout/.exec(text);
    assert.ok(idle, text);
    assert.ok(Number(idle[1]) >= 30, `only ${idle[1]} of 40 idle connections were refused at once`);
    assert.ok(Number(idle[2]) >= 1, "the pending connections are closed by the hello timeout");
    const terminated = dc.waitForEvent("terminated");
    await dc.continueRequest({ threadId: 1 });
    await terminated;
    assert.match(output.join(""), /app ran/);
  });
});

// The Variables view shows values beyond JSON with their type (Date, Map, Set,
// BigInt, URL, bytes, RegExp, a registered class) and edits them as that type,
// over real DAP against a launched program.
import assert from "node:assert/strict";
import type { DebugClient } from "@vscode/debugadapter-testsupport";
import type { DebugProtocol } from "@vscode/debugprotocol";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ApplicationBuilder, action } from "burr-ts";
import { collectOutput, fixtures, launchToFirstStop, moveAndStop, startClient, stopQuietly, topFrame } from "./support.js";

const typed = join(fixtures, "typed.ts");

async function stateVariables(dc: DebugClient): Promise<{ ref: number; byName: Map<string, DebugProtocol.Variable> }> {
  const scopes = (await dc.scopesRequest({ frameId: (await topFrame(dc)).id })).body.scopes;
  const ref = scopes.find((s) => s.name === "State")!.variablesReference;
  const vars = (await dc.variablesRequest({ variablesReference: ref })).body.variables;
  return { ref, byName: new Map(vars.map((v) => [v.name, v])) };
}

describe("debugger: typed values in the Variables view", function () {
  this.timeout(90_000);
  let dc: DebugClient;
  beforeEach(async () => {
    dc = await startClient();
  });
  afterEach(() => stopQuietly(dc));

  it("shows each value with its type and edits Dates, Map entries and BigInts as those types", async () => {
    const output = collectOutput(dc);
    await launchToFirstStop(dc, { program: typed, stopOnEntry: true });
    await moveAndStop(dc, () => dc.nextRequest({ threadId: 1 }));
    const { ref, byName } = await stateVariables(dc);
    const shown = (name: string) => [byName.get(name)!.type, byName.get(name)!.value];
    assert.deepEqual(shown("due"), ["Date", "Date 2026-03-01T00:00:00.000Z"]);
    assert.deepEqual(shown("prices"), ["Map", "Map(2) {\"tea\" => 3, \"cake\" => 5}"]);
    assert.deepEqual(shown("tags"), ["Set", 'Set(2) {"a", "b"}']);
    assert.deepEqual(shown("big"), ["BigInt", "1180591620717411303424n"]);
    assert.deepEqual(shown("home"), ["URL", "URL https://example.org/x"]);
    assert.deepEqual(shown("bytes"), ["Uint8Array", "Uint8Array(3) [01 02 ff]"]);
    assert.deepEqual(shown("pattern"), ["RegExp", "/ab+c/i"]);
    assert.deepEqual(shown("price"), ["Money", 'Money {"amount":3,"currency":"EUR"}']);
    assert.equal(byName.get("due")!.variablesReference, 0);

    const prices = (await dc.variablesRequest({ variablesReference: byName.get("prices")!.variablesReference })).body.variables;
    assert.deepEqual(prices.map((v) => [v.name, v.value]), [["tea", "3"], ["cake", "5"]]);
    const tags = (await dc.variablesRequest({ variablesReference: byName.get("tags")!.variablesReference })).body.variables;
    assert.deepEqual(tags[0].presentationHint?.attributes, ["readOnly"]);

    assert.equal((await dc.setVariableRequest({ variablesReference: ref, name: "due", value: "2027-01-01" })).body.value, "Date 2027-01-01T00:00:00.000Z");
    assert.equal((await dc.setVariableRequest({ variablesReference: byName.get("prices")!.variablesReference, name: "tea", value: "7" })).body.value, "7");
    assert.equal((await dc.setVariableRequest({ variablesReference: ref, name: "big", value: "5n" })).body.value, "5n");
    await assert.rejects(dc.setVariableRequest({ variablesReference: ref, name: "due", value: "someday" }), /not a date/);
    await assert.rejects(dc.setVariableRequest({ variablesReference: byName.get("tags")!.variablesReference, name: "0", value: '"z"' }), /edited as a whole/);

    const ended = dc.waitForEvent("terminated");
    await dc.continueRequest({ threadId: 1 });
    await ended;
    assert.match(output.join(""), /report: 2027-01-01T00:00:00\.000Z 7 a,b 6 example\.org true/);
  });

  it("a replayed tracked run shows the recorded typed values the same way", async () => {
    const dir = mkdtempSync(join(tmpdir(), "burr-typed-replay-"));
    try {
      const stamp = action({ reads: [], writes: ["at", "seen"] }, (state) => state.update({ at: new Date("2026-05-01T10:00:00.000Z"), seen: new Map([["x", 1n]]) }));
      const app = new ApplicationBuilder().withActions({ stamp }).withTransitions(["stamp", "stamp"]).withEntrypoint("stamp").withIdentifiers({ appId: "typed" }).withTracker("local", { project: "typed", storageDir: dir }).build();
      await app.step();
      await app.step();
      await launchToFirstStop(dc, { replay: join(dir, "typed", "typed"), stopOnEntry: true });
      await moveAndStop(dc, () => dc.nextRequest({ threadId: 1 }));
      const { byName } = await stateVariables(dc);
      assert.deepEqual([byName.get("at")!.type, byName.get("at")!.value], ["Date", "Date 2026-05-01T10:00:00.000Z"]);
      assert.deepEqual([byName.get("seen")!.type, byName.get("seen")!.value], ["Map", 'Map(1) {"x" => 1n}']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

// A streaming action run through app.streamResult that throws mid-stream,
// through real DAP: the session stops on it like on any failed step; continue
// hands the error to the stream's consumer, an edit retries the stream into the
// same container. SQLite and the local tracker record the failed step, then the retry.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { DebugClient } from "@vscode/debugadapter-testsupport";
import { collectOutput, fixtures, launchToFirstStop, moveAndStop, scopeValue, stack, startClient, stopQuietly, topFrame } from "./support.js";

const streamer = join(fixtures, "streamer.ts");

interface LogLine {
  type: string;
  sequence_id?: number;
  action_sequence_id?: number;
  action?: string;
  exception?: string | null;
  items_streamed?: number;
}

describe("debugger: a streamed action that fails mid-stream", function () {
  this.timeout(90_000);
  let dc: DebugClient;
  let dir: string;
  let output: string[];
  beforeEach(async () => {
    dc = await startClient();
    output = collectOutput(dc);
    dir = mkdtempSync(join(tmpdir(), "burr-debug-stream-"));
  });
  afterEach(async () => {
    await stopQuietly(dc);
    rmSync(dir, { recursive: true, force: true });
  });

  const launch = () => launchToFirstStop(dc, { program: streamer, env: { BURR_TEST_DB: join(dir, "steps.db"), BURR_TEST_TRACKING: dir } });

  async function ran(): Promise<string> {
    const terminated = dc.waitForEvent("terminated");
    await dc.continueRequest({ threadId: 1 });
    await terminated;
    return output.join("");
  }

  function trackerLog(): LogLine[] {
    const text = readFileSync(join(dir, "debugger-test", "streamer-app", "log.jsonl"), "utf8");
    return text.split("\n").filter((l) => l.trim()).map((l) => JSON.parse(l) as LogLine);
  }

  it("stops on the failure with the app, action and error, and the state before the step", async () => {
    const stop = await launch();
    assert.equal(stop.body.reason, "exception");
    assert.match(stop.body.description ?? "", /talk threw: .*stream broke after "who"/);
    assert.equal((await topFrame(dc)).name, "talk (next, sequence 1)");
    const info = await dc.exceptionInfoRequest({ threadId: 1 });
    const description = info.body.description ?? "";
    assert.match(description, /streamer-app/);
    assert.match(description, /"talk"/);
    assert.match(description, /stream broke after "who"/);
    assert.deepEqual(await scopeValue(dc, (await topFrame(dc)).id, "State"), { explode: true, prompt: "who was burr" });
  });

  it("continue without changes: the consumer gets the error after the items it already had; SQLite records the failed step", async () => {
    await launch();
    const text = await ran();
    assert.match(text, /consumer words: \["who"\]/);
    assert.match(text, /consumer error: Action "talk" failed at sequence id 1: Error: stream broke after "who"/);
    assert.match(text, /steps saved: \["0:ask:completed","1:talk:failed"\]/);
  });

  it("edit the state and step: the stream runs again into the same container, and the failed step and the retry are both recorded", async () => {
    await launch();
    const scopes = (await dc.scopesRequest({ frameId: (await topFrame(dc)).id })).body.scopes;
    await dc.setVariableRequest({ variablesReference: scopes.find((s) => s.name === "State")!.variablesReference, name: "explode", value: "false" });
    await moveAndStop(dc, () => dc.nextRequest({ threadId: 1 }));
    // The failed attempt used sequence id 1 (as Burr records it); the retry ran as 2.
    const frames = await stack(dc);
    assert.deepEqual(frames.map((f) => f.name), ["ask (next, sequence 3)", "talk (sequence 2)", "ask (sequence 0)"]);
    assert.deepEqual(await scopeValue(dc, frames[1].id, "Result"), { response: "WHO WAS BURR" });

    const text = await ran();
    assert.match(text, /consumer words: \["who","who","was","burr"\]/, "the failed attempt's item was delivered; the retry's follow");
    assert.match(text, /consumer result: \{"response":"WHO WAS BURR"\}/);
    assert.doesNotMatch(text, /consumer error/);
    assert.match(text, /steps saved: \["0:ask:completed","1:talk:failed","2:talk:completed","3:ask:completed"\]/);

    const log = trackerLog();
    const ends = log.filter((l) => l.type === "end_entry").map((l) => `${l.sequence_id}:${l.action}:${l.exception ? "failed" : "ok"}`);
    assert.deepEqual(ends, ["0:ask:ok", "1:talk:failed", "2:talk:ok", "3:ask:ok"]);
    const streams = log.filter((l) => l.type === "end_stream").map((l) => `${l.action_sequence_id}:${l.items_streamed}`);
    assert.deepEqual(streams, ["1:1", "2:3"]);
  });

  it("step back from the failure to the step before, edit, and the app streams again from there", async () => {
    await launch();
    await moveAndStop(dc, () => dc.stepBackRequest({ threadId: 1 }));
    assert.equal((await topFrame(dc)).name, "ask (next, sequence 0)");
    const scopes = (await dc.scopesRequest({ frameId: (await topFrame(dc)).id })).body.scopes;
    await dc.setVariableRequest({ variablesReference: scopes.find((s) => s.name === "State")!.variablesReference, name: "explode", value: "false" });
    await moveAndStop(dc, () => dc.nextRequest({ threadId: 1 }));
    assert.equal((await topFrame(dc)).name, "talk (next, sequence 1)");
    const text = await ran();
    assert.match(text, /consumer words: \["who","who","was","burr"\]/);
    assert.match(text, /consumer result: \{"response":"WHO WAS BURR"\}/);
    assert.match(text, /steps saved: \["0:ask:completed","1:talk:completed","2:ask:completed"\]/);
  });
});

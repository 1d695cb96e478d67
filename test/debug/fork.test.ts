// "Fork and Debug from Here" through real DAP: the runtime applies the fork
// to a program that knows nothing of it (no initializeFrom), as a new app
// whose parent is the step; a fork the program cannot take stops it with the
// reason, and never starts a session that pretends.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { DebugClient } from "@vscode/debugadapter-testsupport";
import type { DebugProtocol } from "@vscode/debugprotocol";
import { TrackingReader } from "../../runtime/src/tracking/reader.js";
import { collectOutput, counter, fixtures, launchToFirstStop, moveAndStop, scopeValue, stack, startClient, stopQuietly } from "./support.js";

const tracked = join(fixtures, "tracked.ts");

describe("debugger: fork from a tracked step", function () {
  this.timeout(120_000);
  let dir: string;
  let dc: DebugClient;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "burr-fork-"));
    const r = spawnSync(process.execPath, ["--import", "tsx", tracked], { env: { ...process.env, BURR_TEST_TRACKING: dir }, encoding: "utf8" });
    assert.equal(r.status, 0, r.stderr);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));
  beforeEach(async () => {
    dc = await startClient();
  });
  afterEach(() => stopQuietly(dc));

  const fork = (sequenceId: number) => ({ trackingDir: dir, project: "debugger-test", appId: "tracked-app", sequenceId });

  it("a program without initializeFrom starts after the chosen step, with its state, as a new app whose parent is the step", async () => {
    const output = collectOutput(dc);
    const stop = await launchToFirstStop(dc, { name: "Fork tracked- at step 1", program: tracked, stopOnEntry: true, env: { BURR_TEST_TRACKING: dir }, fork: fork(1) });
    assert.equal(stop.body.reason, "entry");
    const frames = await stack(dc);
    assert.deepEqual(frames.map((f) => f.name), ["increment (next, sequence 2)"]);
    assert.deepEqual(await scopeValue(dc, frames[0].id, "State"), { count: 2, history: [1, 2] });
    assert.match(output.join(""), /Forked step 1 of app tracked-app \(project "debugger-test"\) as app [0-9a-f-]{36}/);

    const ended = dc.waitForEvent("terminated");
    await dc.continueRequest({ threadId: 1 });
    await ended;
    const reader = new TrackingReader(dir);
    const apps = readdirSync(join(dir, "debugger-test")).filter((a) => a !== "tracked-app");
    assert.equal(apps.length, 1, "the fork is a new app; the source run is untouched");
    const forked = await reader.readApp("debugger-test", apps[0]);
    assert.deepEqual(forked.parent, { appId: "tracked-app", sequenceId: 1, partitionKey: null });
    assert.deepEqual(forked.steps.map((s) => [s.sequenceId, s.action]), [[2, "increment"], [3, "done"]]);
    assert.equal((await reader.readApp("debugger-test", "tracked-app")).steps.length, 4);
  });

  it("a failed fork (the program has no such action) stops the program with the reason; nothing stops under the fork's name", async () => {
    const output = collectOutput(dc);
    let stopped = false;
    dc.on("stopped", () => (stopped = true));
    const ended = dc.waitForEvent("terminated");
    await dc.initializeRequest({ adapterID: "burr", linesStartAt1: true, columnsStartAt1: true, pathFormat: "path" });
    await Promise.all([dc.configurationDoneRequest(), dc.launchRequest({ program: counter, stopOnEntry: true, fork: fork(3) } as DebugProtocol.LaunchRequestArguments)]);
    await ended;
    const text = output.join("");
    assert.match(text, /The debugger cannot fork step 3 of app "tracked-app" \(project "debugger-test"[^)]*\) in this program: its app has no action "done"/);
    assert.match(text, /Not forked: the program ended before an app took step 3 of app tracked-app/);
    assert.equal(stopped, false);
  });

  it("a program whose runtime does not apply the fork is stopped before its first step, saying why", async () => {
    const output = collectOutput(dc);
    let stopped = false;
    dc.on("stopped", () => (stopped = true));
    const ended = dc.waitForEvent("terminated");
    await dc.initializeRequest({ adapterID: "burr", linesStartAt1: true, columnsStartAt1: true, pathFormat: "path" });
    await Promise.all([dc.configurationDoneRequest(), dc.launchRequest({ program: join(fixtures, "noFork.ts"), stopOnEntry: true, fork: fork(1) } as DebugProtocol.LaunchRequestArguments)]);
    await ended;
    const text = output.join("");
    assert.match(text, /Not forked: app [0-9a-f-]{36} started without step 1 of app tracked-app[\s\S]*update burr-ts/);
    assert.doesNotMatch(text, /ran unforked/, "the program was stopped before it ran");
    assert.equal(stopped, false);
  });

  it("a step that was never recorded is refused naming the steps there are", async () => {
    const output = collectOutput(dc);
    const ended = dc.waitForEvent("terminated");
    await dc.initializeRequest({ adapterID: "burr", linesStartAt1: true, columnsStartAt1: true, pathFormat: "path" });
    await Promise.all([dc.configurationDoneRequest(), dc.launchRequest({ program: tracked, fork: fork(9) } as DebugProtocol.LaunchRequestArguments)]);
    await ended;
    assert.match(output.join(""), /no such step is recorded \(it has steps 0 to 3\)/);
  });

  it("a malformed fork in the launch configuration is refused before anything runs", async () => {
    await dc.initializeRequest({ adapterID: "burr", linesStartAt1: true, columnsStartAt1: true, pathFormat: "path" });
    await assert.rejects(
      Promise.all([dc.configurationDoneRequest(), dc.launchRequest({ program: tracked, fork: { project: "p", appId: "a", sequenceId: -1 } } as DebugProtocol.LaunchRequestArguments)]),
      /"fork" in the launch configuration needs project, appId and sequenceId/,
    );
  });

  it("stepping back in the fork stops at its first step, not before the fork", async () => {
    await launchToFirstStop(dc, { program: tracked, stopOnEntry: true, env: { BURR_TEST_TRACKING: dir }, fork: fork(0) });
    await moveAndStop(dc, () => dc.nextRequest({ threadId: 1 }));
    const back = await moveAndStop(dc, () => dc.stepBackRequest({ threadId: 1 }));
    assert.match(back.body.description ?? "", /Stepped back to increment \(sequence id 1\)/);
    assert.deepEqual(await scopeValue(dc, (await stack(dc))[0].id, "State"), { count: 1, history: [1] });
  });
});

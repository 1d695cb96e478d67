// Replay of tracked runs written by Python Burr: forward, back, breakpoints by
// action name, errors, and refusal to edit a recording.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { DebugClient } from "@vscode/debugadapter-testsupport";
import { collectOutput, fixtures, launchToFirstStop, repoRoot, moveAndStop, pythonRuns, scopeValue, stack, startClient, stopQuietly, topFrame } from "./support.js";

describe("debugger: replay of tracked runs (Python Burr and burr-ts)", function () {
  this.timeout(90_000);
  let dc: DebugClient;
  beforeEach(async () => {
    dc = await startClient();
  });
  afterEach(() => stopQuietly(dc));

  it("steps forward and back through the chatbot run with state, inputs, result and changes", async () => {
    // No stopOnEntry: a replay stops before its first step unless told not to.
    const first = await launchToFirstStop(dc, { replay: join(pythonRuns, "seed-chatbot/chatbot-safe") });
    assert.equal(first.body.reason, "entry");
    assert.match((await topFrame(dc)).name, /^human_input/);
    assert.deepEqual(await scopeValue(dc, (await topFrame(dc)).id, "Inputs"), { prompt: "Who was Aaron Burr?" });

    await moveAndStop(dc, () => dc.nextRequest({ threadId: 1 }));
    await moveAndStop(dc, () => dc.nextRequest({ threadId: 1 }));
    const frames = await stack(dc);
    assert.deepEqual(frames.map((f) => f.name.split(" ")[0]), ["ai_response", "safety_check", "human_input"]);
    const state = (await scopeValue(dc, frames[0].id, "State")) as Record<string, unknown>;
    assert.equal(state.safe, true);
    assert.deepEqual(await scopeValue(dc, frames[1].id, "Changes"), { set: { safe: true }, deleted: [] });
    assert.deepEqual(await scopeValue(dc, frames[1].id, "Result"), { safe: true });

    const back = await moveAndStop(dc, () => dc.stepBackRequest({ threadId: 1 }));
    assert.equal(back.body.reason, "step");
    assert.match((await topFrame(dc)).name, /^safety_check/);
    assert.equal((await stack(dc)).length, 2);
    const evaluated = await dc.evaluateRequest({ expression: "chat_history[0].content", frameId: (await topFrame(dc)).id, context: "repl" });
    assert.equal(evaluated.body.result, JSON.stringify("Who was Aaron Burr?"));
  });

  it("continues to a function breakpoint, reverse-continues to the one before, and refuses state edits", async () => {
    await launchToFirstStop(dc, { replay: join(pythonRuns, "seed-chatbot/chatbot-safe"), stopOnEntry: true }, () =>
      dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: "safety_check" }] }),
    );
    const hit1 = await moveAndStop(dc, () => dc.continueRequest({ threadId: 1 }));
    assert.equal(hit1.body.reason, "function breakpoint");
    assert.equal((await topFrame(dc)).name, "safety_check (next, sequence 1)");
    await moveAndStop(dc, () => dc.continueRequest({ threadId: 1 }));
    assert.equal((await topFrame(dc)).name, "safety_check (next, sequence 4)");
    const reversed = await moveAndStop(dc, () => dc.reverseContinueRequest({ threadId: 1 }));
    assert.equal(reversed.body.reason, "breakpoint");
    assert.equal((await topFrame(dc)).name, "safety_check (next, sequence 1)");

    const scopes = (await dc.scopesRequest({ frameId: (await topFrame(dc)).id })).body.scopes;
    const stateRef = scopes.find((s) => s.name === "State")!.variablesReference;
    await assert.rejects(dc.setVariableRequest({ variablesReference: stateRef, name: "prompt", value: '"x"' }), /replay runs no code/);
  });

  it("stops on the recorded error of a failed run and ends after the last step", async () => {
    const output = collectOutput(dc);
    await launchToFirstStop(dc, { replay: join(pythonRuns, "errors/counter-fails"), stopOnEntry: false });
    const failed = await topFrame(dc);
    assert.equal(failed.name, "counter (next, sequence 2)");
    const info = await dc.exceptionInfoRequest({ threadId: 1 });
    assert.match(info.body.description ?? "", /count too high: 2/);
    assert.deepEqual(await scopeValue(dc, failed.id, "State"), { count: 2 });
    const terminated = dc.waitForEvent("terminated");
    await dc.continueRequest({ threadId: 1 });
    await terminated;
    assert.ok(output.some((line) => line.includes("end of the recorded run")), output.join(""));
  });

  it("steps onto the end of the run, and back from it", async () => {
    await launchToFirstStop(dc, { replay: join(pythonRuns, "errors/counter-fails"), stopOnEntry: true });
    await moveAndStop(dc, () => dc.nextRequest({ threadId: 1 }));
    await moveAndStop(dc, () => dc.nextRequest({ threadId: 1 }));
    const failed = await moveAndStop(dc, () => dc.nextRequest({ threadId: 1 }));
    assert.equal(failed.body.reason, "exception");
    const end = await moveAndStop(dc, () => dc.nextRequest({ threadId: 1 }));
    assert.equal(end.body.reason, "step");
    assert.equal((await topFrame(dc)).name, "(end of run) (next, sequence 3)");
    assert.deepEqual(await scopeValue(dc, (await topFrame(dc)).id, "State"), { count: 2 });
    await moveAndStop(dc, () => dc.stepBackRequest({ threadId: 1 }));
    assert.equal((await topFrame(dc)).name, "counter (next, sequence 2)");
  });

  it("explains a replay target that does not exist", async () => {
    await dc.initializeRequest({ adapterID: "burr", pathFormat: "path" });
    await assert.rejects(dc.launchRequest({ replay: "/nonexistent/app" } as never), /no tracked run at "\/nonexistent\/app"/);
  });

  it("replays a run tracked by burr-ts itself, by project/appId under trackingDir", async () => {
    const storage = mkdtempSync(join(tmpdir(), "burr-debug-tracking-"));
    try {
      const tsx = pathToFileURL(createRequire(join(repoRoot, "package.json")).resolve("tsx")).href;
      execFileSync(process.execPath, ["--import", tsx, join(fixtures, "tracked.ts")], { env: { ...process.env, BURR_TEST_TRACKING: storage } });
      await launchToFirstStop(dc, { replay: "debugger-test/tracked-app", trackingDir: storage, stopOnEntry: true }, () =>
        dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: "done" }] }),
      );
      await moveAndStop(dc, () => dc.continueRequest({ threadId: 1 }));
      const frames = await stack(dc);
      assert.deepEqual(frames.map((f) => f.name), ["done (next, sequence 3)", "increment (sequence 2)", "increment (sequence 1)", "increment (sequence 0)"]);
      assert.deepEqual(await scopeValue(dc, frames[0].id, "State"), { count: 3, history: [1, 2, 3] });
      assert.deepEqual(await scopeValue(dc, frames[1].id, "Result"), { count: 3 });
    } finally {
      rmSync(storage, { recursive: true, force: true });
    }
  });

  for (const run of ["streaming/streaming", "tracing/traced", "forks/parent-app", "forks/forked-child"]) {
    it(`replays ${run} from start to end`, async () => {
      await launchToFirstStop(dc, { replay: join(pythonRuns, run), stopOnEntry: true });
      const first = await topFrame(dc);
      assert.match(first.name, /\(next, sequence \d+\)$/);
      assert.ok(await scopeValue(dc, first.id, "State"));
      const terminated = dc.waitForEvent("terminated");
      await dc.continueRequest({ threadId: 1 });
      await terminated;
    });
  }
});

// Replay with the current code in the debugger: a launch with both "replay"
// and "program" runs the example chatbot's tracked run through its code under
// the built adapter (DAP over stdio), with breakpoints in action code, the
// recorded traced calls, a divergence stop with the CLI's report, and
// "Re-run Step with Current Code" after editing a copy of the example.
import assert from "node:assert/strict";
import { copyFileSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { DebugClient } from "@vscode/debugadapter-testsupport";
import type { DebugProtocol } from "@vscode/debugprotocol";
import { recordChatbot, trackingDir } from "../replay/support.js";
import { collectOutput, launchToFirstStop, moveAndStop, repoRoot, scopeValue, startClient, stopQuietly, topFrame } from "./support.js";

const example = join(repoRoot, "examples", "chatbot", "app.ts");
const edits = join(repoRoot, "test", "replay", "fixtures", "edits.ts");

/** Zero-based line of the first line of `file` containing `text`, one-based for DAP. */
function lineOf(file: string, text: string): number {
  const index = readFileSync(file, "utf8").split("\n").findIndex((l) => l.includes(text));
  if (index < 0) throw new Error(`${file} has no line with ${text}`);
  return index + 1;
}

/** A copy of the example chatbot the test may edit, resolving burr-ts through the repository's node_modules. */
function exampleCopy(): string {
  const dir = mkdtempSync(join(tmpdir(), "burr-replaydbg-app-"));
  for (const f of ["app.ts", "model.ts"]) copyFileSync(join(repoRoot, "examples", "chatbot", f), join(dir, f));
  writeFileSync(join(dir, "package.json"), JSON.stringify({ type: "commonjs" }));
  symlinkSync(join(repoRoot, "node_modules"), join(dir, "node_modules"), "dir");
  return dir;
}

function edit(file: string, from: string, to: string): void {
  const text = readFileSync(file, "utf8");
  assert.ok(text.includes(from), `${file} has no ${from}`);
  writeFileSync(file, text.replace(from, to));
}

async function rerun(dc: DebugClient): Promise<DebugProtocol.Response> {
  return dc.customRequest("rerunStep");
}

describe("debugger: replay a tracked run through the program's current code", function () {
  this.timeout(120_000);
  let dc: DebugClient;
  let dir: string;
  let runDir: string;
  const cleanup: string[] = [];
  before(async () => {
    dir = trackingDir();
    runDir = await recordChatbot(dir, "dbg-run");
  });
  after(() => {
    rmSync(dir, { recursive: true, force: true });
    for (const d of cleanup) rmSync(d, { recursive: true, force: true });
  });
  beforeEach(async () => {
    dc = await startClient();
  });
  afterEach(() => stopQuietly(dc));

  it("unchanged code matches the record to the end, and the session ends with the CLI's report", async () => {
    const output = collectOutput(dc);
    const terminated = dc.waitForEvent("terminated");
    await dc.initializeRequest({ adapterID: "burr", linesStartAt1: true, columnsStartAt1: true, pathFormat: "path" });
    await Promise.all([dc.configurationDoneRequest(), dc.launchRequest({ program: example, replay: runDir } as DebugProtocol.LaunchRequestArguments)]);
    await terminated;
    const text = output.join("");
    assert.match(text, /replay of replay-test\/dbg-run: 9 of 9 step\(s\) match the record/, text);
    assert.doesNotMatch(text, /DIVERGED/);
  });

  it("a breakpoint inside action code stops on the recorded state; traced calls show their recorded values", async () => {
    const line = lineOf(example, "const safe = !state.get(\"prompt\")");
    const aiLine = lineOf(example, "return complete(state.get(\"chatHistory\"))");
    const first = await launchToFirstStop(dc, { program: example, replay: runDir }, () =>
      dc.setBreakpointsRequest({ source: { path: example }, breakpoints: [{ line }, { line: aiLine }] }),
    );
    assert.equal(first.body.reason, "breakpoint");
    const frame = await topFrame(dc);
    assert.equal(frame.name, "safetyCheck (next, sequence 1)");
    const state = (await scopeValue(dc, frame.id, "State")) as Record<string, unknown>;
    assert.equal(state.prompt, "Who was Aaron Burr?");
    assert.deepEqual(state.chatHistory, [{ role: "user", content: "Who was Aaron Burr?" }]);

    await moveAndStop(dc, () => dc.continueRequest({ threadId: 1 }));
    const ai = await topFrame(dc);
    assert.equal(ai.name, "aiResponse (next, sequence 2)");
    const calls = (await scopeValue(dc, ai.id, "Recorded Calls")) as Record<string, unknown>;
    const recorded = readFileSync(join(runDir, "log.jsonl"), "utf8");
    const answer = calls["model.complete #1 (recorded)"];
    assert.equal(typeof answer, "string");
    assert.ok(recorded.includes(JSON.stringify(answer)), "the value shown is the one in the record");
    // The record decides the state: it cannot be edited here.
    const scopes = (await dc.scopesRequest({ frameId: ai.id })).body.scopes;
    const stateRef = scopes.find((s) => s.name === "State")!.variablesReference;
    await assert.rejects(dc.setVariableRequest({ variablesReference: stateRef, name: "prompt", value: '"x"' }), /every step starts from the recorded state/);
  });

  it("a changed condition diverges at the right step and stops the session with the report", async () => {
    const output = collectOutput(dc);
    const stop = await launchToFirstStop(dc, { program: edits, export: "flipped", replay: runDir });
    assert.equal(stop.body.reason, "divergence");
    assert.match(stop.body.description ?? "", /Replay diverged at step 2 \(aiResponse\): the current code runs "unsafeResponse" where the record ran "aiResponse"/);
    const text = output.join("");
    assert.match(text, /DIVERGED at step 2 \(aiResponse\), after 2 matching step\(s\)/, text);
    assert.match(text, /transition taken instead: safetyCheck -> unsafeResponse \[safe=false\]|transition taken instead: safetyCheck -> unsafeResponse/, text);
    const frame = await topFrame(dc);
    assert.match(frame.name, /^aiResponse \(recorded next; the current code diverged, sequence 2\)/);
    assert.equal(((await scopeValue(dc, frame.id, "State")) as { safe: boolean }).safe, true);
    const terminated = dc.waitForEvent("terminated");
    await dc.continueRequest({ threadId: 1 });
    await terminated;
  });

  it("re-runs the current step after an edit to the example, showing the new result and next action beside the old", async () => {
    const copy = exampleCopy();
    cleanup.push(copy);
    const app = join(copy, "app.ts");
    const output = collectOutput(dc);
    await launchToFirstStop(dc, { program: app, replay: runDir }, () =>
      dc.setBreakpointsRequest({ source: { path: app }, breakpoints: [{ line: lineOf(app, "const safe = !state.get(\"prompt\")") }] }),
    );
    assert.equal((await topFrame(dc)).name, "safetyCheck (next, sequence 1)");
    edit(app, `const safe = !state.get("prompt").includes("unsafe");`, `const safe = !state.get("prompt").includes("Burr");`);
    const response = await rerun(dc);
    const report = response.body as { divergence: { kind: string } | null; current: { result: unknown; next: string }; recorded: { result: unknown; next: string } };
    assert.deepEqual(report.recorded.result, { safe: true });
    assert.deepEqual(report.current.result, { safe: false });
    assert.equal(report.recorded.next, "aiResponse");
    assert.equal(report.current.next, "unsafeResponse");
    assert.equal(report.divergence?.kind, "result");
    const frame = await topFrame(dc);
    const shown = (await scopeValue(dc, frame.id, "Re-run")) as { next: unknown; result: unknown };
    assert.deepEqual(shown.next, { recorded: "aiResponse", current: "unsafeResponse" });
    assert.deepEqual(shown.result, { recorded: { safe: true }, current: { safe: false } });
    assert.match(output.join(""), /Re-ran step 1 \(safetyCheck\)[\s\S]*next: +recorded aiResponse {2}now unsafeResponse/);
  });

  it("refuses to re-run a step when the edit changed the app's graph", async () => {
    const copy = exampleCopy();
    cleanup.push(copy);
    const app = join(copy, "app.ts");
    await launchToFirstStop(dc, { program: app, replay: runDir, stopOnEntry: true });
    edit(app, `["safetyCheck", "unsafeResponse", when({ safe: false })],`, `["safetyCheck", "unsafeResponse", when({ safe: false, prompt: "x" })],`);
    await assert.rejects(rerun(dc), /the app's graph changed \(transitions changed: safetyCheck -> unsafeResponse .* is now safetyCheck -> unsafeResponse .*\)\. A changed graph cannot be hot-reloaded/);
  });
});

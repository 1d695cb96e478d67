// Replaying a run recorded in another checkout: the stack shows the
// workspace's copy of each source (placed by its trailing folders under the
// launch's cwd or sourceRoots), never the recording checkout's file.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { DebugClient } from "@vscode/debugadapter-testsupport";
import { fixtures, launchToFirstStop, repoRoot, startClient, stopQuietly, topFrame } from "./support.js";

describe("debugger: replay sources inside the workspace", function () {
  this.timeout(90_000);
  let dir: string;
  let runDir: string;
  let dc: DebugClient;
  const checkout = (name: string) => {
    const root = join(dir, name);
    mkdirSync(join(root, "src"), { recursive: true });
    mkdirSync(join(root, "node_modules"));
    symlinkSync(join(repoRoot, "runtime"), join(root, "node_modules/burr-ts"), "dir");
    copyFileSync(join(fixtures, "package.json"), join(root, "package.json"));
    copyFileSync(join(fixtures, "tracked.ts"), join(root, "src/tracked.ts"));
    return root;
  };

  before(() => {
    dir = mkdtempSync(join(tmpdir(), "burr-replay-src-"));
    const alice = checkout("alice");
    checkout("ws");
    const r = spawnSync(process.execPath, ["--import", "tsx", join(alice, "src/tracked.ts")], { env: { ...process.env, BURR_TEST_TRACKING: join(dir, "track") }, encoding: "utf8" });
    assert.equal(r.status, 0, r.stderr);
    runDir = join(dir, "track", "debugger-test", readdirSync(join(dir, "track", "debugger-test"))[0]);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));
  beforeEach(async () => {
    dc = await startClient();
  });
  afterEach(() => stopQuietly(dc));

  it("points frames at the workspace's copy of the recorded file", async () => {
    await launchToFirstStop(dc, { replay: runDir, cwd: join(dir, "ws") });
    const frame = await topFrame(dc);
    assert.equal(frame.name, "increment (next, sequence 0)");
    assert.equal(frame.source?.path, join(dir, "ws/src/tracked.ts"));
  });

  it("a source the workspace has no copy of is not shown at all", async () => {
    rmSync(join(dir, "ws/src/tracked.ts"));
    await launchToFirstStop(dc, { replay: runDir, sourceRoots: [join(dir, "ws")] });
    const frame = await topFrame(dc);
    assert.equal(frame.name, "increment (next, sequence 0)");
    assert.equal(frame.source, undefined);
  });
});

// How "Debug App" finds tsx: afresh on every launch, so installing tsx after
// the error dialog works without a window reload (Node's resolver would
// remember the missing package for the life of the extension host).
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { findTsx, resolveProgramCommand, resolveReplayProgramCommand } from "../../extension/src/debug/programCommand.js";
import { repoRoot } from "./support.js";

describe("debugger: finding tsx", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "burr-tsx-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("fails while tsx is missing, then finds it once installed, in the same process", () => {
    const project = join(dir, "project");
    mkdirSync(project);
    writeFileSync(join(project, "app.ts"), "export {};\n");
    // A node that cannot strip types, and an adapter folder without tsx: only the project's tsx can run it.
    const config = { program: join(project, "app.ts"), cwd: project, runtimeExecutable: join(dir, "no-such-node") };
    assert.throws(() => resolveProgramCommand(config, join(dir, "adapter")), /tsx was not found[\s\S]*npm install --save-dev tsx/);
    assert.equal(findTsx([project]), null);

    mkdirSync(join(project, "node_modules"));
    symlinkSync(join(repoRoot, "node_modules", "tsx"), join(project, "node_modules", "tsx"), "dir");
    const command = resolveProgramCommand(config, join(dir, "adapter"));
    assert.match(command.note, /^tsx from /);
    assert.equal(command.args[0], "--import");
    assert.equal(command.args[1], pathToFileURL(join(project, "node_modules", "tsx", "dist", "loader.mjs")).href);
  });

  it("finds tsx in a parent folder's node_modules and ignores a broken manifest", () => {
    const nested = join(dir, "packages", "app", "src");
    mkdirSync(nested, { recursive: true });
    mkdirSync(join(dir, "packages", "app", "node_modules", "tsx"), { recursive: true });
    writeFileSync(join(dir, "packages", "app", "node_modules", "tsx", "package.json"), "{ not json");
    mkdirSync(join(dir, "node_modules"));
    symlinkSync(join(repoRoot, "node_modules", "tsx"), join(dir, "node_modules", "tsx"), "dir");
    assert.equal(findTsx([nested]), join(dir, "node_modules", "tsx", "dist", "loader.mjs"));
  });
});

describe("debugger: the replay runner of a launch with replay and program", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "burr-runner-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("is the program's own burr-ts runner, and without one the error says to install burr-ts", () => {
    const project = join(dir, "project");
    mkdirSync(project);
    writeFileSync(join(project, "app.ts"), "export {};\n");
    const config = { program: join(project, "app.ts"), replay: "demo/app-1", trackingDir: join(dir, "tracking"), export: "chatbotBuilder" };
    assert.throws(() => resolveReplayProgramCommand(config, join(dir, "adapter")), /no burr-ts with the replay runner .* Install or update burr-ts/);
    mkdirSync(join(project, "node_modules"));
    symlinkSync(join(repoRoot, "runtime"), join(project, "node_modules", "burr-ts"), "dir");
    const command = resolveReplayProgramCommand(config, join(dir, "adapter"));
    const runner = join(project, "node_modules", "burr-ts", "dist", "replay", "debugRunner.js");
    assert.deepEqual(command.args, [runner, "session", "--program", config.program, "--run", "demo/app-1", "--tracking-dir", config.trackingDir, "--export", "chatbotBuilder"]);
    assert.deepEqual(command.replay?.rerunArgs(3).slice(0, 2), [runner, "rerun"]);
    assert.deepEqual(command.replay?.rerunArgs(3).slice(-2), ["--step", "3"]);
  });
});

// How "Debug App" finds tsx: afresh on every launch, so installing tsx after
// the error dialog works without a window reload (Node's resolver would
// remember the missing package for the life of the extension host).
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { findTsx, resolveProgramCommand } from "../../extension/src/debug/programCommand.js";
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

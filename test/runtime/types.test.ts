// The type tests in test/types are checked by the compiler: every
// `@ts-expect-error` there must be an error and everything else must compile.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { join } from "node:path";

const repo = join(__dirname, "../..");

describe("runtime: type tests (tsc -p test/types)", () => {
  it("compile with every expected error present and no other", function () {
    this.timeout(120_000);
    const tsc = createRequire(join(repo, "package.json")).resolve("typescript/bin/tsc");
    const r = spawnSync(process.execPath, [tsc, "--noEmit", "-p", join(repo, "test/types/tsconfig.json")], { encoding: "utf8" });
    assert.equal(r.status, 0, `tsc failed:\n${r.stdout}${r.stderr}`);
  });
});

// "Create test from step" for a run whose state holds values beyond JSON: the
// recorded `__burr_serde__` tags become real Dates and Maps again in the
// generated test, which type-checks and passes under mocha.
import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import ts from "typescript";
import type { ApplicationBuilder as Builder } from "burr-ts";
import { generateStepTest, importSpecifier } from "../../runtime/src/testcase/codegen.js";
import { TrackingDirStore } from "../../extension/src/runs/stores/trackingDirStore.js";
import { fullStep } from "../../extension/src/runs/views/materialize.js";
import type { AppRun } from "../../extension/src/runs/stores/types.js";
import { tempDir } from "./helpers.js";

const REPO = resolve(".");

const MODULE = `import { ApplicationBuilder, action } from "burr-ts";
type S = { at: Date; tags: Map<string, number>; count: bigint };
export const start = action({ reads: [], writes: ["at", "tags", "count"] }, (state) => {
  const at = new Date("2026-02-03T04:05:06.789Z");
  return [{ at }, state.update({ at, tags: new Map([["a", 1]]), count: 1n })];
});
export const plan = action({ reads: ["at", "tags", "count"], writes: ["tags", "count"], inputs: ["until"] }, (state, { until }: { until: Date }) => {
  const tags = new Map(state.get("tags") as S["tags"]);
  tags.set("days", Math.round((until.getTime() - (state.get("at") as Date).getTime()) / 86_400_000));
  const count = (state.get("count") as bigint) * 12345678901234567890n;
  return [{ until, size: tags.size, count }, state.update({ tags, count })];
});
export function builder(): ApplicationBuilder {
  return new ApplicationBuilder().withActions({ start, plan }).withTransitions(["start", "plan"]).withEntrypoint("start");
}
`;

function runMocha(files: string[]): { status: number | null; out: string } {
  const r = spawnSync(process.execPath, ["--import", "tsx", require.resolve("mocha/bin/mocha.js"), "--no-config", "--reporter", "dot", ...files], { encoding: "utf8", cwd: REPO });
  return { status: r.status, out: r.stdout + r.stderr };
}

describe("runs: create test from a step whose state holds Dates, Maps and BigInts", function () {
  this.timeout(60_000);
  let t: { dir: string; dispose: () => void };
  let ws: string;
  let run: AppRun;
  let appId: string;

  before(async () => {
    t = tempDir("gen-serde");
    ws = join(t.dir, "ws");
    const nm = join(ws, "node_modules");
    mkdirSync(join(nm, "@types"), { recursive: true });
    mkdirSync(join(ws, "src"));
    symlinkSync(join(REPO, "runtime"), join(nm, "burr-ts"), "dir");
    symlinkSync(join(REPO, "node_modules/@types/node"), join(nm, "@types/node"), "dir");
    symlinkSync(join(REPO, "node_modules/@types/mocha"), join(nm, "@types/mocha"), "dir");
    writeFileSync(join(ws, "package.json"), JSON.stringify({ type: "module" }));
    writeFileSync(join(ws, "src/schedule.ts"), MODULE);
    const mod = (await import(pathToFileURL(join(ws, "src/schedule.ts")).href)) as { builder: () => Builder };
    const app = mod.builder().withTracker("local", { project: "rich", storageDir: join(t.dir, "burr") }).build();
    await app.step();
    await app.step({ inputs: { until: new Date("2026-02-13T04:05:06.789Z") } });
    appId = app.uid;
    // The sidebar reads compact runs as deltas; the command rebuilds each step's state (fullStep), as here.
    const read = await new TrackingDirStore(join(t.dir, "burr")).readApp("rich", appId);
    run = { ...read, steps: read.steps.map((s) => fullStep(read, s)) };
  });
  after(() => t.dispose());

  it("rebuilds the tagged values, type-checks, and passes; a changed action fails it", () => {
    const step = run.steps[1];
    assert.deepEqual(run.steps[0].state?.at, { __burr_serde__: "Date", value: "2026-02-03T04:05:06.789Z" }, "the run stores the Date tagged");
    const testFile = join(ws, "test/plan.step1.test.ts");
    mkdirSync(join(ws, "test"));
    const g = generateStepTest({
      project: "rich", appId, step, previous: run.steps[0], writes: ["tags", "count"],
      importPath: importSpecifier(testFile, join(ws, "src/schedule.ts")), exportName: "plan",
    });
    assert.match(g.text, /import \{ ApplicationBuilder, deserializeValue \} from "burr-ts";/);
    assert.match(g.text, /const stateBefore = deserializeValue\(\{/);
    assert.match(g.text, /"__burr_serde__": "Map"/);
    writeFileSync(testFile, g.text);

    const program = ts.createProgram([testFile], {
      target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext,
      strict: true, noEmit: true, skipLibCheck: true, types: ["node", "mocha"], typeRoots: [join(ws, "node_modules/@types")],
    });
    const problems = ts.getPreEmitDiagnostics(program).filter((d) => d.file?.fileName === testFile || !d.file);
    assert.deepEqual(problems.map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n")), [], g.text);

    const passed = runMocha([testFile]);
    assert.equal(passed.status, 0, `${passed.out}\n${g.text}`);
    assert.match(passed.out, /1 passing/);

    // The rebuilt values are compared as values: a Map entry off by one day fails the test.
    writeFileSync(join(ws, "src/schedule.ts"), MODULE.replace("86_400_000)", "86_400_000) + 1"));
    const failed = runMocha([testFile]);
    assert.notEqual(failed.status, 0, failed.out);
    assert.match(failed.out, /1 failing/);
  });
});

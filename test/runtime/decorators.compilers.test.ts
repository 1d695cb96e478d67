// The same decorated program compiled by the tools users run: tsc, esbuild and
// tsx, with experimentalDecorators off (works) and on (refused: tsc at compile
// time, esbuild/tsx at run time, both saying to turn it off).
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { transformSync } from "esbuild";

const repo = join(__dirname, "../..");
// An absolute path (POSIX): both Node and tsc resolve it, with its .d.ts beside it.
const runtime = join(repo, "runtime/dist/index.js");
const requireHere = createRequire(join(repo, "package.json"));

const PROGRAM = `
import { ApplicationBuilder, State, action, actionsOf, streamingAction } from "${runtime}";
class Counter {
  constructor(private readonly step: number) {}
  @action({ reads: ["n"], writes: ["n"] })
  add(state: State) { return state.update({ n: (state.get("n") as number) + this.step }); }
  @streamingAction({ reads: ["n"], writes: ["text"] })
  async *say(state: State) { yield { delta: "n=" }; return [{}, state.update({ text: "n=" + state.get("n") })] as const; }
}
const app = new ApplicationBuilder()
  .withActions(actionsOf(new Counter(2)))
  .withTransitions(["add", "say"])
  .withState({ n: 1 })
  .withEntrypoint("add")
  .withDebugGate(null)
  .build();
const { state } = await app.run({ haltAfter: ["say"] });
console.log(JSON.stringify({ actions: app.graph.actions.map((a) => a.name), text: state.get("text") }));
`;

const EXPECTED = { actions: ["add", "say"], text: "n=3" };

function node(args: string[], cwd: string) {
  return spawnSync(process.execPath, args, { cwd, encoding: "utf8", timeout: 60_000 });
}

describe("runtime: action decorators under tsc, esbuild and tsx", function () {
  this.timeout(120_000);
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "burr-decorators-"));
    writeFileSync(join(dir, "package.json"), JSON.stringify({ type: "module" }));
    writeFileSync(join(dir, "app.ts"), PROGRAM);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const tsconfig = (experimentalDecorators: boolean) =>
    JSON.stringify({
      compilerOptions: { target: "ES2022", module: "NodeNext", moduleResolution: "NodeNext", strict: true, skipLibCheck: true, outDir: "out", types: [], experimentalDecorators },
      files: ["app.ts"],
    });

  function tsc(experimentalDecorators: boolean) {
    writeFileSync(join(dir, "tsconfig.json"), tsconfig(experimentalDecorators));
    return node([requireHere.resolve("typescript/bin/tsc"), "-p", "tsconfig.json"], dir);
  }

  it("tsc (standard decorators) compiles it and the app runs", () => {
    const built = tsc(false);
    assert.equal(built.status, 0, built.stdout + built.stderr);
    const run = node([join(dir, "out/app.js")], dir);
    assert.equal(run.status, 0, run.stderr);
    assert.deepEqual(JSON.parse(run.stdout), EXPECTED);
  });

  it("esbuild (standard decorators) compiles it and the app runs", () => {
    const { code } = transformSync(PROGRAM, { loader: "ts", format: "esm", target: "es2022" });
    writeFileSync(join(dir, "app.mjs"), code);
    const run = node([join(dir, "app.mjs")], dir);
    assert.equal(run.status, 0, run.stderr);
    assert.deepEqual(JSON.parse(run.stdout), EXPECTED);
  });

  it("tsx runs it as written", () => {
    writeFileSync(join(dir, "tsconfig.json"), tsconfig(false));
    const run = node(["--import", pathToFileURL(requireHere.resolve("tsx")).href, join(dir, "app.ts")], dir);
    assert.equal(run.status, 0, run.stderr);
    assert.deepEqual(JSON.parse(run.stdout), EXPECTED);
  });

  it("tsc with experimentalDecorators reports the decorator as not applicable", () => {
    const built = tsc(true);
    assert.notEqual(built.status, 0);
    assert.match(built.stdout, /app\.ts\(5,\d+\): error TS\d+:.*decorator/i);
  });

  it("legacy decorators compiled anyway (esbuild, tsx with experimentalDecorators) fail at class definition, saying to turn it off", () => {
    const { code } = transformSync(PROGRAM, { loader: "ts", format: "esm", target: "es2022", tsconfigRaw: { compilerOptions: { experimentalDecorators: true } } });
    writeFileSync(join(dir, "app.mjs"), code);
    const esb = node([join(dir, "app.mjs")], dir);
    assert.notEqual(esb.status, 0);
    assert.match(esb.stderr, /@action on "add" was compiled as a legacy decorator \("experimentalDecorators": true in tsconfig.json\)/);
    assert.match(esb.stderr, /remove "experimentalDecorators"/);
    writeFileSync(join(dir, "tsconfig.json"), tsconfig(true));
    const viaTsx = node(["--import", pathToFileURL(requireHere.resolve("tsx")).href, join(dir, "app.ts")], dir);
    assert.notEqual(viaTsx.status, 0);
    assert.match(viaTsx.stderr, /was compiled as a legacy decorator/);
  });
});

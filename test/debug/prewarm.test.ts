// A program's process started before its launch (extension/src/debug/prewarm.ts,
// dist/programHost.js): the program it becomes sees what a plain spawn gives it
// (main module, argv, cwd, environment with the gate's port and token), a burr
// app in it reaches the debugger, and a process that does not match the launch
// is not used.
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ProgramPrewarmer } from "../../extension/src/debug/prewarm.js";
import { resolveProgramCommand } from "../../extension/src/debug/programCommand.js";
import { ProgramSource } from "../../extension/src/debug/programSource.js";
import type { SourceEvents } from "../../extension/src/debug/source.js";
import { assertAdapterBuilt, fixtures, repoRoot } from "./support.js";

const dist = join(repoRoot, "dist");

/** Runs `command`'s program through a ProgramSource to its end; returns its stdout and what the gate announced. */
async function run(source: ProgramSource): Promise<{ stdout: string; apps: number; steps: string[]; ended: string }> {
  let stdout = "";
  let apps = 0;
  const steps: string[] = [];
  const ended = await new Promise<string>((resolve) => {
    const events: SourceEvents = {
      app: () => void apps++,
      beforeStep: (step) => {
        steps.push(step.action);
        source.resume(step.appId, false);
      },
      stepped: () => undefined,
      failed: (step) => source.resume(step.appId, false),
      output: (category, text) => {
        if (category === "stdout") stdout += text;
      },
      diverged: (step) => source.resume(step.appId, false),
      ended: resolve,
    };
    void source.start(events);
  });
  return { stdout, apps, steps, ended };
}

describe("debugger: a program started before its launch", function () {
  this.timeout(60_000);
  before(() => assertAdapterBuilt());

  it("becomes the program as a plain spawn would start it: main module, argv, cwd, environment, gate", async () => {
    const prewarmer = new ProgramPrewarmer(dist);
    try {
      const command = resolveProgramCommand({ program: join(fixtures, "whoami.cts"), args: ["a", "b c"], cwd: fixtures, env: { WHO: "me" } }, dist);
      prewarmer.prepare(command);
      const { stdout, ended } = await run(new ProgramSource(command, null, prewarmer));
      assert.equal(ended, "program exited with code 0");
      assert.equal(prewarmer.take(command), null, "it was used (and can be taken once)");
      const expected = { main: true, file: command.program, argv: [command.program, "a", "b c"], cwd: fixtures, who: "me", gate: true };
      assert.deepEqual(JSON.parse(stdout), expected);
      const plain = await run(new ProgramSource(command, null));
      assert.deepEqual(JSON.parse(plain.stdout), expected, "the same as spawned at launch");
    } finally {
      prewarmer.dispose();
    }
  });

  it("runs a burr app under the debugger: its app and every step reach the adapter", async () => {
    const prewarmer = new ProgramPrewarmer(dist);
    try {
      const command = resolveProgramCommand({ program: join(fixtures, "counter.ts"), env: { COUNTER_LIMIT: "2" } }, dist);
      prewarmer.prepare(command);
      const { stdout, apps, steps, ended } = await run(new ProgramSource(command, null, prewarmer));
      assert.equal(ended, "program exited with code 0");
      assert.equal(apps, 1);
      assert.deepEqual(steps, ["start", "increment", "increment", "finish"]);
      assert.match(stdout, /final count 2/);
    } finally {
      prewarmer.dispose();
    }
  });

  // A stand-in burr-ts (ESM, as the real one) that counts its evaluations; tsx gives a CommonJS program a
  // required copy and an ES module the imported one, so the prewarmed process must load the program's kind.
  const probes = {
    "an ES module": ["probe.mts", 'const before = (globalThis as { burrLoads?: number }).burrLoads ?? 0;\nawait import("burr-ts");\n'],
    // A .ts file with no "type": "module" above it is CommonJS, as examples/chatbot/app.ts is.
    "a CommonJS program": ["probe.ts", 'const before = (globalThis as { burrLoads?: number }).burrLoads ?? 0;\nrequire("burr-ts");\n'],
  } as const;
  for (const [kind, [file, body]] of Object.entries(probes)) {
    it(`has burr-ts loaded when ${kind} starts, as the one copy the program gets`, async () => {
      const workspace = mkdtempSync(join(tmpdir(), "burr-prewarm-"));
      const prewarmer = new ProgramPrewarmer(dist);
      try {
        const pkg = join(workspace, "node_modules/burr-ts");
        mkdirSync(pkg, { recursive: true });
        writeFileSync(join(pkg, "package.json"), JSON.stringify({ name: "burr-ts", type: "module", exports: { ".": "./index.js" } }));
        writeFileSync(join(pkg, "index.js"), "globalThis.burrLoads = (globalThis.burrLoads ?? 0) + 1;\nexport const loaded = true;\n");
        const program = join(workspace, file);
        writeFileSync(program, `${body}console.log(JSON.stringify({ before, after: (globalThis as { burrLoads?: number }).burrLoads }));\n`);
        const command = resolveProgramCommand({ program, cwd: workspace }, dist);
        prewarmer.prepare(command);
        const warm = await run(new ProgramSource(command, null, prewarmer));
        assert.equal(warm.ended, "program exited with code 0");
        assert.deepEqual(JSON.parse(warm.stdout), { before: 1, after: 1 }, "loaded before the program, and not again");
        const plain = await run(new ProgramSource(command, null));
        assert.deepEqual(JSON.parse(plain.stdout), { before: 0, after: 1 }, "a plain spawn loads it when the program asks");
      } finally {
        prewarmer.dispose();
        rmSync(workspace, { recursive: true, force: true });
      }
    });
  }

  it("is not used for a launch that differs (cwd, environment), and ends when disposed", async () => {
    const prewarmer = new ProgramPrewarmer(dist);
    const program = join(fixtures, "whoami.cts");
    const prepared = resolveProgramCommand({ program, cwd: fixtures, env: { WHO: "me" } }, dist);
    prewarmer.prepare(prepared);
    assert.equal(prewarmer.take(resolveProgramCommand({ program, cwd: repoRoot, env: { WHO: "me" } }, dist)), null);
    assert.equal(prewarmer.take(resolveProgramCommand({ program, cwd: fixtures, env: { WHO: "you" } }, dist)), null);
    assert.equal(prewarmer.take(resolveProgramCommand({ program: join(fixtures, "counter.ts"), cwd: fixtures, env: { WHO: "me" } }, dist)), null);
    const taken = prewarmer.take(prepared);
    assert.ok(taken, "the matching launch takes it");
    const exited = new Promise<number | null>((resolve) => taken.child.once("exit", (code) => resolve(code)));
    (taken.child.stdio[3] as NodeJS.WritableStream).end(); // no program handed over: it ends by itself
    assert.equal(await exited, 0);
    // A fresh one, never taken, is ended by dispose.
    prewarmer.prepare(prepared);
    prewarmer.dispose();
    assert.equal(prewarmer.take(prepared), null);
  });
});

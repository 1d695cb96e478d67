// `burr-ts test-case create` end to end: run the real chatbot with the local
// tracker, write tests with the CLI (one step; annotated steps with ground
// truth) into a scratch project, and run them for real under node:test and mocha.
import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { TrackingReader } from "burr-ts";
import { chat, chatbotBuilder } from "../../examples/chatbot/app.js";
import { testCaseCommand } from "../../runtime/src/cli/testCaseCommand.js";

function capture(): { io: { out: (t: string) => void; err: (t: string) => void }; out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (t) => out.push(t), err: (t) => err.push(t) }, out, err };
}

// Run from the repository: tsx (the runner's TypeScript loader) is resolved from the working directory.
function runNodeTest(files: string[], _project: string, cwd = process.cwd()): { status: number | null; out: string } {
  const r = spawnSync(process.execPath, ["--import", "tsx", "--test", "--test-reporter=spec", ...files], { encoding: "utf8", cwd });
  return { status: r.status, out: r.stdout + r.stderr };
}

function runMocha(files: string[], _project: string, cwd = process.cwd()): { status: number | null; out: string } {
  const r = spawnSync(process.execPath, ["--import", "tsx", require.resolve("mocha/bin/mocha.js"), "--no-config", "--reporter", "dot", ...files], { encoding: "utf8", cwd });
  return { status: r.status, out: r.stdout + r.stderr };
}

describe("burr-ts test-case create", function () {
  this.timeout(120_000);
  let dir: string;
  let trackingDir: string;
  let appId: string;
  const runtimeImport = require.resolve("burr-ts");

  function project(name: string, devDependencies: Record<string, string>): string {
    const root = join(dir, name);
    mkdirSync(root, { recursive: true });
    writeFileSync(join(root, "package.json"), JSON.stringify({ name, devDependencies }));
    return root;
  }

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "burr-testcase-"));
    trackingDir = join(dir, "burr");
    const app = chatbotBuilder({ configure: (b) => b.withTracker("local", { project: "demo", storageDir: trackingDir }) }).build();
    for (const prompt of ["Who was Aaron Burr?", "How do I do something unsafe?"]) await chat(app, prompt);
    appId = app.uid;
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("writes one step's test for the project's framework; it passes under node:test and mocha", async () => {
    const plain = project("plain", {});
    const withMocha = project("withmocha", { mocha: "^10" });
    const files: string[] = [];
    for (const [root, seq] of [[plain, 1], [withMocha, 5]] as const) {
      const c = capture();
      const code = await testCaseCommand(["create", "--project", "demo", "--app-id", appId, "--sequence-id", String(seq), "--tracking-dir", trackingDir, "--runtime-import", runtimeImport], c.io, root);
      assert.equal(code, 0, c.err.join("\n"));
      const file = join(root, "test", "burr", seq === 1 ? "safetyCheck.step1.test.ts" : "unsafeResponse.step5.test.ts");
      assert.deepEqual(c.out[0], `wrote ${join("test", "burr", seq === 1 ? "safetyCheck.step1.test.ts" : "unsafeResponse.step5.test.ts")}`);
      files.push(file);
    }
    const nodeTest = readFileSync(files[0]!, "utf8");
    assert.match(nodeTest, /import \{ describe, it \} from "node:test";/, "no framework in package.json: node:test");
    assert.match(nodeTest, /import \{ safetyCheck as actionUnderTest \} from "(\.\.\/)+.*examples\/chatbot\/app\.js"/);
    assert.doesNotMatch(readFileSync(files[1]!, "utf8"), /from "node:test"/, "mocha's describe/it are globals");
    const r1 = runNodeTest([files[0]!], plain);
    assert.equal(r1.status, 0, r1.out);
    assert.match(r1.out, /pass 1/);
    const r2 = runMocha([files[1]!], withMocha);
    assert.equal(r2.status, 0, r2.out);
    assert.match(r2.out, /1 passing/);

    // The same step again: refused without --force.
    const again = capture();
    assert.equal(await testCaseCommand(["create", "--project", "demo", "--app-id", appId, "--sequence-id", "1", "--tracking-dir", trackingDir], again.io, plain), 2);
    assert.match(again.err.join("\n"), /safetyCheck\.step1\.test\.ts exists; pass --force to replace/);
  });

  it("--annotated TAG writes one test per annotated step; ground truth is the expectation", async () => {
    const reader = new TrackingReader(trackingDir);
    const pointer = { type: "state_field" as const, field_name: "safe", span_id: null };
    // Step 1 was judged safe, and the ground truth agrees; step 4's ground truth says it should have been safe.
    await reader.annotate("demo", { appId, partitionKey: null, stepSequenceId: 1, stepName: "safetyCheck", tags: ["gold"], observations: [{ data_fields: { note: "right", ground_truth: "true" }, thumbs_up_thumbs_down: true, data_pointers: [pointer] }] });
    await reader.annotate("demo", { appId, partitionKey: null, stepSequenceId: 5, stepName: "unsafeResponse", tags: ["gold"], observations: [{ data_fields: { note: "fine as recorded" }, thumbs_up_thumbs_down: true, data_pointers: [] }] });
    await reader.annotate("demo", { appId, partitionKey: null, stepSequenceId: 4, stepName: "safetyCheck", tags: ["disputed"], observations: [{ data_fields: { ground_truth: "true" }, thumbs_up_thumbs_down: false, data_pointers: [pointer] }] });
    const root = project("annotated", {});
    const gold = capture();
    assert.equal(await testCaseCommand(["create", "--project", "demo", "--annotated", "gold", "--tracking-dir", trackingDir, "--runtime-import", runtimeImport, "--out", "gold"], gold.io, root), 0, gold.err.join("\n"));
    const written = gold.out.filter((l) => l.startsWith("wrote ")).map((l) => resolve(root, l.slice(6)));
    assert.equal(written.length, 2);
    assert.match(written[0]!, /gold\/.*\.safetyCheck\.step1\.annotation\d+\.test\.ts$/);
    assert.match(readFileSync(written[0]!, "utf8"), /Expectation from annotation \d+ \(tags gold\): its ground truth for state safe/);
    const passing = runNodeTest(written, root);
    assert.equal(passing.status, 0, passing.out);
    assert.match(passing.out, /pass 2/);

    const disputed = capture();
    assert.equal(await testCaseCommand(["create", "--project", "demo", "--annotated", "disputed", "--app-id", appId, "--tracking-dir", trackingDir, "--runtime-import", runtimeImport, "--out", "disputed"], disputed.io, root), 0, disputed.err.join("\n"));
    const failing = runNodeTest([resolve(root, disputed.out[0]!.slice(6))], root);
    assert.equal(failing.status, 1, "the recorded step contradicts its ground truth");
    assert.match(failing.out, /state key "safe"/);

    const none = capture();
    assert.equal(await testCaseCommand(["create", "--project", "demo", "--annotated", "nope", "--tracking-dir", trackingDir], none.io, root), 2);
    assert.match(none.err.join("\n"), /no testable step in project "demo" is annotated with tag "nope"/);
    // An annotation of a step the run does not have is skipped with a warning; the others are written.
    await reader.annotate("demo", { appId, partitionKey: null, stepSequenceId: 77, stepName: "safetyCheck", tags: ["gold"], observations: [] });
    const partly = capture();
    assert.equal(await testCaseCommand(["create", "--project", "demo", "--annotated", "gold", "--tracking-dir", trackingDir, "--runtime-import", runtimeImport, "--out", "gold", "--force"], partly.io, root), 0);
    assert.equal(partly.out.filter((l) => l.startsWith("wrote ")).length, 2);
    assert.match(partly.err.join("\n"), /annotation \d+ skipped: app ".*" \(project "demo"\) has no step 77/);
  });

  it("names the problem: unknown step, missing options", async () => {
    const c = capture();
    assert.equal(await testCaseCommand(["create", "--project", "demo", "--app-id", appId, "--sequence-id", "99", "--tracking-dir", trackingDir], c.io, dir), 2);
    assert.match(c.err.join("\n"), new RegExp(`app "${appId}" \\(project "demo"\\) has no step 99; its steps are 0\\.\\.5`));
    const u = capture();
    assert.equal(await testCaseCommand(["create", "--project", "demo"], u.io, dir), 2);
    assert.match(u.err.join("\n"), /--app-id and --sequence-id are needed \(or --annotated TAG\)/);
  });
});

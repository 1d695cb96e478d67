// `burr-ts test-case create`: writes the test "Create Test from Step" writes,
// from a tracked step, or one per step annotated with a tag. Exit 0 when
// written, 2 on usage or record problems.
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, relative } from "node:path";
import { TrackingReader } from "../tracking/reader.js";
import { annotatedTestsFromRuns, stepTestFromRun, type StepTestFile } from "../testcase/fromRun.js";
import type { TestFramework } from "../testcase/codegen.js";
import { parseArgs, UsageError } from "./args.js";
import type { Output } from "./replayCommand.js";

export const TEST_CASE_USAGE = `usage: burr-ts test-case create --project P (--app-id A --sequence-id N | --annotated TAG) [options]

Writes a test that runs the step's action on the state and inputs recorded
before it and checks the recorded result and written state (the same file as
"Burr: Create Test from Step" in VS Code), for the project's test framework
(vitest, jest or mocha when package.json names it, else node:test).

  --project P           the tracking project
  --app-id A            the tracked app
  --sequence-id N       the step
  --annotated TAG       one test per step annotated with TAG (in --app-id only,
                        if given); ground truth, where given, is the expectation
  --tracking-dir DIR    where runs are (default ~/.burr)
  --out F               the test file (with --annotated: a directory);
                        default test/burr/ under the current directory
  --module FILE         the action's module, if the run's record does not place it
  --export NAME         the export that is the action
  --construct EXPR      how to construct a decorated action's class
  --framework F         mocha | vitest | jest | node:test (default: detected)
  --runtime-import S    where the test imports burr-ts from (default "burr-ts")
  --force               replace existing files

exit status: 0 written, 2 usage or record errors`;

const SPEC = {
  project: { kind: "value" },
  "app-id": { kind: "value" },
  "sequence-id": { kind: "value" },
  annotated: { kind: "value" },
  "tracking-dir": { kind: "value" },
  out: { kind: "value" },
  module: { kind: "value" },
  export: { kind: "value" },
  construct: { kind: "value" },
  framework: { kind: "value" },
  "runtime-import": { kind: "value" },
  force: { kind: "flag" },
  help: { kind: "flag" },
} as const;

const FRAMEWORKS: readonly TestFramework[] = ["mocha", "vitest", "jest", "node:test"];

export async function testCaseCommand(argv: readonly string[], io: Output, cwd = process.cwd()): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === "--help" || sub === "help") {
    io.out(TEST_CASE_USAGE);
    return 0;
  }
  try {
    if (sub !== "create") throw new UsageError(`burr-ts test-case: expected "create", got ${sub === undefined ? "nothing" : `"${sub}"`}`);
    const { values, flags } = parseArgs(rest, SPEC, "burr-ts test-case create");
    if (flags.has("help")) {
      io.out(TEST_CASE_USAGE);
      return 0;
    }
    const project = values.get("project");
    if (!project) throw new UsageError("burr-ts test-case create: --project is needed");
    const framework = values.get("framework");
    if (framework !== undefined && !FRAMEWORKS.includes(framework as TestFramework)) throw new UsageError(`burr-ts test-case create: --framework is one of ${FRAMEWORKS.join(", ")}, got "${framework}"`);
    const common = {
      root: cwd,
      ...(framework ? { framework: framework as TestFramework } : {}),
      ...(values.has("runtime-import") ? { runtimeImport: values.get("runtime-import")! } : {}),
    };
    const reader = new TrackingReader(values.get("tracking-dir"));
    const tag = values.get("annotated");
    const appId = values.get("app-id");
    let files: StepTestFile[];
    if (tag !== undefined) {
      if (values.has("sequence-id")) throw new UsageError("burr-ts test-case create: --annotated and --sequence-id exclude each other");
      files = await annotatedTestsFromRuns(reader, { ...common, project, tag, ...(appId ? { appId } : {}), ...(values.has("out") ? { outDir: values.get("out")! } : {}), onWarning: (w) => io.err(`burr-ts test-case create: ${w}`) });
      if (files.length === 0) {
        io.err(`burr-ts test-case create: no testable step in project "${project}"${appId ? ` app "${appId}"` : ""} is annotated with tag "${tag}"`);
        return 2;
      }
    } else {
      const seqText = values.get("sequence-id");
      if (!appId || seqText === undefined) throw new UsageError("burr-ts test-case create: --app-id and --sequence-id are needed (or --annotated TAG)");
      if (!/^\d+$/.test(seqText)) throw new UsageError(`burr-ts test-case create: --sequence-id takes a step number, got "${seqText}"`);
      files = [
        await stepTestFromRun(reader, {
          ...common, project, appId, sequenceId: Number(seqText),
          ...(values.has("out") ? { out: values.get("out")! } : {}),
          ...(values.has("module") ? { module: values.get("module")! } : {}),
          ...(values.has("export") ? { exportName: values.get("export")! } : {}),
          ...(values.has("construct") ? { construct: values.get("construct")! } : {}),
        }),
      ];
    }
    const clash = files.filter((f) => existsSync(f.file));
    if (clash.length && !flags.has("force")) {
      io.err(`burr-ts test-case create: ${clash.map((f) => relative(cwd, f.file)).join(", ")} exist${clash.length === 1 ? "s" : ""}; pass --force to replace`);
      return 2;
    }
    for (const f of files) {
      mkdirSync(dirname(f.file), { recursive: true });
      writeFileSync(f.file, f.text);
      io.out(`wrote ${relative(cwd, f.file) || f.file}`);
      for (const n of f.notes) io.out(`  note: ${n}`);
    }
    return 0;
  } catch (err) {
    io.err(err instanceof UsageError ? `${err.message}\n\n${TEST_CASE_USAGE}` : `burr-ts test-case: ${(err as Error).message}`);
    return 2;
  }
}

// Test files from tracked runs outside the editor (`burr-ts test-case create`):
// the same generator as "Create Test from Step", fed from a TrackingReader.
// The action's module is the file the run recorded, or the one under the
// project root with the same trailing path (a run from another checkout).
import { existsSync, readFileSync } from "node:fs";
import { isAbsolute, join, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import type { Annotation } from "../tracking/annotations.js";
import type { TrackingReader } from "../tracking/reader.js";
import type { AppRun, StepRecord } from "../tracking/types.js";
import { findExportName, generateStepTest, importSpecifier, type TestFramework } from "./codegen.js";
import { constructorDraft, findDecoratedMethod } from "./decoratedMethod.js";
import { detectTestFramework } from "./framework.js";

export interface StepTestRequest {
  project: string;
  appId: string;
  sequenceId: number;
  /** The project the test goes into: module placement, framework detection, default location test/burr/. */
  root: string;
  /** The test file to write (default `<root>/test/burr/<action>.step<N>.test.ts`). */
  out?: string;
  /** The action's module when the run's record does not place it. */
  module?: string;
  /** The export that is the action (default: found in the module's source). */
  exportName?: string;
  /** How to construct a decorated action's class (default: a draft from its constructor). */
  construct?: string;
  framework?: TestFramework;
  runtimeImport?: string;
  /** An annotation whose ground truth becomes the expectation. */
  annotation?: Annotation;
}

export interface StepTestFile {
  file: string;
  text: string;
  notes: string[];
}

function locate(req: StepTestRequest, run: AppRun, step: StepRecord): string {
  const where = `app "${req.appId}" step ${step.sequenceId} ("${step.action}")`;
  if (req.module) {
    const file = resolve(req.root, req.module);
    if (!existsSync(file)) throw new Error(`${where}: --module ${req.module} does not exist (${file})`);
    return file;
  }
  const recorded = run.graph?.actions.find((a) => a.name === step.action)?.source?.file;
  if (!recorded) throw new Error(`${where}: the run does not record where the action is defined (a Python Burr run, or no source); pass --module FILE`);
  const path = recorded.startsWith("file:") ? fileURLToPath(recorded) : recorded;
  if (isAbsolute(path) && existsSync(path)) return path;
  // Another checkout: the longest trailing part of the recorded path that exists under root.
  const parts = path.split(/[\\/]+/).filter(Boolean);
  for (let i = 0; i < parts.length; i++) {
    const candidate = join(req.root, ...parts.slice(i));
    if (existsSync(candidate)) return candidate;
  }
  throw new Error(`${where}: the run recorded the action in ${path}, which has no counterpart under ${req.root}; pass --module FILE`);
}

/** Ground truth as the expectation: pointed-at state fields get it, else the result does. */
function expectationOf(a: Annotation): { result?: unknown; writes?: Record<string, unknown>; why: string } | undefined {
  const withTruth = a.observations.find((o) => o.data_fields.ground_truth !== undefined && o.data_fields.ground_truth !== null && o.data_fields.ground_truth !== "");
  if (!withTruth) return undefined;
  let truth = withTruth.data_fields.ground_truth;
  // Burr's UI stores ground truth as text: JSON text means the value it spells.
  if (typeof truth === "string") {
    try {
      truth = JSON.parse(truth) as unknown;
    } catch {
      // plain text stays text
    }
  }
  const fields = withTruth.data_pointers.filter((p) => p.type === "state_field").map((p) => p.field_name);
  const why = `Expectation from annotation ${a.id} (tags ${a.tags.join(", ") || "none"}): its ground truth${fields.length ? ` for state ${fields.join(", ")}` : " for the result"}.`;
  if (fields.length === 0) return { result: truth, why };
  const obj = truth !== null && typeof truth === "object" && !Array.isArray(truth) ? (truth as Record<string, unknown>) : null;
  if (fields.length === 1 && !(obj && fields[0]! in obj)) return { writes: { [fields[0]!]: truth }, why };
  if (!obj) throw new Error(`annotation ${a.id} points at ${fields.join(", ")} but its ground truth is not an object with those keys`);
  return { writes: Object.fromEntries(fields.filter((f) => f in obj).map((f) => [f, obj[f]])), why };
}

/** Generates the test for one recorded step (not written: the caller writes `file`). */
export async function stepTestFromRun(reader: TrackingReader, req: StepTestRequest): Promise<StepTestFile> {
  const run = await reader.readApp(req.project, req.appId);
  const index = run.steps.findIndex((s) => s.sequenceId === req.sequenceId);
  if (index < 0) {
    const known = run.steps.map((s) => s.sequenceId);
    throw new Error(`app "${req.appId}" (project "${req.project}") has no step ${req.sequenceId}; its steps are ${known.length ? `${known[0]}..${known[known.length - 1]}` : "none"}`);
  }
  const step = run.steps[index]!;
  if (!step.state && !step.error) throw new Error(`app "${req.appId}" step ${step.sequenceId} ("${step.action}") has not finished; nothing to test yet`);
  const previous = index > 0 ? run.steps[index - 1]! : null;
  const action = run.graph?.actions.find((a) => a.name === step.action);
  const moduleFile = locate(req, run, step);
  const sourceText = readFileSync(moduleFile, "utf8");
  const line = action?.source?.start.line;
  const decorated = line !== undefined && !req.exportName ? findDecoratedMethod(sourceText, step.action, line) : null;
  const found = req.exportName
    ? { name: req.exportName, factory: false }
    : decorated
      ? { name: decorated.className, factory: false }
      : findExportName(sourceText, step.action, line);
  if (!found) throw new Error(`app "${req.appId}" step ${step.sequenceId}: no export of ${moduleFile} is the action "${step.action}"; pass --export NAME`);
  const construct = req.construct ?? (decorated ? constructorDraft(decorated) : undefined);
  const expected = req.annotation ? expectationOf(req.annotation) : undefined;
  const base = {
    project: req.project,
    appId: req.appId,
    step,
    previous,
    writes: action?.writes ?? [],
    exportName: found.name,
    factory: found.factory,
    framework: req.framework ?? detectTestFramework(req.root),
    ...(req.runtimeImport ? { runtimeImport: req.runtimeImport } : {}),
    ...(construct ? { construct } : {}),
    ...(expected ? { expected } : {}),
  };
  const draft = generateStepTest({ ...base, importPath: "" });
  const file = req.out ? resolve(req.root, req.out) : join(req.root, "test", "burr", draft.fileName);
  const generated = generateStepTest({ ...base, importPath: importSpecifier(file.split(sep).join("/"), moduleFile.split(sep).join("/")) });
  const notes = [...generated.notes];
  if (decorated?.constructorParams && !req.construct) notes.push(`"${step.action}" is a method of ${decorated.className}, whose constructor takes (${decorated.constructorParams}): check how the test constructs it (or pass --construct).`);
  return { file, text: generated.text, notes };
}

/**
 * One test per step annotated with `tag` (optionally in one app), into
 * `outDir`. An annotation whose step cannot be tested (run deleted, step
 * missing, module not found) is reported to `onWarning` and skipped.
 */
export async function annotatedTestsFromRuns(reader: TrackingReader, req: { project: string; tag: string; appId?: string; root: string; outDir?: string; framework?: TestFramework; runtimeImport?: string; onWarning?: (m: string) => void }): Promise<StepTestFile[]> {
  const annotations = (await reader.listAnnotations(req.project, { ...(req.appId ? { appId: req.appId } : {}), ...(req.onWarning ? { onWarning: req.onWarning } : {}) })).filter((a) => a.tags.includes(req.tag));
  const dir = resolve(req.root, req.outDir ?? join("test", "burr"));
  const out: StepTestFile[] = [];
  for (const a of annotations) {
    const safeApp = a.app_id.replace(/[^\w.-]+/g, "_");
    const safeStep = a.step_name.replace(/[^\w.-]+/g, "_") || "action";
    try {
      out.push(
        await stepTestFromRun(reader, {
          project: req.project, appId: a.app_id, sequenceId: a.step_sequence_id, root: req.root, annotation: a,
          out: join(dir, `${safeApp}.${safeStep}.step${a.step_sequence_id}.annotation${a.id}.test.ts`),
          ...(req.framework ? { framework: req.framework } : {}),
          ...(req.runtimeImport ? { runtimeImport: req.runtimeImport } : {}),
        }),
      );
    } catch (err) {
      (req.onWarning ?? console.warn)(`annotation ${a.id} skipped: ${(err as Error).message}`);
    }
  }
  return out;
}

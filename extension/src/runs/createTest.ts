// "Create test from step": find the action's module inside the workspace (a
// run from another checkout is placed by its recorded path's trailing folders;
// ask when that is ambiguous), generate the test for the folder's own test
// framework beside its tests (test/burr/), importing within the folder, and open it.
import { basename, join } from "node:path";
import * as vscode from "vscode";
import type { StepNode } from "./commands.js";
import { fullStep } from "./views/materialize.js";
import { detectTestFramework } from "../../../runtime/src/testcase/framework.js";
import { findExportName, generateStepTest, importSpecifier } from "../../../runtime/src/testcase/codegen.js";
import { constructorDraft, findDecoratedMethod } from "../../../runtime/src/testcase/decoratedMethod.js";
import { isInside, placeInWorkspace, recordedPath } from "./code/workspacePaths.js";

export async function createTestFromStep(node: StepNode): Promise<vscode.Uri | undefined> {
  const { run } = node;
  const step = fullStep(run, node.step);
  const previous = node.previous ? fullStep(run, node.previous) : null;
  const action = run.graph?.actions.find((a) => a.name === step.action);
  if (!action) {
    throw new Error(`Step ${step.sequenceId} ran "${step.action}", which the run's graph does not describe (${run.warnings[0] ?? "graph.json has no such action"}); cannot find its code`);
  }
  const moduleFile = await findModule(step.action, action.source?.file);
  if (!moduleFile) return undefined;
  const sourceText = Buffer.from(await vscode.workspace.fs.readFile(vscode.Uri.file(moduleFile))).toString("utf8");
  // The recorded line holds for the workspace's copy too (the same source, placed by its path).
  const line = action.source ? action.source.start.line : undefined;
  // A decorated method: the test constructs its class (asking how when the constructor takes arguments).
  const decorated = line !== undefined ? findDecoratedMethod(sourceText, step.action, line) : null;
  let construct: string | undefined;
  if (decorated) {
    construct = constructorDraft(decorated);
    if (decorated.constructorParams) {
      const typed = await vscode.window.showInputBox({
        title: `"${step.action}" is a method of ${decorated.className}: how does the test construct it?`,
        prompt: `constructor(${decorated.constructorParams})`, value: construct,
      });
      if (typed === undefined) return undefined;
      construct = typed.trim() || construct;
    }
  }
  let found = decorated ? { name: decorated.className, factory: false } : findExportName(sourceText, step.action, line);
  if (!found) {
    const name = await vscode.window.showInputBox({
      title: `Which export of ${vscode.workspace.asRelativePath(moduleFile)} is the action "${step.action}"?`,
      value: /^[A-Za-z_$][\w$]*$/.test(step.action) ? step.action : "",
      validateInput: (v) => (/^[A-Za-z_$][\w$]*$/.test(v) ? undefined : "the name the module exports it under (an identifier)"),
    });
    if (!name) return undefined;
    found = { name, factory: false };
  }
  const folder = vscode.workspace.getWorkspaceFolder(vscode.Uri.file(moduleFile));
  if (!folder) throw new Error(`${moduleFile} is not inside an open workspace folder`);
  const framework = detectTestFramework(folder.uri.fsPath);
  const base = { project: node.project, appId: node.appId, step, previous, writes: action.writes, exportName: found.name, factory: found.factory, framework, ...(construct ? { construct } : {}) };
  const draft = generateStepTest({ ...base, importPath: "" });
  const testFile = join(folder.uri.fsPath, "test", "burr", draft.fileName);
  const generated = generateStepTest({ ...base, importPath: importSpecifier(testFile, moduleFile) });
  const uri = vscode.Uri.file(testFile);
  const exists = await vscode.workspace.fs.stat(uri).then(() => true, () => false);
  if (exists) {
    const ok = await vscode.window.showWarningMessage(`${vscode.workspace.asRelativePath(uri)} exists. Replace it?`, { modal: true }, "Replace");
    if (ok !== "Replace") return undefined;
  }
  await vscode.workspace.fs.writeFile(uri, Buffer.from(generated.text, "utf8"));
  await vscode.window.showTextDocument(uri);
  for (const n of generated.notes) void vscode.window.showInformationMessage(n);
  return uri;
}

/** The module defining the action, inside the workspace: placed from the run's record, chosen when ambiguous, else picked. */
async function findModule(actionName: string, recorded: string | undefined): Promise<string | undefined> {
  const roots = (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath);
  if (roots.length === 0) throw new Error("open the folder of the app's code first: the test is written into it");
  if (recorded) {
    const sameName = await vscode.workspace.findFiles(`**/${basename(recordedPath(recorded))}`, "**/node_modules/**", 200);
    const placed = placeInWorkspace(recorded, roots, sameName.map((u) => u.fsPath));
    if (placed.kind === "inside") return placed.file;
    if (placed.kind === "ambiguous") {
      const picked = await vscode.window.showQuickPick(
        placed.candidates.map((file) => ({ label: vscode.workspace.asRelativePath(file), file })),
        { title: `The run recorded "${actionName}" in ${recordedPath(recorded)}. Which file of this workspace is it?` },
      );
      return picked?.file;
    }
  }
  const picked = await vscode.window.showOpenDialog({
    canSelectMany: false, filters: { TypeScript: ["ts", "mts", "js", "mjs"] }, openLabel: `Module exporting ${actionName}`, defaultUri: vscode.Uri.file(roots[0]),
    title: recorded
      ? `The run recorded "${actionName}" in ${recordedPath(recorded)}, which has no counterpart in this workspace. Pick the module that exports it.`
      : `The run does not record where "${actionName}" is defined (a Python Burr run, or no source). Pick the module that exports it.`,
  });
  const file = picked?.[0]?.fsPath;
  if (file && !isInside(file, roots)) throw new Error(`${file} is outside the workspace: pick the module inside it (the test imports it from there)`);
  return file;
}

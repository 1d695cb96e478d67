// "Create test from step": find the action's module, generate the mocha test
// beside the workspace's tests (test/burr/), and open it.
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as vscode from "vscode";
import type { StepNode } from "./commands.js";
import { fullStep } from "./model/materialize.js";
import { findExportName, generateStepTest, importSpecifier } from "./model/testCodegen.js";
import { constructorDraft, findDecoratedMethod } from "./model/decoratedSource.js";

export async function createTestFromStep(node: StepNode): Promise<vscode.Uri | undefined> {
  const { run } = node;
  const step = fullStep(run, node.step);
  const previous = node.previous ? fullStep(run, node.previous) : null;
  const action = run.graph?.actions.find((a) => a.name === step.action);
  if (!action) {
    throw new Error(`Step ${step.sequenceId} ran "${step.action}", which the run's graph does not describe (${run.warnings[0] ?? "graph.json has no such action"}); cannot find its code`);
  }
  let moduleFile = action.source?.file;
  if (moduleFile?.startsWith("file:")) moduleFile = fileURLToPath(moduleFile);
  if (moduleFile && !existsSync(moduleFile)) moduleFile = undefined;
  if (!moduleFile) {
    const picked = await vscode.window.showOpenDialog({
      canSelectMany: false, filters: { TypeScript: ["ts", "mts", "js", "mjs"] }, openLabel: `Module exporting ${step.action}`,
      title: `The run does not record where "${step.action}" is defined (a Python Burr run, or no source). Pick the module that exports it.`,
    });
    if (!picked?.[0]) return undefined;
    moduleFile = picked[0].fsPath;
  }
  const sourceText = Buffer.from(await vscode.workspace.fs.readFile(vscode.Uri.file(moduleFile))).toString("utf8");
  // A decorated method: the test constructs its class (asking how when the constructor takes arguments).
  const decorated = action.source?.file === moduleFile ? findDecoratedMethod(sourceText, step.action, action.source.start.line) : null;
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
  let found = decorated ? { name: decorated.className, factory: false } : findExportName(sourceText, step.action, action.source?.file === moduleFile ? action.source.start.line : undefined);
  if (!found) {
    const name = await vscode.window.showInputBox({ title: `Which export of ${vscode.workspace.asRelativePath(moduleFile)} is the action "${step.action}"?`, value: step.action });
    if (!name) return undefined;
    found = { name, factory: false };
  }
  const exportName = found.name;
  const factory = found.factory;
  const folder = vscode.workspace.getWorkspaceFolder(vscode.Uri.file(moduleFile)) ?? vscode.workspace.workspaceFolders?.[0];
  const baseDir = folder?.uri.fsPath ?? dirname(moduleFile);
  const draft = generateStepTest({ project: node.project, appId: node.appId, step, previous, writes: action.writes, importPath: "", exportName, factory, ...(construct ? { construct } : {}) });
  const testFile = join(baseDir, "test", "burr", draft.fileName);
  const generated = generateStepTest({ project: node.project, appId: node.appId, step, previous, writes: action.writes, importPath: importSpecifier(testFile, moduleFile), exportName, factory, ...(construct ? { construct } : {}) });
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

// "Burr: New Application": writes a working app file into the workspace, a
// launch configuration for it, and a tsconfig.json when the folder has none;
// then opens the app. Says what to install when burr-ts or tsx is missing.
import { existsSync } from "node:fs";
import { basename, join } from "node:path";
import * as vscode from "vscode";
import { appTemplate, launchConfiguration, TSCONFIG } from "./template.js";

export function registerNewApp(context: vscode.ExtensionContext): void {
  context.subscriptions.push(
    vscode.commands.registerCommand("burr.newApplication", async () => {
      try {
        return await newApplication();
      } catch (err) {
        void vscode.window.showErrorMessage(`Burr: could not create the application: ${(err as Error).message}`);
        return undefined;
      }
    }),
  );
}

async function newApplication(): Promise<vscode.Uri | undefined> {
  const folder = await pickFolder();
  if (!folder) return undefined;
  const relative = await vscode.window.showInputBox({
    title: "Burr: New Application",
    prompt: `Where to write the app, inside ${folder.name}`,
    value: firstFreeName(folder.uri.fsPath),
    validateInput: (value) => validRelative(value),
  });
  if (!relative) return undefined;
  const file = vscode.Uri.joinPath(folder.uri, ...relative.split("/"));
  if (existsSync(file.fsPath)) {
    const ok = await vscode.window.showWarningMessage(`${relative} exists. Replace it?`, { modal: true }, "Replace");
    if (ok !== "Replace") return undefined;
  }
  await vscode.workspace.fs.writeFile(file, Buffer.from(appTemplate(projectName(folder), relative), "utf8"));

  const written = [relative];
  const tsconfig = vscode.Uri.joinPath(folder.uri, "tsconfig.json");
  if (!existsSync(tsconfig.fsPath)) {
    const include = relative.includes("/") ? relative.split("/")[0] : relative;
    await vscode.workspace.fs.writeFile(tsconfig, Buffer.from(TSCONFIG.replace('"include": ["src"]', `"include": [${JSON.stringify(include)}]`), "utf8"));
    written.push("tsconfig.json");
  }
  // VS Code writes launch.json itself (keeping comments and other configurations).
  const launch = vscode.workspace.getConfiguration("launch", folder.uri);
  const configurations = launch.get<Record<string, unknown>[]>("configurations") ?? [];
  const config = launchConfiguration(relative);
  if (!configurations.some((c) => c.name === config.name)) {
    await launch.update("configurations", [...configurations, config], vscode.ConfigurationTarget.WorkspaceFolder);
    written.push(".vscode/launch.json");
  }
  await vscode.window.showTextDocument(file);
  const missing = ["burr-ts", "tsx"].filter((p) => !existsSync(join(folder.uri.fsPath, "node_modules", p, "package.json")));
  const install = missing.length
    ? ` Not installed in ${folder.name} yet: ${missing.join(", ")} (README "Use it in your project": burr-ts from its packed tarball, npm install -D tsx typescript @types/node).`
    : "";
  void vscode.window.showInformationMessage(`Burr: wrote ${written.join(", ")}. Press F5 to debug "${config.name}".${install}`);
  return file;
}

async function pickFolder(): Promise<vscode.WorkspaceFolder | undefined> {
  const folders = vscode.workspace.workspaceFolders ?? [];
  if (folders.length === 0) {
    void vscode.window.showInformationMessage("Burr: open a folder first; the new application is written into it.");
    return undefined;
  }
  if (folders.length === 1) return folders[0];
  return vscode.window.showWorkspaceFolderPick({ placeHolder: "Which folder gets the new application?" });
}

function firstFreeName(root: string): string {
  for (let i = 1; ; i++) {
    const name = i === 1 ? "src/app.ts" : `src/app${i}.ts`;
    if (!existsSync(join(root, name))) return name;
  }
}

/** A path inside the folder: relative, no "..", a .ts/.mts file. */
export function validRelative(value: string): string | undefined {
  if (!/\.m?ts$/.test(value)) return "a TypeScript file (.ts or .mts)";
  if (value.startsWith("/") || /^[A-Za-z]:/.test(value) || value.includes("\\")) return "a path relative to the folder, with forward slashes";
  if (value.split("/").some((part) => part === ".." || part === "." || part === "")) return "a path inside the folder (no '..' or empty parts)";
  return undefined;
}

/** The tracker's project: the folder's name. */
function projectName(folder: vscode.WorkspaceFolder): string {
  return basename(folder.uri.fsPath).replace(/[^\w.-]+/g, "-") || "my-app";
}

// The annotation commands over a tag: "Burr: Filter Tracked Runs by Annotation
// Tag" (the tree then lists only the apps and steps annotated with it until the
// filter is cleared) and "Burr: Export Dataset" (the tag's annotated steps as
// JSONL or CSV).
import { writeFile } from "node:fs/promises";
import * as vscode from "vscode";
import { exportDataset, type DatasetFormat } from "./dataset.js";
import type { RunsTreeModel } from "../views/treeModel.js";
import type { RunsTreeProvider } from "../treeProvider.js";
import type { AnnotationMarks } from "./treeMarks.js";

interface Deps {
  model: RunsTreeModel;
  provider: RunsTreeProvider;
  view: vscode.TreeView<unknown>;
  marks: AnnotationMarks;
}

export function registerTagFilter(context: vscode.ExtensionContext, { model, provider, view, marks }: Deps): void {
  const apply = async (tag: string | null) => {
    marks.setFilter(tag);
    view.description = marks.filterTag ? `tag: ${marks.filterTag}` : undefined;
    await vscode.commands.executeCommand("setContext", "burr.runs.tagFiltered", marks.filterTag !== null);
    provider.refresh();
  };
  const allTags = async () => {
    const projects = [];
    for (const store of model.getStores()) {
      try {
        for (const p of await store.listProjects()) projects.push({ store, project: p.name });
      } catch {
        // A store that cannot be listed shows its error in the tree.
      }
    }
    const tags = await marks.tagsOf(projects);
    if (!tags.length) void vscode.window.showInformationMessage("No annotation has a tag yet: open a step in Tracked Runs and annotate it first.");
    return tags;
  };
  const pickTag = async () => {
    const tags = await allTags();
    if (!tags.length) return;
    const picked = await vscode.window.showQuickPick(tags, { title: "Show only runs and steps annotated with", placeHolder: "tag" });
    if (picked !== undefined) await apply(picked);
  };
  const exportTag = async (given?: unknown) => {
    let tag = typeof given === "string" ? given : undefined;
    if (tag === undefined) {
      const tags = await allTags();
      if (!tags.length) return;
      tag = await vscode.window.showQuickPick(tags, { title: "Export the steps annotated with", placeHolder: "tag" });
      if (tag === undefined) return;
    }
    const formats: { label: string; format: DatasetFormat }[] = [
      { label: "JSONL", format: "jsonl" },
      { label: "CSV", format: "csv" },
    ];
    const picked = await vscode.window.showQuickPick(formats, { title: `Export "${tag}" as` });
    if (!picked) return;
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    const name = `${tag.replace(/[^\w.-]+/g, "_") || "dataset"}.${picked.format}`;
    const target = await vscode.window.showSaveDialog({ defaultUri: folder ? vscode.Uri.joinPath(folder, name) : undefined, filters: { [picked.label]: [picked.format] } });
    if (!target) return;
    const out = await exportDataset(marks.index, model.getStores(), tag, picked.format);
    await writeFile(target.fsPath, out.text, "utf8");
    const skipped = out.warnings.length ? ` ${out.warnings.length} skipped, e.g. ${out.warnings[0]}` : "";
    for (const w of out.warnings) console.warn(`Burr: Export Dataset: ${w}`);
    const open = await vscode.window.showInformationMessage(`Exported ${out.rows} row${out.rows === 1 ? "" : "s"} from ${out.annotations} annotation${out.annotations === 1 ? "" : "s"} tagged "${tag}" to ${target.fsPath}.${skipped}`, "Open");
    if (open === "Open") await vscode.window.showTextDocument(target);
  };
  context.subscriptions.push(
    vscode.commands.registerCommand("burr.runs.filterByTag", async (tag?: unknown) => (typeof tag === "string" ? apply(tag) : pickTag())),
    vscode.commands.registerCommand("burr.runs.clearTagFilter", () => apply(null)),
    vscode.commands.registerCommand("burr.runs.exportDataset", async (tag?: unknown) => {
      try {
        await exportTag(tag);
      } catch (err) {
        void vscode.window.showErrorMessage(`Burr: Export Dataset failed: ${(err as Error).message}`);
      }
    }),
  );
}

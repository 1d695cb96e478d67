// The Tracked Runs tag filter: "Burr: Filter Tracked Runs by Annotation Tag"
// picks a tag used by any project's annotations; the tree then lists only the
// apps and steps annotated with it until the filter is cleared.
import * as vscode from "vscode";
import type { RunsTreeModel } from "../model/treeModel.js";
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
  const pickTag = async () => {
    const projects = [];
    for (const source of model.getSources()) {
      try {
        for (const p of await source.listProjects()) projects.push({ source, project: p.name });
      } catch {
        // A source that cannot be listed shows its error in the tree.
      }
    }
    const tags = await marks.tagsOf(projects);
    if (!tags.length) {
      void vscode.window.showInformationMessage("No annotation has a tag yet: open a step in Tracked Runs and annotate it first.");
      return;
    }
    const picked = await vscode.window.showQuickPick(tags, { title: "Show only runs and steps annotated with", placeHolder: "tag" });
    if (picked !== undefined) await apply(picked);
  };
  context.subscriptions.push(
    vscode.commands.registerCommand("burr.runs.filterByTag", async (tag?: unknown) => (typeof tag === "string" ? apply(tag) : pickTag())),
    vscode.commands.registerCommand("burr.runs.clearTagFilter", () => apply(null)),
  );
}

// VS Code face of RunsTreeModel: NodeView → TreeItem, and targeted refreshes.
import * as vscode from "vscode";
import type { AnnotationMarks } from "./annotations/treeMarks.js";
import { RunsTreeModel, type RunsNode } from "./views/treeModel.js";

export class RunsTreeProvider implements vscode.TreeDataProvider<RunsNode> {
  private readonly changed = new vscode.EventEmitter<RunsNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  /** Last node handed out per id, so a refresh can name the element VS Code knows. */
  private readonly known = new Map<string, RunsNode>();
  private readonly parents = new WeakMap<RunsNode, RunsNode | undefined>();
  /** Told what each listing returned (the watcher follows what is visible). */
  onChildren?: (parent: RunsNode | undefined, kids: RunsNode[]) => void;

  /** `marks`: annotated rows are marked, and a tag filter hides the rest. */
  constructor(
    readonly model: RunsTreeModel,
    private readonly marks?: AnnotationMarks,
  ) {}

  refresh(node?: RunsNode): void {
    if (!node) this.known.clear();
    this.changed.fire(node);
  }

  /** Refresh the node with this id if VS Code has it, else everything. */
  refreshId(id: string): void {
    const node = this.known.get(id);
    this.refresh(node);
  }

  /** Project and app rows VS Code has been given (they show ages). */
  agedRows(): RunsNode[] {
    return [...this.known.values()].filter((n) => n.kind === "project" || n.kind === "app");
  }

  /** Redraws rows in place: their ages are recomputed when VS Code asks for their items again. */
  redraw(rows: RunsNode[]): void {
    for (const node of rows) this.changed.fire(node);
  }

  findProject(storeId: string, project: string): RunsNode | undefined {
    return this.known.get(`${storeId}/${project}`);
  }

  async getChildren(element?: RunsNode): Promise<RunsNode[]> {
    const listed = await this.model.children(element);
    const kids = this.marks ? await this.marks.filter(element, listed) : listed;
    for (const k of kids) {
      this.parents.set(k, element);
      const id = this.model.view(k).id;
      if (id) this.known.set(id, k);
    }
    this.onChildren?.(element, kids);
    return kids;
  }

  getParent(element: RunsNode): RunsNode | undefined {
    return this.parents.get(element);
  }

  getTreeItem(node: RunsNode): vscode.TreeItem {
    const v = this.model.view(node);
    const item = new vscode.TreeItem(v.label, v.collapsible ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
    if (v.id) item.id = v.id;
    const mark = this.marks?.mark(node);
    item.description = mark ? (v.description ? `${mark.description} · ${v.description}` : mark.description) : v.description;
    item.tooltip = mark ? `${v.tooltip}\n✎ ${mark.tooltip}` : v.tooltip;
    item.contextValue = v.contextValue;
    item.iconPath = new vscode.ThemeIcon(v.icon, v.iconColor ? new vscode.ThemeColor(v.iconColor) : undefined);
    if (node.kind === "step") {
      item.command = { command: "burr.runs.openStep", title: "Open Step", arguments: [node] };
    }
    return item;
  }

  dispose(): void {
    this.changed.dispose();
  }
}

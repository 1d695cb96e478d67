// Ages in the Tracked Runs tree ("12 s ago") are text computed when a row is
// drawn: redraw the rows that show one while the view is visible, as often as
// the youngest of them changes wording (every 5 s under a minute, then less).
import * as vscode from "vscode";
import { ageRefreshMs } from "./views/format.js";
import type { RunsNode } from "./views/treeModel.js";

export class AgeTicker implements vscode.Disposable {
  private timer: ReturnType<typeof setTimeout> | null = null;
  private readonly subscription: vscode.Disposable;

  constructor(
    private readonly view: vscode.TreeView<RunsNode>,
    /** Rows VS Code has now whose description holds an age. */
    private readonly rows: () => RunsNode[],
    private readonly redraw: (rows: RunsNode[]) => void,
    private readonly now: () => number = Date.now,
  ) {
    this.subscription = view.onDidChangeVisibility(() => this.schedule());
    this.schedule();
  }

  schedule(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (!this.view.visible) return;
    const now = this.now();
    const written = this.rows().map(lastWritten).filter((t) => t > 0);
    if (written.length === 0) return;
    const delay = Math.min(...written.map((t) => ageRefreshMs(t, now)));
    this.timer = setTimeout(() => {
      this.redraw(this.rows());
      this.schedule();
    }, delay);
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.subscription.dispose();
  }
}

function lastWritten(node: RunsNode): number {
  return node.kind === "project" ? node.project.lastWritten : node.kind === "app" ? node.app.lastWritten : 0;
}

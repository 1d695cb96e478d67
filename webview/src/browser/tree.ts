// The runs tree of the browser UI: the same RunsTreeModel the editor's
// Tracked Runs view uses (nodes, labels, descriptions, icons), drawn as DOM.
// Expansion survives refreshes; long lists show a page at a time; a filter
// narrows apps and steps by id, status, action or annotation tag ("tag:x").
import type { NodeView, RunsNode, RunsTreeModel } from "../../../extension/src/runs/views/treeModel.js";

export type StepNode = Extract<RunsNode, { kind: "step" }>;
export type AppNode = Extract<RunsNode, { kind: "app" }>;

const PAGE = 500;

const GLYPHS: Record<string, string> = {
  "folder-library": "▣", database: "◫", project: "▤", pass: "✓", error: "✕", "sync~spin": "⟳",
  "symbol-event": "•", "loading~spin": "…", warning: "⚠", info: "ℹ",
};

export interface TreeHooks {
  /** A step row was activated. */
  openStep(node: StepNode): void;
  /** The graph button of an app row was activated. */
  openGraph(node: AppNode): void;
  /** The node the page shows was re-read (a live run grew): here is its fresh node. */
  refreshed(node: RunsNode): void;
  /** Annotation tags of a step (empty when none), for badges and the tag filter. */
  tagsOf(sourceId: string, project: string, appId: string, sequenceId?: number): string[];
  /** A project is shown: its annotations may be loaded. */
  projectShown(sourceId: string, project: string): void;
}

interface Filter {
  text: string;
  tag: string | null;
}

export class RunsTree {
  private readonly expanded = new Set<string>();
  private readonly limits = new Map<string, number>();
  private readonly containers = new Map<string, { node: RunsNode; kids: HTMLElement; depth: number }>();
  private filter: Filter = { text: "", tag: null };
  private selected: string | null = null;
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly root: HTMLElement,
    private readonly model: RunsTreeModel,
    private readonly hooks: TreeHooks,
  ) {
    root.setAttribute("role", "tree");
  }

  idOf(node: RunsNode): string {
    return this.model.view(node).id;
  }

  render(): Promise<void> {
    return this.enqueue(async () => {
      this.containers.clear();
      await this.fill(undefined, this.root, 0);
    });
  }

  setFilter(query: string): Promise<void> {
    const q = query.trim().toLowerCase();
    const m = /^tag:(\S*)\s*(.*)$/.exec(q);
    this.filter = m ? { tag: m[1], text: m[2] } : { tag: null, text: q };
    return this.render();
  }

  /** Expands the nodes with these ids, in order (a path from the root), and renders. */
  async expandPath(ids: string[]): Promise<void> {
    for (const id of ids) this.expanded.add(id);
    await this.render();
  }

  select(id: string | null): void {
    this.selected = id;
    for (const row of this.root.querySelectorAll<HTMLElement>(".row.selected")) row.classList.remove("selected");
    if (id === null) return;
    const row = this.root.querySelector<HTMLElement>(`.row[data-id="${CSS.escape(id)}"]`);
    row?.classList.add("selected");
    row?.scrollIntoView({ block: "nearest" });
  }

  /** Re-reads what is shown under this id (a project's apps, an app's steps), or everything. */
  refresh(id: string | null): Promise<void> {
    return this.enqueue(async () => {
      const target = id === null ? undefined : this.containers.get(id);
      if (id !== null && !target) return;
      if (!target) {
        this.containers.clear();
        await this.fill(undefined, this.root, 0);
      } else await this.fill(target.node, target.kids, target.depth);
    });
  }

  private enqueue(job: () => Promise<void>): Promise<void> {
    this.queue = this.queue.then(job, job);
    return this.queue;
  }

  private async fill(parent: RunsNode | undefined, into: HTMLElement, depth: number): Promise<void> {
    const kids = (await this.model.children(parent)).filter((k) => this.keep(k));
    const parentId = parent ? this.idOf(parent) : "";
    const limit = this.limits.get(parentId) ?? PAGE;
    const rows: HTMLElement[] = [];
    const nested: Promise<void>[] = [];
    for (const node of kids.slice(0, limit)) {
      const { row, kids: box } = this.row(node, depth);
      rows.push(row);
      if (box) {
        rows.push(box);
        const id = this.idOf(node);
        this.containers.set(id, { node, kids: box, depth: depth + 1 });
        if (this.expanded.has(id)) nested.push(this.fill(node, box, depth + 1));
      }
      if (this.idOf(node) === this.selected) this.hooks.refreshed(node);
    }
    if (kids.length > limit) {
      const more = document.createElement("button");
      more.className = "more";
      more.style.setProperty("--depth", String(depth));
      more.textContent = `Show ${Math.min(PAGE, kids.length - limit).toLocaleString("en-US")} more (${(kids.length - limit).toLocaleString("en-US")} not shown)`;
      more.addEventListener("click", () => {
        this.limits.set(parentId, limit + PAGE);
        void this.enqueue(() => this.fill(parent, into, depth));
      });
      rows.push(more);
    }
    if (!kids.length && (this.filter.text || this.filter.tag !== null) && parent?.kind !== "store") {
      rows.push(Object.assign(document.createElement("div"), { className: "row message muted", textContent: "Nothing matches the filter" }));
    }
    into.replaceChildren(...rows);
    await Promise.all(nested);
  }

  private keep(node: RunsNode): boolean {
    const { text, tag } = this.filter;
    if (!text && tag === null) return true;
    if (node.kind === "app") {
      const a = node.app;
      const hay = `${a.appId} ${a.partitionKey ?? ""} ${a.status}`.toLowerCase();
      const tagOk = tag === null || this.hooks.tagsOf(node.store.id, node.project, a.appId).some((t) => t.toLowerCase().includes(tag));
      // An open app stays whatever its id, so text can filter its steps by action.
      return tagOk && (!text || hay.includes(text) || this.expanded.has(this.idOf(node)));
    }
    if (node.kind === "step") {
      const tagOk = tag === null || this.hooks.tagsOf(node.store.id, node.project, node.appId, node.step.sequenceId).some((t) => t.toLowerCase().includes(tag));
      const appMatched = text !== "" && node.appId.toLowerCase().includes(text);
      return tagOk && (!text || appMatched || node.step.action.toLowerCase().includes(text) || String(node.step.sequenceId) === text);
    }
    return true;
  }

  private row(node: RunsNode, depth: number): { row: HTMLElement; kids: HTMLElement | null } {
    const v: NodeView = this.model.view(node);
    const row = document.createElement("div");
    row.className = `row kind-${node.kind}`;
    row.setAttribute("role", "treeitem");
    row.tabIndex = 0;
    row.style.setProperty("--depth", String(depth));
    if (v.id) row.dataset.id = v.id;
    if (v.id && v.id === this.selected) row.classList.add("selected");
    row.title = v.tooltip;
    const twisty = span("twisty", v.collapsible ? (this.expanded.has(v.id) ? "▾" : "▸") : "");
    const icon = span(`icon icon-${v.icon.replace(/[^a-z-]/gi, "")} ${v.iconColor ? `tone-${v.iconColor.replace(/[^a-z]/gi, "")}` : ""}`, GLYPHS[v.icon] ?? "•");
    const label = span("label", v.label);
    const description = span("description", v.description);
    row.append(twisty, icon, label, description);
    if (node.kind === "step" || node.kind === "app") {
      const tags = node.kind === "step"
        ? this.hooks.tagsOf(node.store.id, node.project, node.appId, node.step.sequenceId)
        : this.hooks.tagsOf(node.store.id, node.project, node.app.appId);
      for (const t of [...new Set(tags)].slice(0, 4)) row.append(span("tag", t));
    }
    if (node.kind === "app") {
      const graph = document.createElement("button");
      graph.className = "graph-button";
      graph.textContent = "graph";
      graph.title = `Open the graph of ${node.app.appId}`;
      graph.addEventListener("click", (e) => {
        e.stopPropagation();
        this.hooks.openGraph(node);
      });
      row.append(graph);
    }
    if (node.kind === "project") this.hooks.projectShown(node.store.id, node.project.name);
    let kids: HTMLElement | null = null;
    if (v.collapsible) {
      kids = document.createElement("div");
      kids.className = "children";
      kids.setAttribute("role", "group");
      row.setAttribute("aria-expanded", String(this.expanded.has(v.id)));
      const box = kids;
      const toggle = () => {
        const open = !this.expanded.has(v.id);
        if (open) this.expanded.add(v.id);
        else this.expanded.delete(v.id);
        row.setAttribute("aria-expanded", String(open));
        twisty.textContent = open ? "▾" : "▸";
        if (open) {
          this.containers.set(v.id, { node, kids: box, depth: depth + 1 });
          box.replaceChildren(Object.assign(document.createElement("div"), { className: "row message muted", textContent: "Loading…" }));
          void this.enqueue(() => this.fill(node, box, depth + 1));
        } else box.replaceChildren();
      };
      row.addEventListener("click", toggle);
      row.addEventListener("keydown", (e) => {
        if (e.key === "Enter" || e.key === " ") {
          e.preventDefault();
          toggle();
        }
      });
    } else if (node.kind === "step") {
      const open = () => this.hooks.openStep(node);
      row.addEventListener("click", open);
      row.addEventListener("keydown", (e) => {
        if (e.key === "Enter" || e.key === " ") {
          e.preventDefault();
          open();
        }
      });
    }
    return { row, kids };
  }
}

function span(className: string, text: string): HTMLSpanElement {
  const s = document.createElement("span");
  s.className = className;
  s.textContent = text;
  return s;
}

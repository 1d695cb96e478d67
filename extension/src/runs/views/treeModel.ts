// The Tracked Runs tree without VS Code: which nodes exist under which, and
// how each one reads (label, description, icon, contextValue). A store,
// project or app that cannot be read yields a message node in its place;
// its siblings are untouched.
import { capturedErrorOf } from "./capturedError.js";
import { errorHeadline, formatAge, formatDuration } from "./format.js";
import { isRunning } from "./materialize.js";
import type { AppRun, AppSummary, ProjectSummary, RunStore, StepRecord } from "../stores/types.js";

export type RunsNode =
  | { kind: "store"; store: RunStore }
  | { kind: "project"; store: RunStore; project: ProjectSummary }
  | { kind: "app"; store: RunStore; project: string; app: AppSummary }
  | { kind: "step"; store: RunStore; project: string; appId: string; step: StepRecord; previous: StepRecord | null; run: AppRun }
  | { kind: "message"; severity: "error" | "warning" | "info"; text: string; detail?: string };

export interface NodeView {
  label: string;
  description: string;
  tooltip: string;
  /** Menus match on the prefix: "burr.app", "burr.step". */
  contextValue: string;
  /** A codicon id. */
  icon: string;
  iconColor?: "errorForeground" | "testing.iconPassed" | "charts.yellow" | "list.warningForeground";
  collapsible: boolean;
  /** Identity that survives refreshes, so expansion state is kept. */
  id: string;
}

export class RunsTreeModel {
  private readonly runs = new Map<string, { lastWritten: number; run: Promise<AppRun> }>();

  constructor(
    private stores: RunStore[],
    private readonly now: () => number = Date.now,
  ) {}

  setStores(stores: RunStore[]): void {
    this.stores = stores;
    this.runs.clear();
  }

  getStores(): RunStore[] {
    return this.stores;
  }

  async children(node?: RunsNode): Promise<RunsNode[]> {
    if (!node) return this.roots();
    switch (node.kind) {
      case "store":
        return this.projectsOf(node.store);
      case "project":
        return guard(`project "${node.project.name}"`, async () =>
          (await node.store.listApps(node.project.name)).map((app): RunsNode => ({ kind: "app", store: node.store, project: node.project.name, app })),
        );
      case "app":
        return guard(`app "${node.app.appId}"`, async () => {
          const run = await this.readApp(node.store, node.project, node.app);
          const messages: RunsNode[] = run.warnings.map((text) => ({ kind: "message", severity: "warning", text }));
          const steps = run.steps.map((step, i): RunsNode => ({
            kind: "step", store: node.store, project: node.project, appId: node.app.appId, step, previous: i > 0 ? run.steps[i - 1] : null, run,
          }));
          if (!steps.length && !messages.length) messages.push({ kind: "message", severity: "info", text: "No steps recorded yet" });
          return [...messages, ...steps];
        });
      default:
        return [];
    }
  }

  /** The app's run, read once per change of its log. */
  readApp(store: RunStore, project: string, app: Pick<AppSummary, "appId" | "lastWritten">): Promise<AppRun> {
    const key = `${store.id}\u0000${project}\u0000${app.appId}`;
    const hit = this.runs.get(key);
    if (hit && hit.lastWritten === app.lastWritten) return hit.run;
    const run = store.readApp(project, app.appId);
    this.runs.set(key, { lastWritten: app.lastWritten, run });
    run.catch(() => this.runs.delete(key));
    return run;
  }

  private async roots(): Promise<RunsNode[]> {
    // One tracking directory alone shows its projects at the top; more stores get a node each.
    if (this.stores.length === 1 && this.stores[0].kind === "trackingDir") return this.projectsOf(this.stores[0]);
    return this.stores.map((store): RunsNode => ({ kind: "store", store }));
  }

  private projectsOf(store: RunStore): Promise<RunsNode[]> {
    return guard(store.label, async () => {
      const projects = await store.listProjects();
      if (!projects.length) return [{ kind: "message", severity: "info", text: `No tracked projects in ${store.label} yet` }];
      return projects.map((project): RunsNode => ({ kind: "project", store, project }));
    });
  }

  view(node: RunsNode): NodeView {
    const now = this.now();
    switch (node.kind) {
      case "store":
        return {
          id: node.store.id, label: node.store.label, description: node.store.kind === "trackingDir" ? "tracking directory" : node.store.kind,
          tooltip: node.store.label, contextValue: `burr.store.${node.store.kind}`, icon: node.store.kind === "trackingDir" ? "folder-library" : "database", collapsible: true,
        };
      case "project": {
        const p = node.project;
        return {
          id: `${node.store.id}/${p.name}`, label: p.name, description: `${p.appCount} app${p.appCount === 1 ? "" : "s"} · ${formatAge(p.lastWritten, now)}`,
          tooltip: `Project ${p.name}\n${p.appCount} apps\nlast written ${new Date(p.lastWritten).toLocaleString()}`, contextValue: "burr.project", icon: "project", collapsible: true,
        };
      }
      case "app": {
        const a = node.app;
        const parts = [a.status, `${a.steps} step${a.steps === 1 ? "" : "s"}`];
        if (a.partitionKey) parts.push(`pk ${a.partitionKey}`);
        parts.push(formatAge(a.lastWritten, now));
        const warn = a.warnings?.length ? `\n⚠ ${a.warnings.join("\n⚠ ")}` : "";
        return {
          id: `${node.store.id}/${node.project}/${a.appId}`, label: a.appId, description: (a.warnings?.length ? "⚠ " : "") + parts.join(" · "),
          tooltip: `App ${a.appId} (${a.status})\nproject ${node.project}\npartition key ${a.partitionKey ?? "none"}\n${a.steps} steps, last written ${new Date(a.lastWritten).toLocaleString()}${warn}`,
          contextValue: `burr.app.${node.store.kind}.${a.status}`, ...statusIcon(a.status), collapsible: true,
        };
      }
      case "step": {
        const s = node.step;
        const running = isRunning(s);
        const duration = s.startTime !== null && s.endTime !== null ? formatDuration(s.endTime - s.startTime) : running ? "running" : "";
        const captured = capturedErrorOf(s, node.run);
        const description = s.error ? `failed: ${errorHeadline(s.error)}` : captured ? `error captured: ${captured.type}` : duration;
        const note = s.error
          ? `\n${errorHeadline(s.error)}`
          : captured
            ? `\nerror captured${captured.key ? ` into "${captured.key}"` : ""} (the step completed): ${captured.type}: ${captured.message}`
            : "";
        return {
          id: `${node.store.id}/${node.project}/${node.appId}/${s.sequenceId}`, label: `${s.sequenceId} · ${s.action || "(unknown action)"}`, description,
          tooltip: `Step ${s.sequenceId}: ${s.action}\n${duration}${note}`,
          contextValue: s.error ? "burr.step.failed" : captured ? "burr.step.captured" : "burr.step",
          icon: s.error ? "error" : captured ? "warning" : running ? "loading~spin" : "symbol-event",
          iconColor: s.error ? "errorForeground" : captured ? "list.warningForeground" : undefined, collapsible: false,
        };
      }
      case "message":
        return {
          id: "", label: node.text, description: "", tooltip: node.detail ?? node.text, contextValue: `burr.message.${node.severity}`,
          icon: node.severity === "info" ? "info" : node.severity, iconColor: node.severity === "error" ? "errorForeground" : node.severity === "warning" ? "list.warningForeground" : undefined, collapsible: false,
        };
    }
  }
}

function statusIcon(status: AppSummary["status"]): Pick<NodeView, "icon" | "iconColor"> {
  if (status === "failed") return { icon: "error", iconColor: "errorForeground" };
  if (status === "running") return { icon: "sync~spin", iconColor: "charts.yellow" };
  return { icon: "pass", iconColor: "testing.iconPassed" };
}

async function guard(what: string, fn: () => Promise<RunsNode[]>): Promise<RunsNode[]> {
  try {
    return await fn();
  } catch (err) {
    const message = (err as Error).message || String(err);
    return [{ kind: "message", severity: "error", text: message.includes(what) ? message : `${what}: ${message}`, detail: (err as Error).stack }];
  }
}

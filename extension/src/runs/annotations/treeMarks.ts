// Annotations in the Tracked Runs tree: which apps and steps carry annotations
// (a mark on their row) and, when a tag filter is set, which of them stay.
// No vscode import: the provider asks it, tests drive it directly.
import type { RunsNode } from "../views/treeModel.js";
import type { RunStore } from "../stores/types.js";
import { stepKey, type Annotation, type AnnotationIndex } from "./index.js";

export interface Mark {
  /** Put before the row's description, e.g. "✎ golden, wrong-answer". */
  description: string;
  /** A line for the row's tooltip. */
  tooltip: string;
}

type Summary = { count: number; tags: string[] };

export class AnnotationMarks {
  private tag: string | null = null;
  /** Per step and per app (keyed by store, project and ids), what the last listing found. */
  private readonly steps = new Map<string, Summary>();
  private readonly apps = new Map<string, Summary>();

  constructor(readonly index: AnnotationIndex) {}

  get filterTag(): string | null {
    return this.tag;
  }

  setFilter(tag: string | null): void {
    this.tag = tag && tag.trim() ? tag.trim() : null;
  }

  /** Learns the annotations under `parent` and drops the kids the tag filter hides. */
  async filter(parent: RunsNode | undefined, kids: RunsNode[]): Promise<RunsNode[]> {
    if (!parent || (parent.kind !== "project" && parent.kind !== "app")) return kids;
    const project = parent.kind === "project" ? parent.project.name : parent.project;
    const notes = this.index.forProject(parent.store, project);
    if (!notes) return kids;
    let all: Annotation[];
    try {
      all = await notes.list();
    } catch {
      return kids; // the run view shows the reason when a step is opened
    }
    const prefix = `${parent.store.id}\u0000${project}\u0000`;
    for (const map of [this.steps, this.apps]) for (const k of [...map.keys()]) if (k.startsWith(prefix)) map.delete(k);
    for (const a of all) {
      add(this.steps, prefix + stepKey({ appId: a.app_id, partitionKey: a.partition_key || null, sequenceId: a.step_sequence_id }), a.tags);
    }
    // App marks count annotations per app id (partition keys aside: one app id is one run in a tracking dir).
    for (const a of all) add(this.apps, prefix + a.app_id, a.tags);
    if (!this.tag) return kids;
    const tag = this.tag;
    const tagged = all.filter((a) => a.tags.includes(tag));
    const shown = kids.filter((k) => {
      if (k.kind === "app") return tagged.some((a) => a.app_id === k.app.appId);
      if (k.kind === "step") return tagged.some((a) => a.app_id === k.appId && a.step_sequence_id === k.step.sequenceId && (a.partition_key || null) === (k.run.partitionKey ?? null));
      return true;
    });
    if (shown.length || !kids.length) return shown;
    return [{ kind: "message", severity: "info", text: `No ${parent.kind === "project" ? "app" : "step"} here is annotated with "${tag}"` }];
  }

  /** The mark for a row, when its app or step is annotated. */
  mark(node: RunsNode): Mark | null {
    let s: Summary | undefined;
    if (node.kind === "step") {
      s = this.steps.get(`${node.store.id}\u0000${node.project}\u0000${stepKey({ appId: node.appId, partitionKey: node.run.partitionKey ?? null, sequenceId: node.step.sequenceId })}`);
    } else if (node.kind === "app") {
      s = this.apps.get(`${node.store.id}\u0000${node.project}\u0000${node.app.appId}`);
    }
    if (!s) return null;
    const tags = s.tags.length ? ` ${s.tags.join(", ")}` : "";
    const noun = `${s.count} annotation${s.count === 1 ? "" : "s"}`;
    return node.kind === "step"
      ? { description: `✎${tags || ` ${noun}`}`, tooltip: `${noun}${tags ? `: ${s.tags.join(", ")}` : ""}` }
      : { description: `✎ ${s.count}`, tooltip: `${noun} on its steps${tags ? `: ${s.tags.join(", ")}` : ""}` };
  }

  /** Every tag in the projects given (for the filter's picker). */
  async tagsOf(projects: { store: RunStore; project: string }[]): Promise<string[]> {
    const out = new Set<string>();
    for (const p of projects) {
      const notes = this.index.forProject(p.store, p.project);
      if (!notes) continue;
      try {
        for (const a of await notes.list()) for (const t of a.tags) out.add(t);
      } catch {
        // An unreadable project offers no tags; opening it shows why.
      }
    }
    return [...out].sort();
  }
}

function add(map: Map<string, Summary>, key: string, tags: string[]): void {
  const s = map.get(key) ?? { count: 0, tags: [] };
  s.count++;
  for (const t of tags) if (!s.tags.includes(t)) s.tags.push(t);
  map.set(key, s);
}

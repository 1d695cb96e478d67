// Validation of a graph model, shared by the runtime's build() and the
// language server: pure, O(actions + transitions + keys), never throws.
import type { GraphModel, GraphProblem, TransitionModel } from "./model.js";
import { WILDCARD } from "./wildcard.js";

export interface ValidateOptions {
  /** Named in every message, e.g. "chatbot". */
  appName?: string;
  /** Keys of the initial state; null or absent when unknown (then no never-written check). */
  initialStateKeys?: readonly string[] | null;
}

export function validateGraph(graph: GraphModel, opts: ValidateOptions = {}): GraphProblem[] {
  const problems: GraphProblem[] = [];
  try {
    new Validator(graph, opts, problems).run();
  } catch (error) {
    // A malformed model must not break build() or the language server: report what was found.
    console.warn(`burr-ts: validateGraph stopped early on a malformed graph model: ${String(error)}`);
  }
  return problems;
}

class Validator {
  private readonly actions: GraphModel["actions"];
  private readonly transitions: TransitionModel[];
  private readonly names = new Set<string>();
  private readonly app: string;

  constructor(
    private readonly graph: GraphModel,
    private readonly opts: ValidateOptions,
    private readonly problems: GraphProblem[],
  ) {
    this.actions = Array.isArray(graph.actions) ? graph.actions : [];
    this.transitions = Array.isArray(graph.transitions) ? graph.transitions : [];
    this.app = opts.appName ? `App "${opts.appName}": ` : "";
  }

  run(): void {
    this.checkActions();
    this.checkEntrypoint();
    this.checkTransitions();
    this.checkShadowed();
    this.checkReachable();
    this.checkNeverWritten();
  }

  private checkActions(): void {
    for (const action of this.actions) {
      if (action.name === WILDCARD) {
        this.add({
          code: "unknown-action",
          severity: "error",
          action: WILDCARD,
          message: `${this.app}an action cannot be named "*": as a transition's source "*" stands for every action. Give it another name in withActions({ ... }).`,
        });
      }
      if (this.names.has(action.name)) {
        this.add({
          code: "duplicate-action",
          severity: "error",
          action: action.name,
          message: `${this.app}action "${action.name}" is declared more than once. Give each action a unique name in withActions({ ... }).`,
        });
      }
      this.names.add(action.name);
    }
  }

  private checkEntrypoint(): void {
    const { entrypoint } = this.graph;
    if (entrypoint === null || entrypoint === undefined || entrypoint === "") {
      const first = this.actions[0]?.name;
      this.add({
        code: "missing-entrypoint",
        severity: "error",
        message: `${this.app}no entrypoint is set. Call withEntrypoint(${first ? `"${first}"` : '"<action name>"'}) to choose the first action to run.`,
        ...(first ? { suggestion: first } : {}),
      });
      return;
    }
    if (entrypoint === WILDCARD) {
      this.add({
        code: "unknown-action",
        severity: "error",
        action: WILDCARD,
        message: `${this.app}the entrypoint cannot be "*": "*" only stands for "every action" as a transition's source. Pass one action to withEntrypoint (${this.listNames()}).`,
      });
      return;
    }
    if (!this.names.has(entrypoint)) {
      const suggestion = this.nearest(entrypoint);
      this.add({
        code: "unknown-action",
        severity: "error",
        action: entrypoint,
        message:
          `${this.app}the entrypoint "${entrypoint}" is not an action.` +
          (suggestion ? ` Did you mean "${suggestion}"?` : "") +
          ` Pass one of the names given to withActions (${this.listNames()}), or add "${entrypoint}" to withActions.`,
        ...(suggestion ? { suggestion } : {}),
      });
    }
  }

  private checkTransitions(): void {
    this.transitions.forEach((transition, index) => {
      for (const end of ["from", "to"] as const) {
        const name = transition[end];
        if (name === WILDCARD) {
          this.add({
            code: "unknown-action",
            severity: "error",
            action: WILDCARD,
            transition: index,
            message:
              `${this.app}transition ${describe(transition)} ${end === "from" ? "lists" : "goes to"} "*", which is not an action. ` +
              (end === "from"
                ? `Write "*" alone as the source (["*", "${transition.to}", condition]) to leave from every action, or list the actions.`
                : `A transition goes to one action: name it. "*" may only be the source, e.g. ["*", "handleError", expr("error != null")].`),
          });
          continue;
        }
        if (this.names.has(name)) continue;
        const suggestion = this.nearest(name);
        this.add({
          code: "unknown-action",
          severity: "error",
          action: name,
          transition: index,
          message:
            `${this.app}transition ${describe(transition)} ${end === "from" ? "starts at" : "goes to"} "${name}", which is not an action.` +
            (suggestion ? ` Did you mean "${suggestion}"? Otherwise add "${name}" to withActions.` : ` Add "${name}" to withActions, or name one of its actions (${this.listNames()}).`),
          ...(suggestion ? { suggestion } : {}),
        });
      }
    });
  }

  /**
   * A transition after an unconditional one from the same action can never be
   * taken. A second unconditional one is an error, as Burr rejects it; a
   * conditional one (or a "*" fallback) only a warning.
   */
  private checkShadowed(): void {
    const defaultFrom = new Map<string, number>();
    this.transitions.forEach((transition, index) => {
      const earlier = defaultFrom.get(transition.from);
      if (earlier !== undefined && transition.condition === "default" && !transition.wildcard) {
        this.add({
          code: "redundant-default",
          severity: "error",
          action: transition.from,
          transition: index,
          message:
            `${this.app}transition ${describe(transition)} is redundant: action "${transition.from}" already has an unconditional transition ` +
            `(${describe(this.transitions[earlier])}), so this one is never taken. Remove one of them, or give the first a condition.`,
        });
      } else if (earlier !== undefined) {
        this.add({
          code: "shadowed-transition",
          severity: "warning",
          action: transition.from,
          transition: index,
          message:
            `${this.app}transition ${describe(transition)} is never taken: the earlier transition ${describe(this.transitions[earlier])} ` +
            `has no condition ("default"), so it always wins. Transitions are tried in order; move the unconditional one last.`,
        });
      } else if (transition.condition === "default") {
        defaultFrom.set(transition.from, index);
      }
    });
  }

  private checkReachable(): void {
    const { entrypoint } = this.graph;
    if (!entrypoint || !this.names.has(entrypoint)) return;
    const next = new Map<string, string[]>();
    for (const { from, to } of this.transitions) {
      const targets = next.get(from);
      if (targets) targets.push(to);
      else next.set(from, [to]);
    }
    const seen = new Set([entrypoint]);
    const queue = [entrypoint];
    while (queue.length > 0) {
      for (const target of next.get(queue.pop() as string) ?? []) {
        if (!seen.has(target)) {
          seen.add(target);
          queue.push(target);
        }
      }
    }
    const reported = new Set<string>();
    for (const { name } of this.actions) {
      if (seen.has(name) || reported.has(name)) continue;
      reported.add(name);
      this.add({
        code: "unreachable-action",
        severity: "warning",
        action: name,
        message: `${this.app}action "${name}" can never run: no transitions lead to it from the entrypoint "${entrypoint}". Add a transition to it, or remove it.`,
      });
    }
  }

  /** A key read or tested that nothing writes and the initial state lacks. */
  private checkNeverWritten(): void {
    const initial = this.opts.initialStateKeys;
    if (initial === null || initial === undefined) return;
    const written = new Set<string>(initial);
    for (const action of this.actions) for (const key of action.writes ?? []) written.add(key);
    const reported = new Set<string>();
    const report = (key: string, by: string, extra: Partial<GraphProblem>) => {
      if (written.has(key) || key.startsWith("__") || reported.has(`${by}\u0000${key}`)) return;
      reported.add(`${by}\u0000${key}`);
      this.add({
        code: "never-written",
        severity: "warning",
        key,
        message:
          `${this.app}${by} reads state key "${key}", but no action writes it and the initial state does not have it. ` +
          `Add "${key}" to withState({ ... }), or to the writes of the action that produces it.`,
        ...extra,
      });
    };
    for (const action of this.actions) {
      for (const key of action.reads ?? []) report(key, `action "${action.name}"`, { action: action.name });
    }
    this.transitions.forEach((transition, index) => {
      for (const key of transition.keys ?? []) {
        report(key, `the condition "${transition.condition}" of transition ${describe(transition)}`, { action: transition.from, transition: index });
      }
    });
  }

  private nearest(name: string): string | undefined {
    let best: string | undefined;
    let bestDistance = Infinity;
    for (const candidate of this.names) {
      const distance = editDistance(name.toLowerCase(), candidate.toLowerCase());
      if (distance < bestDistance) {
        best = candidate;
        bestDistance = distance;
      }
    }
    // Only suggest names close enough to be a typo.
    return best !== undefined && bestDistance <= Math.max(2, Math.floor(name.length / 3)) ? best : undefined;
  }

  private listNames(): string {
    const names = [...this.names];
    return names.length === 0 ? "none yet" : names.slice(0, 10).map((n) => `"${n}"`).join(", ") + (names.length > 10 ? ", …" : "");
  }

  private add(problem: GraphProblem): void {
    this.problems.push(problem);
  }
}

function describe(transition: TransitionModel): string {
  const condition = transition.condition && transition.condition !== "default" ? ` when ${transition.condition}` : "";
  return `${transition.from} → ${transition.to}${condition}${transition.wildcard ? ' (from "*")' : ""}`;
}

/** Levenshtein distance with two rows. */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  let current = new Array<number>(b.length + 1);
  for (let i = 1; i <= a.length; i++) {
    current[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1);
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, substitution);
    }
    [previous, current] = [current, previous];
  }
  return previous[b.length];
}

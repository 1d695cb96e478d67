// Why the next step ran: the transition taken, the state values its condition
// tested, and the transitions tried before it (Burr tries an action's
// transitions in order; the first that holds wins). The recorded conditions
// (the graph's ConditionTree; the display text for Python Burr runs) are
// evaluated on the recorded state by the runtime's explainer; where that
// disagrees with what the run did, the view says so instead of giving a wrong reason. Pure.
import type { GraphModel, TransitionModel } from "../../../../runtime/src/graph/model.js";
import type { NextView, TransitionCheck } from "../../../../webview/src/protocol/runs.js";
import { evaluateTest, parseConditionText, testKeys, testOfTree, type ConditionTest } from "../../../../runtime/src/conditions/explain.js";

export interface NextInput {
  graph: GraphModel | null;
  action: string;
  status: "completed" | "failed" | "running";
  /** The state after the step (the one its transitions were tested on). */
  state: Record<string, unknown> | null;
  /** The step recorded after this one, if any. */
  next: { action: string; sequenceId: number } | null;
}

export function explainNext(input: NextInput): NextView {
  const { graph, action, next } = input;
  const view = (kind: NextView["kind"], rest: Partial<NextView> & { summary: string }): NextView => ({
    kind, action: next?.action ?? null, sequenceId: next?.sequenceId ?? null, taken: null, before: [], verdict: null, ...rest,
  });
  if (input.status === "running") return view("running", { summary: "The next action is chosen when this step ends." });
  if (input.status === "failed") {
    return view("failed", {
      summary: next
        ? `The step threw, so its transitions were not tried; step #${next.sequenceId} ran ${next.action} next.`
        : "The step threw, so its transitions were not tried and the run stopped here.",
    });
  }
  if (!graph) return view(next ? "next" : "ended", { summary: "No graph was recorded with this run, so its transitions are unknown." });
  const state = input.state ?? {};
  const checks = graph.transitions.filter((t) => t.from === action).map((t) => checkTransition(t, state));
  if (!next) return ended(action, checks);

  const toNext = checks.flatMap((c, i) => (c.to === next.action ? [i] : []));
  if (!toNext.length) {
    return view("next", {
      before: checks, verdict: "unreproducible",
      summary: `The graph has no transition from ${action} to ${next.action}, so no condition chose this step (it was forked, rewound or moved in the debugger, or the graph changed).`,
    });
  }
  // The first edge to the next action that the evaluation does not rule out, with nothing holding before it.
  const index =
    toNext.find((i) => checks[i].outcome !== "fails" && checks.slice(0, i).every((c) => c.outcome !== "holds")) ?? toNext[0];
  const taken = checks[index];
  const before = checks.slice(0, index);
  const unknown = [...before, taken].filter((c) => c.outcome === "unknown");
  if (taken.outcome === "fails" || before.some((c) => c.outcome === "holds")) {
    const first = checks.find((c) => c.outcome !== "fails");
    const picks = first?.outcome === "holds" ? `picks ${first.to} (${quote(first.condition)})` : `does not pick ${next.action}`;
    return view("next", {
      taken, before, verdict: "unreproducible",
      summary:
        `Not reproducible: evaluating the recorded conditions on this state ${picks}, but the run went to ${next.action}. ` +
        "The condition text may be ambiguous, or state changed before the choice (e.g. edited in the debugger); the values shown are not the reason.",
    });
  }
  if (unknown.length) {
    const names = unknown.map((c) => quote(c.condition)).join(", ");
    const past = before.some((c) => c.outcome === "unknown") ? " The run went past the transitions before the taken one, so they did not hold." : "";
    return view("next", { taken, before, verdict: "partial", summary: `Partly explained: ${names} cannot be evaluated from the recorded text.${past}` });
  }
  const held = isDefault(taken) ? "The default transition always holds" : `${quote(taken.condition)} held on the state after this step`;
  const tried = before.length === 0 ? "" : before.length === 1 ? "; the transition tried before it did not" : `; the ${before.length} transitions tried before it did not`;
  return view("next", { taken, before, verdict: "explained", summary: `${held}${tried}.` });
}

/** No step followed: say where the transitions would lead. */
function ended(action: string, checks: TransitionCheck[]): NextView {
  const base = { kind: "ended" as const, action: null, sequenceId: null, taken: null, before: checks, verdict: null };
  if (!checks.length) return { ...base, summary: `No transition leaves ${action}, so the app is done.` };
  const index = checks.findIndex((c) => c.outcome !== "fails");
  if (index < 0) return { ...base, summary: `No transition from ${action} holds on this state, so the app is done.` };
  const taken = checks[index];
  const rest = { ...base, taken, before: checks.slice(0, index) };
  if (taken.outcome === "unknown") {
    return { ...rest, summary: `Which action would come next cannot be told: ${quote(taken.condition)} cannot be evaluated from the recorded text.` };
  }
  const why = isDefault(taken) ? "the default transition" : `${quote(taken.condition)} holds`;
  return { ...rest, action: taken.to, summary: `If the app resumes, ${taken.to} comes next (${why}).` };
}

/** Evaluates one transition's recorded condition on a state. */
export function checkTransition(t: TransitionModel, state: Record<string, unknown>): TransitionCheck {
  let test: ConditionTest;
  if (t.conditionTree) test = testOfTree(t.conditionTree);
  else {
    // Older burr-ts graphs record the keys each condition reads (and write when() values as JSON);
    // Python Burr's do not.
    test = parseConditionText(t.condition, t.keys ? "burr-ts" : "python");
    // A text that reads other keys than the condition does is a custom condition's name.
    if (t.keys && !sameKeys(testKeys(test), t.keys)) test = { kind: "opaque", name: t.condition };
  }
  const { outcome, note, values } = evaluateTest(test, state);
  // For a custom condition, the keys it declares are still worth seeing.
  const shown =
    test.kind === "opaque" && t.keys
      ? t.keys.map((key) => ({ key, present: Object.hasOwn(state, key), value: Object.hasOwn(state, key) ? state[key] : null, wants: null }))
      : values;
  return { from: t.from, to: t.to, condition: t.condition, outcome, note, values: shown };
}

function sameKeys(a: Set<string>, b: readonly string[]): boolean {
  return a.size === new Set(b).size && b.every((k) => a.has(k));
}

function isDefault(c: TransitionCheck): boolean {
  return c.condition.trim() === "default";
}

function quote(text: string): string {
  return `“${text}”`;
}

// graph.json: the shared GraphModel as Burr's `type: "application"` record,
// and back. Burr 0.40.2 swaps its two input lists (inputs holds the optional
// ones); the writer reproduces that for Burr's UI and keeps the exact model
// under "burr_ts_graph", which Burr's reader ignores.
import type { ActionModel, GraphModel } from "../graph/model.js";

interface BurrAction {
  type: "action";
  name: string;
  reads: string[];
  writes: string[];
  code: string;
  inputs: string[];
  optional_inputs: string[];
}

interface BurrTransition {
  type: "transition";
  from_: string;
  to: string;
  condition: string;
}

export interface BurrApplicationRecord {
  type: "application";
  entrypoint: string | null;
  actions: BurrAction[];
  transitions: BurrTransition[];
  burr_ts_graph?: GraphModel;
}

export function graphToBurr(graph: GraphModel): BurrApplicationRecord {
  return {
    type: "application",
    entrypoint: graph.entrypoint,
    actions: graph.actions.map((a) => ({
      type: "action",
      name: a.name,
      reads: a.reads,
      writes: a.writes,
      code: "",
      inputs: a.optionalInputs,
      optional_inputs: a.inputs,
    })),
    transitions: graph.transitions.map((t) => ({ type: "transition", from_: t.from, to: t.to, condition: t.condition })),
    burr_ts_graph: graph,
  };
}

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : []);
const userInputs = (v: unknown): string[] => strings(v).filter((n) => !n.startsWith("__"));

/** Reads graph.json written by burr-ts or Python Burr; throws on a shape that is not an application. */
export function burrToGraph(raw: unknown): GraphModel {
  const rec = raw as Partial<BurrApplicationRecord> | null;
  if (!rec || typeof rec !== "object" || !Array.isArray(rec.actions)) throw new Error("graph.json is not a Burr application record (no actions list)");
  if (rec.burr_ts_graph && Array.isArray(rec.burr_ts_graph.actions)) return rec.burr_ts_graph;
  const actions: ActionModel[] = rec.actions.map((a) => ({
    name: String(a.name),
    reads: strings(a.reads),
    writes: strings(a.writes),
    // Python Burr's lists are swapped (see above).
    inputs: userInputs(a.optional_inputs),
    optionalInputs: userInputs(a.inputs),
    streaming: typeof a.code === "string" && /streaming_action|StreamingAction/.test(a.code),
  }));
  const transitions = (Array.isArray(rec.transitions) ? rec.transitions : []).map((t) => ({ from: String(t.from_), to: String(t.to), condition: String(t.condition ?? "default") }));
  return { entrypoint: typeof rec.entrypoint === "string" ? rec.entrypoint : null, actions, transitions };
}

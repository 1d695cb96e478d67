// Child targets for the parallelism tests and the bench, in plain JavaScript so
// that worker threads (which do not inherit the test runner's TypeScript
// loader) can import it too: a thread looks children up by name in `children`.
import { Action, GraphBuilder, RunnableGraph, action } from "burr-ts";

/** Burr's test_parallelism simple_single_fn_subgraph. */
export const simpleFn = action(
  { reads: ["input_number", "number_to_add"], writes: ["output_number"], optionalInputs: ["additional_number", "identifying_number"] },
  (state, { additional_number = 1, identifying_number = 1000 }) =>
    state.update({ output_number: state.get("input_number") + state.get("number_to_add") + additional_number + identifying_number }),
);

/** Burr's ClassBasedAction. */
export class ClassBased extends Action {
  reads = ["input_number", "number_to_add"];
  writes = ["output_number"];
  constructor(identifying) {
    super();
    this.identifying = identifying;
  }
  run(state, inputs) {
    return { output_number: state.get("input_number") + state.get("number_to_add") + (inputs.additional_number ?? 1) + this.identifying };
  }
  update(result, state) {
    return state.update(result);
  }
}

/** Burr's create_full_subgraph: entry -> add -> add additional -> final. */
export function fullSubgraph(identifying, name = "full_subgraph") {
  const entry = action({ reads: ["input_number"], writes: ["current_number"] }, (s) => s.update({ current_number: s.get("input_number") }));
  const addNumber = action({ reads: ["current_number", "number_to_add"], writes: ["current_number"] }, (s) =>
    s.update({ current_number: s.get("current_number") + s.get("number_to_add") }),
  );
  const addAdditional = action({ reads: ["current_number"], writes: ["current_number"] }, (s) => s.update({ current_number: s.get("current_number") + 1 + identifying }));
  const final = action({ reads: ["current_number"], writes: ["output_number"] }, (s) => s.update({ output_number: s.get("current_number") }));
  const graph = new GraphBuilder()
    .withActions({ entry, addNumber, addAdditional, final })
    .withTransitions(["entry", "addNumber"], ["addNumber", "addAdditional"], ["addAdditional", "final"])
    .build();
  return new RunnableGraph(graph, "entry", ["final"], name);
}

/** CPU-bound work: `rounds` rounds of an integer mix, so threads have something to do. */
export const crunch = action({ reads: ["seed", "rounds"], writes: ["digest"] }, (s) => {
  let h = s.get("seed");
  const rounds = s.get("rounds");
  for (let i = 0; i < rounds; i++) h = (Math.imul(h ^ (h >>> 15), 2246822507) + i) | 0;
  return s.update({ digest: h });
});

export const children = { simpleFn, classBased: new ClassBased(2000), full_subgraph: fullSubgraph(3000), crunch };

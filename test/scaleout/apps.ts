// The apps and child targets the scale-out tests, their worker processes and
// the bench share: a worker looks them up by these names.
import { ApplicationBuilder, GraphBuilder, RunnableGraph, action, type StatePersister } from "burr-ts";
import type { AppFactory } from "burr-ts/bullmq";

const pause = (ms: number) => (ms > 0 ? new Promise((r) => setTimeout(r, Math.random() * ms)) : undefined);

/** One-step child: the square of n. */
export const square = action({ reads: ["n"], writes: ["sq"] }, (s) => s.update({ sq: (s.get("n") as number) ** 2 }));

/** Three-step child with pauses, so a worker can be killed between (and during) its steps. */
export function tripleGraph(slowMs: number): RunnableGraph {
  const step = (k: string) =>
    action({ reads: ["n", "trail"], writes: ["trail"] }, async (s) => {
      await pause(slowMs);
      return s.update({ trail: [...(s.get("trail") as string[]), `${k}${s.get("n")}`] });
    });
  const graph = new GraphBuilder()
    .withActions({ a: step("a"), b: step("b"), c: step("c") })
    .withTransitions(["a", "b"], ["b", "c"])
    .build();
  return new RunnableGraph(graph, "a", ["c"], "triple");
}

/** A chat-like app for whole turns: each turn appends its input to the history. */
export function counterFactory(persister: StatePersister, slowMs = 0): AppFactory {
  const take = action({ reads: ["history"], writes: ["history"], inputs: ["item"] }, async (s, { item }: { item: number }) => {
    await pause(slowMs);
    return s.update({ history: [...(s.get("history") as number[]), item] });
  });
  return () =>
    new ApplicationBuilder()
      .withActions({ take })
      .withTransitions(["take", "take"])
      .withStatePersister(persister)
      .initializeFrom(persister, { defaultEntrypoint: "take", defaultState: { history: [] }, resumeAtNextAction: true });
}

export function registry(persister: StatePersister, slowMs: number) {
  return { square, triple: tripleGraph(slowMs), counter: counterFactory(persister, slowMs) };
}

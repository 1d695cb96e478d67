// Property test of validateGraph on random graphs (seeded): it never throws,
// reports exactly the transition ends that are not actions, and never flags a
// graph that is valid by construction.
import assert from "node:assert/strict";
import { validateGraph, type ActionModel, type GraphModel, type TransitionModel } from "burr-ts";
import { prng } from "../support/random.js";

const act = (name: string, reads: string[], writes: string[]): ActionModel => ({ name, reads, writes, inputs: [], optionalInputs: [], streaming: false });

describe("validateGraph property tests (seeded)", () => {
  it("on 300 random graphs: never throws; unknown-action problems are exactly the missing transition ends", () => {
    const random = prng(5);
    const pick = <T>(list: T[]) => list[Math.floor(random() * list.length)];
    for (let g = 0; g < 300; g++) {
      const names = Array.from({ length: 1 + Math.floor(random() * 6) }, (_, i) => `a${i}`);
      const pool = [...names, "ghost", "a1x", ""];
      const transitions: TransitionModel[] = Array.from({ length: Math.floor(random() * 10) }, () => ({
        from: pick(pool),
        to: pick(pool),
        condition: random() < 0.4 ? "default" : `k=${Math.floor(random() * 3)}`,
        keys: random() < 0.5 ? [pick(["k", "j", "__x"])] : undefined,
      }));
      const graph: GraphModel = {
        entrypoint: random() < 0.1 ? null : pick(pool),
        actions: names.map((name) => act(name, random() < 0.3 ? ["k"] : [], random() < 0.3 ? ["j"] : [])),
        transitions,
      };
      const problems = validateGraph(graph, { appName: "p", initialStateKeys: random() < 0.5 ? null : [] });
      const expected = transitions.flatMap((t, index) =>
        [t.from, t.to].filter((end) => !names.includes(end)).map((end) => `${index}:${end}`),
      );
      const reported = problems.filter((p) => p.code === "unknown-action" && p.transition !== undefined).map((p) => `${p.transition}:${p.action}`);
      assert.deepEqual(reported.sort(), expected.sort(), JSON.stringify(graph));
      for (const problem of problems) assert.ok(problem.message.startsWith('App "p": '), problem.message);
    }
  });

  it("chains and cycles built to be valid report nothing", () => {
    const random = prng(9);
    for (let g = 0; g < 100; g++) {
      const count = 1 + Math.floor(random() * 8);
      const names = Array.from({ length: count }, (_, i) => `step${i}`);
      // Each action reads what the previous one wrote; conditional edges first, a default edge last.
      const actions = names.map((name, i) => act(name, i === 0 ? ["seed"] : [`k${i - 1}`], [`k${i}`]));
      const transitions: TransitionModel[] = names.flatMap((name, i) => [
        ...(random() < 0.5 ? [{ from: name, to: names[0], condition: `k${i}=true`, keys: [`k${i}`] }] : []),
        { from: name, to: names[(i + 1) % count], condition: "default" },
      ]);
      assert.deepEqual(validateGraph({ entrypoint: names[0], actions, transitions }, { initialStateKeys: ["seed"] }), []);
    }
  });
});

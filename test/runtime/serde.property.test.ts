// Property tests (seeded, reproducible): random values mixing JSON with every
// built-in serde type round-trip exactly through serialize → JSON text →
// deserialize, and a run of random steps stored as deltas (persisters' codec)
// rebuilds every state exactly.
import assert from "node:assert/strict";
// One module graph (the source), so the codec sees the marks the entry check made.
import { State, diffStates } from "../../runtime/src/state/state.js";
import { decodeDelta, encodeDelta, replay, stateToPlain, plainToState } from "../../runtime/src/persistence/codec.js";
import { prng } from "../support/random.js";

type Gen = () => number;

function pick<T>(random: Gen, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)];
}

function leaf(random: Gen): unknown {
  return pick(random, [
    () => Math.floor(random() * 2000) - 1000,
    () => random() * 1e6,
    () => pick(random, ["", "text", "üñí©ødé", '"quoted"\n', "__burr_serde__"]),
    () => random() < 0.5,
    () => null,
    () => new Date(Math.floor(random() * 4e12) - 1e12),
    () => BigInt(Math.floor(random() * 1e9)) * 10n ** BigInt(Math.floor(random() * 30)) * (random() < 0.5 ? -1n : 1n),
    () => new Uint8Array(Array.from({ length: Math.floor(random() * 6) }, () => Math.floor(random() * 256))),
    () => new URL(`https://host${Math.floor(random() * 9)}.example/p?q=${Math.floor(random() * 99)}#h`),
    () => new RegExp(pick(random, ["a+", "^x\\/y$", "[0-9]{2,}", "(?<name>.)"]), pick(random, ["", "g", "gi", "msu"])),
  ])();
}

function value(random: Gen, depth: number): unknown {
  if (depth <= 0 || random() < 0.4) return leaf(random);
  const n = Math.floor(random() * 4);
  switch (Math.floor(random() * 4)) {
    case 0:
      return Array.from({ length: n }, () => value(random, depth - 1));
    case 1: {
      const o: Record<string, unknown> = {};
      for (let i = 0; i < n; i++) o[pick(random, ["a", "b", "value", "__proto__x", "k" + i])] = value(random, depth - 1);
      return o;
    }
    case 2:
      return new Map(Array.from({ length: n }, (_, i) => [random() < 0.7 ? `k${i}` : value(random, depth - 1), value(random, depth - 1)]));
    default:
      return new Set(Array.from({ length: n }, () => value(random, depth - 1)));
  }
}

/** deepEqual treats two invalid Dates as different; none are generated, so plain deepEqual is exact here. */
describe("serde property tests (seeded)", () => {
  it("random values round-trip exactly through serialize, JSON text and deserialize", () => {
    for (let seed = 1; seed <= 300; seed++) {
      const random = prng(seed);
      const values: Record<string, unknown> = {};
      for (let k = 0; k < 4; k++) values[`key${k}`] = value(random, 4);
      const state = new State(values);
      const text = JSON.stringify(state);
      const back = State.deserialize(text);
      assert.deepEqual(back.getAll(), state.getAll(), `seed ${seed}`);
      // Serializing the loaded state gives the same text: the stored form is canonical.
      assert.equal(JSON.stringify(back), text, `seed ${seed}`);
    }
  });

  it("random steps stored as a snapshot plus deltas rebuild every state exactly", () => {
    for (let seed = 1; seed <= 60; seed++) {
      const random = prng(1000 + seed);
      let state = new State<Record<string, unknown>>({ log: [], v: 0 });
      const rows: Array<{ kind: "full" | "delta"; state: string }> = [{ kind: "full", state: JSON.stringify(stateToPlain(state)) }];
      for (let step = 0; step < 25; step++) {
        const before = state;
        const roll = random();
        if (roll < 0.4) state = state.append({ log: value(random, 3) });
        else if (roll < 0.55) state = state.extend({ log: [leaf(random), leaf(random)] });
        else if (roll < 0.85) state = state.update({ [pick(random, ["v", "w", "x"])]: value(random, 3) });
        else state = state.wipe({ delete: [pick(random, ["w", "x"])] });
        const delta = encodeDelta(diffStates(before, state));
        rows.push({ kind: "delta", state: delta });
        // What a persister loads at this step equals the state it saved.
        assert.deepEqual(plainToState(replay(rows)).getAll(), state.getAll(), `seed ${seed} step ${step} (${JSON.stringify(decodeDelta(delta)).slice(0, 80)})`);
      }
    }
  });
});

// Property tests: random sequences of State operations (seeded, reproducible)
// agree with a model built from plain copies, older states never change, and
// diffStates(before, after) applied to `before` gives `after`.
import assert from "node:assert/strict";
import { State, diffStates, type StepChanges } from "burr-ts";
import { prng } from "../support/random.js";

type Plain = Record<string, unknown>;
const KEYS = ["a", "b", "c", "d"];

function applyChanges(before: Plain, changes: StepChanges): Plain {
  const out: Plain = { ...before };
  for (const key of changes.deleted) delete out[key];
  for (const [key, value] of Object.entries(changes.set)) out[key] = value;
  for (const [key, items] of Object.entries(changes.appended)) out[key] = [...(out[key] as unknown[]), ...items];
  return out;
}

function randomStep(random: () => number, state: State, model: Plain): [State, Plain] {
  const key = KEYS[Math.floor(random() * KEYS.length)];
  const current = model[key];
  const roll = random();
  if (roll < 0.35 && (current === undefined || Array.isArray(current))) {
    const item = { n: Math.floor(random() * 100) };
    return [state.append({ [key]: item }), { ...model, [key]: [...((current as unknown[]) ?? []), item] }];
  }
  if (roll < 0.5 && (current === undefined || Array.isArray(current))) {
    const items = Array.from({ length: Math.floor(random() * 3) }, (_, i) => `x${i}`);
    return [state.extend({ [key]: items }), { ...model, [key]: [...((current as unknown[]) ?? []), ...items] }];
  }
  if (roll < 0.6 && (current === undefined || typeof current === "number")) {
    return [state.increment({ [key]: 2 }), { ...model, [key]: ((current as number) ?? 0) + 2 }];
  }
  if (roll < 0.75) {
    const value = random() < 0.5 ? Math.floor(random() * 10) : [random() < 0.5 ? "p" : "q"];
    return [state.update({ [key]: value }), { ...model, [key]: value }];
  }
  if (roll < 0.85) {
    const rest = { ...model };
    delete rest[key];
    return [state.wipe({ delete: [key] }), rest];
  }
  // Read (which freezes the newest array and forces the next append to copy).
  if (state.has(key)) state.get(key);
  return [state, model];
}

describe("State property tests (seeded)", () => {
  for (const seed of [1, 7, 42, 2024, 99991]) {
    it(`seed ${seed}: 400 random operations agree with a plain model; history and deltas are exact`, () => {
      const random = prng(seed);
      let state = new State();
      let model: Plain = {};
      const history: Array<[State, Plain]> = [[state, model]];
      for (let step = 0; step < 400; step++) {
        const [nextState, nextModel] = randomStep(random, state, model);
        assert.deepEqual(applyChanges(model, diffStates(state, nextState)), nextModel, `delta at step ${step}`);
        state = nextState;
        model = nextModel;
        assert.deepEqual(state.getAll(), model, `state at step ${step}`);
        history.push([state, model]);
        // Branch from a random older state now and then: it must not disturb anything.
        if (random() < 0.1) {
          const [old] = history[Math.floor(random() * history.length)];
          randomStep(random, old, old.getAll());
        }
      }
      for (const [old, oldModel] of history) assert.deepEqual(old.getAll(), oldModel);
      // Deltas between non-adjacent states also reconstruct the later one.
      for (let i = 0; i < 20; i++) {
        const x = Math.floor(random() * history.length);
        const y = Math.floor(random() * history.length);
        assert.deepEqual(applyChanges(history[x][1], diffStates(history[x][0], history[y][0])), history[y][1]);
      }
    });
  }
});

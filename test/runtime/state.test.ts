// State: every operation, immutability, structural sharing, entry checks and deltas.
import assert from "node:assert/strict";
import { State, StateError, StateKeyError, UnserializableValueError, BurrError, diffStates, stateStorageStats, type StateValues } from "burr-ts";

type Message = { role: string; content: string };
type Chat = { chatHistory: Message[]; prompt: string; count: number; safe?: boolean };

const msg = (content: string, role = "user"): Message => ({ role, content });

describe("State operations", () => {
  const base = new State<Chat>({ chatHistory: [], prompt: "hi", count: 1 });

  it("get returns values and the fallback for a missing key", () => {
    assert.equal(base.get("prompt"), "hi");
    assert.equal(base.get("safe", "fallback"), "fallback");
    assert.equal(base.get("safe", undefined), undefined);
  });

  it("get without a fallback on a missing key names the key and the keys present", () => {
    assert.throws(
      () => base.get("safe"),
      (error: unknown) =>
        error instanceof StateKeyError &&
        error instanceof BurrError &&
        error.key === "safe" &&
        /no key "safe"/.test(error.message) &&
        /chatHistory, prompt, count/.test(error.message) &&
        /withState/.test(error.message),
    );
  });

  it("has, keys, size and getAll describe the contents", () => {
    assert.equal(base.has("prompt"), true);
    assert.equal(base.has("safe"), false);
    assert.equal(base.has("toString"), false, "prototype names are not keys");
    assert.deepEqual(base.keys(), ["chatHistory", "prompt", "count"]);
    assert.equal(base.size, 3);
    assert.deepEqual(base.getAll(), { chatHistory: [], prompt: "hi", count: 1 });
  });

  it("update upserts and leaves the original untouched", () => {
    const next = base.update({ prompt: "bye", safe: true });
    assert.equal(next.get("prompt"), "bye");
    assert.equal(next.get("safe"), true);
    assert.equal(base.get("prompt"), "hi");
    assert.equal(base.has("safe"), false);
  });

  it("append adds one item per key and starts a missing key", () => {
    const next = base.append({ chatHistory: msg("a") });
    assert.deepEqual(next.get("chatHistory"), [msg("a")]);
    assert.deepEqual(base.get("chatHistory"), []);
    const fresh = new State().append({ log: "x" });
    assert.deepEqual(fresh.get("log"), ["x"]);
  });

  it("append to a non-array names the key and the fix", () => {
    assert.throws(
      () => base.append({ prompt: "x" } as never),
      (error: unknown) => error instanceof StateError && error.key === "prompt" && /not an array/.test(error.message) && /update/.test(error.message),
    );
  });

  it("extend adds many items (from any iterable) and rejects a non-iterable", () => {
    const next = base.extend({ chatHistory: [msg("a"), msg("b")] });
    assert.deepEqual(next.get("chatHistory"), [msg("a"), msg("b")]);
    assert.deepEqual(new State().extend({ s: new Set([1, 2]) as unknown as number[] }).get("s"), [1, 2]);
    assert.throws(() => base.extend({ chatHistory: 5 as never }), /needs an array of items/);
    assert.equal(base.extend({ chatHistory: [] }).get("chatHistory").length, 0);
  });

  it("increment adds, starts a missing key at the delta, and rejects non-numbers", () => {
    assert.equal(base.increment({ count: 2 }).get("count"), 3);
    assert.equal(new State().increment({ n: 5 }).get("n"), 5);
    assert.throws(() => base.increment({ prompt: 1 } as never), (e: unknown) => e instanceof StateError && /not a number/.test((e as Error).message));
    assert.throws(() => base.increment({ count: Number.NaN }), /finite number/);
  });

  it("wipe deletes or keeps, ignores missing keys, and needs exactly one option", () => {
    assert.deepEqual(base.wipe({ delete: ["prompt", "safe"] }).keys(), ["chatHistory", "count"]);
    assert.deepEqual(base.wipe({ keep: ["count", "safe"] }).keys(), ["count"]);
    assert.throws(() => base.wipe({} as never), /exactly one/);
    assert.throws(() => base.wipe({ delete: ["count"], keep: ["prompt"] } as never), /exactly one/);
  });

  it("merge lets the other state win; subset keeps only the given keys", () => {
    const merged = base.merge(new State({ prompt: "other", extra: 1 }));
    assert.deepEqual(merged.getAll(), { chatHistory: [], prompt: "other", count: 1, extra: 1 });
    assert.deepEqual(base.subset("prompt", "safe").getAll(), { prompt: "hi" });
  });

  it("rejects __proto__ as a key", () => {
    assert.throws(() => new State().update(JSON.parse('{"__proto__": 1}') as Record<string, unknown>), /__proto__/);
  });
});

describe("State immutability", () => {
  it("arrays handed out by get are frozen real arrays", () => {
    const state = new State<Chat>({ chatHistory: [msg("a")], prompt: "", count: 0 }).append({ chatHistory: msg("b") });
    const history = state.get("chatHistory");
    assert.ok(Array.isArray(history));
    assert.ok(Object.isFrozen(history));
    assert.throws(() => (history as Message[]).push(msg("c")), TypeError);
    assert.deepEqual([...history].map((m) => m.content), ["a", "b"]);
    assert.equal(history.at(-1)?.content, "b");
    assert.equal(JSON.stringify(history), JSON.stringify([msg("a"), msg("b")]));
    assert.deepEqual(structuredClone(history), [msg("a"), msg("b")]);
  });

  it("values put into state are frozen deeply, so state cannot change behind its back", () => {
    const config = { model: { name: "gpt" }, tags: ["a"] };
    new State({ config });
    assert.ok(Object.isFrozen(config) && Object.isFrozen(config.model) && Object.isFrozen(config.tags));
  });

  it("an array read before an append keeps its length", () => {
    const one = new State().append({ h: 1 });
    const seen = one.get("h");
    const two = one.append({ h: 2 });
    assert.deepEqual(seen, [1]);
    assert.deepEqual(two.get("h"), [1, 2]);
  });

  it("branching from an older state does not disturb newer ones", () => {
    const root = new State().append({ h: "a" });
    const left = root.append({ h: "b" });
    const right = root.append({ h: "c" });
    const leftMore = left.append({ h: "d" });
    assert.deepEqual(root.get("h"), ["a"]);
    assert.deepEqual(left.get("h"), ["a", "b"]);
    assert.deepEqual(right.get("h"), ["a", "c"]);
    assert.deepEqual(leftMore.get("h"), ["a", "b", "d"]);
  });

  it("re-reading the same state returns the same array (made once)", () => {
    const state = new State().append({ h: 1 }).append({ h: 2 });
    assert.equal(state.get("h"), state.get("h"));
  });
});

describe("State structural sharing", () => {
  it("appending 10,000 items copies the history once, not per append", () => {
    let state = new State<Chat>({ chatHistory: [], prompt: "", count: 0 });
    const before = stateStorageStats();
    for (let i = 0; i < 10_000; i++) state = state.append({ chatHistory: msg(`m${i}`) });
    const after = stateStorageStats();
    assert.equal(state.get("chatHistory").length, 10_000);
    assert.ok(after.copies - before.copies <= 1, `copies: ${after.copies - before.copies}`);
    assert.ok(after.copiedItems - before.copiedItems <= 0, `copied items: ${after.copiedItems - before.copiedItems}`);
  });

  it("an append after the history was read copies once, then shares again", () => {
    let state = new State().extend({ h: Array.from({ length: 1000 }, (_, i) => i) });
    state.get("h");
    const before = stateStorageStats();
    for (let i = 0; i < 100; i++) state = state.append({ h: i });
    const after = stateStorageStats();
    assert.equal(after.copies - before.copies, 1);
    assert.equal(after.copiedItems - before.copiedItems, 1000);
  });

  it("untouched values are shared by identity between states", () => {
    const big = { items: Array.from({ length: 100 }, (_, i) => ({ i })) };
    const one = new State<StateValues>({ big, n: 0 });
    const two = one.increment({ n: 1 }).update({ other: "x" });
    assert.equal(two.get("big"), one.get("big"));
  });
});

describe("State entry checks for values that cannot be serialized", () => {
  const cases: Array<[string, unknown, RegExp]> = [
    ["a function", () => 1, /is a function/],
    ["a symbol", Symbol("s"), /is a symbol/],
    ["NaN", Number.NaN, /NaN/],
    ["Infinity", Number.POSITIVE_INFINITY, /Infinity/],
    ["an unregistered class instance", new (class Thing {})(), /instance of Thing.*registerSerde/],
    ["a subclass of a stored type", new (class Dates extends Map {})(), /instance of Dates.*registerSerde/],
    ["a function inside a Map", new Map([["k", () => 1]]), /bad\.get\("k"\) is a function/],
  ];
  for (const [what, value, pattern] of cases) {
    it(`rejects ${what} in update, naming the key`, () => {
      assert.throws(
        () => new State().update({ bad: value }),
        (error: unknown) => error instanceof UnserializableValueError && error.key === "bad" && pattern.test(error.message),
      );
    });
  }

  it("names the path inside a nested value", () => {
    assert.throws(
      () => new State().append({ chatHistory: { role: "user", meta: { tools: [1, () => 2] } } }),
      (error: unknown) => error instanceof UnserializableValueError && error.path === "chatHistory.meta.tools[1]" && /State\.append/.test(error.message),
    );
  });

  it("rejects undefined at the top level and inside arrays, allows it as an object field", () => {
    assert.throws(() => new State().update({ x: undefined }), /undefined.*null.*wipe/s);
    assert.throws(() => new State().update({ x: [1, undefined] }), /x\[1\] is undefined inside an array/);
    assert.deepEqual(new State().update({ x: { a: 1, b: undefined } }).serialize(), { x: { a: 1, b: undefined } });
  });

  it("rejects a cycle", () => {
    const loop: Record<string, unknown> = { a: 1 };
    loop.self = loop;
    assert.throws(() => new State({ loop }), /cycle/);
  });

  it("checks extend items and constructor values too", () => {
    assert.throws(() => new State().extend({ h: [1, () => 0] }), (e: unknown) => e instanceof UnserializableValueError && /extend \(item 1\)/.test((e as Error).message));
    assert.throws(() => new State({ f: () => 0 }), /constructor/);
  });

  it("a rejected operation leaves the state as it was", () => {
    const state = new State<StateValues>({ a: 1 });
    assert.throws(() => state.update({ a: 2, b: () => 0 }));
    assert.deepEqual(state.getAll(), { a: 1 });
  });
});

describe("State serialization", () => {
  it("round-trips through serialize/deserialize and JSON text", () => {
    const state = new State<StateValues>({ n: 1, s: "x", b: false, z: null, nested: { list: [1, { deep: "y" }] } }).append({ h: msg("a") });
    const json = state.serialize();
    assert.deepEqual(State.deserialize(json).getAll(), state.getAll());
    const text = JSON.stringify(state);
    assert.deepEqual(State.deserialize(text).getAll(), state.getAll());
    assert.deepEqual(JSON.parse(text), json);
  });

  it("deserialize rejects a non-object with a clear message", () => {
    assert.throws(() => State.deserialize("[1,2]"), /JSON object/);
  });
});

describe("diffStates", () => {
  const start = new State<Chat>({ chatHistory: [msg("a")], prompt: "p", count: 0 }).append({ chatHistory: msg("b") });

  it("reports only the appended items for an append", () => {
    const after = start.append({ chatHistory: msg("c") }).update({ prompt: "q" });
    assert.deepEqual(diffStates(start, after), { set: { prompt: "q" }, appended: { chatHistory: [msg("c")] }, deleted: [] });
  });

  it("reports deletions and new keys", () => {
    const after = start.wipe({ delete: ["prompt"] }).update({ safe: true });
    assert.deepEqual(diffStates(start, after), { set: { safe: true }, appended: {}, deleted: ["prompt"] });
  });

  it("reports nothing for an unchanged state", () => {
    assert.deepEqual(diffStates(start, start.update({ prompt: "p" }).update({})), { set: {}, appended: {}, deleted: [] });
    assert.deepEqual(diffStates(start, start.subset("chatHistory", "prompt", "count")), { set: {}, appended: {}, deleted: [] });
  });

  it("still reports appends after the history was read (copy keeps lineage)", () => {
    start.get("chatHistory");
    const after = start.append({ chatHistory: msg("c") }).append({ chatHistory: msg("d") });
    assert.deepEqual(diffStates(start, after).appended, { chatHistory: [msg("c"), msg("d")] });
  });

  it("reports appends to an array given to the constructor or update as appended", () => {
    const initial = new State<StateValues>({ h: [1] });
    assert.deepEqual(diffStates(initial, initial.append({ h: 2 }).append({ h: 3 })), { set: {}, appended: { h: [2, 3] }, deleted: [] });
    const replaced = initial.update({ h: [7] });
    assert.deepEqual(diffStates(initial, replaced.append({ h: 8 })), { set: { h: [7, 8] }, appended: {}, deleted: [] });
  });

  it("reports a replaced history (a branch, not an append) as set", () => {
    const older = new State().append({ h: 1 });
    const newer = older.append({ h: 2 });
    const branch = older.append({ h: 3 });
    assert.deepEqual(diffStates(newer, branch), { set: { h: [1, 3] }, appended: {}, deleted: [] });
  });
});

// Values beyond JSON in state: the built-ins, registerSerde, Burr's
// `__burr_serde__` tag on disk, and the errors for what still cannot be stored.
// The first block ports Burr's tests/core/test_serde.py.
import assert from "node:assert/strict";
import {
  ConfigurationError,
  SERDE_KEY,
  State,
  StoredValueError,
  UnserializableValueError,
  ApplicationBuilder,
  ActionError,
  action,
  deserializeValue,
  diffStates,
  registerSerde,
  serializeValue,
} from "burr-ts";

class Money {
  constructor(
    readonly amount: number,
    readonly currency: string,
  ) {}
}
registerSerde({
  key: "test.Money",
  type: Money,
  serialize: (m) => ({ amount: m.amount, currency: m.currency }),
  deserialize: (v: { amount: number; currency: string }) => new Money(v.amount, v.currency),
});

const roundTrip = (state: State) => State.deserialize(JSON.parse(JSON.stringify(state.serialize())) as Record<string, unknown>);

describe("serde (Burr's tests/core/test_serde.py)", () => {
  it("serializes primitive types as themselves", () => {
    assert.equal(serializeValue(1), 1);
    assert.equal(serializeValue(1.0), 1.0);
    assert.equal(serializeValue("test"), "test");
    assert.equal(serializeValue(true), true);
  });
  it("serializes lists and dicts element-wise", () => {
    assert.deepEqual(serializeValue([1, 2, 3]), [1, 2, 3]);
    assert.deepEqual(serializeValue(["a", "b", "c"]), ["a", "b", "c"]);
    assert.deepEqual(serializeValue({ key: "value" }), { key: "value" });
    assert.deepEqual(serializeValue({ key1: 1, key2: 2 }), { key1: 1, key2: 2 });
  });
  it("deserializes primitives, lists and dicts as themselves", () => {
    assert.equal(deserializeValue(1), 1);
    assert.equal(deserializeValue("test"), "test");
    assert.equal(deserializeValue(true), true);
    assert.deepEqual(deserializeValue([1, 2, 3]), [1, 2, 3]);
    assert.deepEqual(deserializeValue({ key1: 1, key2: 2 }), { key1: 1, key2: 2 });
  });
  it("a tag with no registered serde is an error naming the key (Burr: ValueError)", () => {
    assert.throws(() => deserializeValue({ [SERDE_KEY]: "nonexistent_key" }), (e: unknown) => e instanceof StoredValueError && /"nonexistent_key".*registerSerde/.test(e.message));
  });
  it("a registered key dispatches to its deserializer", () => {
    const stored = serializeValue(new Money(5, "EUR"));
    assert.deepEqual(stored, { [SERDE_KEY]: "test.Money", value: { amount: 5, currency: "EUR" } });
    assert.deepEqual(deserializeValue(stored), new Money(5, "EUR"));
  });
});

describe("State values beyond JSON", () => {
  it("stores each built-in tagged as Burr tags values, and reads every one back exactly", () => {
    const state = new State({
      at: new Date("2026-01-02T03:04:05.678Z"),
      invalid: new Date(Number.NaN),
      lookup: new Map<unknown, unknown>([["a", 1], [2, { when: new Date(0) }], [{ composite: true }, [1n]]]),
      seen: new Set(["x", "y"]),
      big: 123456789012345678901234567890n,
      bytes: new Uint8Array([0, 1, 254, 255]),
      link: new URL("https://example.org/a?b=c#d"),
      pattern: /^a+\/b$/gimsuy,
      price: new Money(3, "EUR"),
    });
    const stored = JSON.parse(JSON.stringify(state)) as Record<string, Record<string, unknown>>;
    assert.deepEqual(stored.at, { [SERDE_KEY]: "Date", value: "2026-01-02T03:04:05.678Z" });
    assert.deepEqual(stored.big, { [SERDE_KEY]: "BigInt", value: "123456789012345678901234567890" });
    assert.deepEqual(stored.pattern, { [SERDE_KEY]: "RegExp", value: { source: "^a+\\/b$", flags: "gimsuy" } });
    const back = State.deserialize(stored);
    const all = back.getAll();
    // (deepEqual calls two invalid Dates different, so that one is checked below.)
    assert.deepEqual({ ...all, invalid: null }, { ...state.getAll(), invalid: null });
    assert.equal((all.at as Date).getTime(), Date.parse("2026-01-02T03:04:05.678Z"));
    assert.ok(Number.isNaN((all.invalid as Date).getTime()));
    assert.ok(all.lookup instanceof Map && all.seen instanceof Set && all.link instanceof URL && all.price instanceof Money);
    assert.equal(typeof all.big, "bigint");
  });

  it("keeps pure-JSON values shared, uncopied, when state is serialized", () => {
    const history = [{ role: "user", content: "hi" }];
    const state = new State({ history, at: new Date(0) });
    assert.equal(state.serialize().history, state.get("history"));
  });

  it("finds a Date appended deep inside a list and stores only what changed in a step's delta", () => {
    const before = new State<{ log: Array<{ text: string; at?: Date }> }>({ log: [{ text: "a" }] });
    const after = before.append({ log: { text: "b", at: new Date(7) } });
    const back = roundTrip(after);
    assert.deepEqual(back.get("log"), [{ text: "a" }, { text: "b", at: new Date(7) }]);
    assert.deepEqual(diffStates(before, after).appended, { log: [{ text: "b", at: new Date(7) }] });
  });

  it("refuses a plain object carrying the reserved tag field, pointing at State.deserialize", () => {
    assert.throws(
      () => new State().update({ x: { nested: { [SERDE_KEY]: "Date", value: "2026-01-01" } } }),
      (e: unknown) => e instanceof UnserializableValueError && e.path === "x.nested" && /State\.deserialize/.test(e.message),
    );
  });

  it("refuses cycles through a Map and functions inside a Set, naming the path", () => {
    const m = new Map<string, unknown>();
    m.set("self", m);
    assert.throws(() => new State({ m }), (e: unknown) => e instanceof UnserializableValueError && /cycle/.test(e.message));
    assert.throws(() => new State({ s: new Set([1, () => 2]) }), (e: unknown) => e instanceof UnserializableValueError && e.path === "s.values()[1]");
  });

  it("an action that puts a function into state fails naming the app, the action, the key and the path", async () => {
    const bad = action({ writes: ["meta"] }, (state) => state.update({ meta: new Map([["cb", () => 1]]) }));
    const app = new ApplicationBuilder().withActions({ bad }).withTransitions().withEntrypoint("bad").withIdentifiers({ appId: "serde-app" }).build();
    await assert.rejects(app.step(), (e: unknown) => {
      assert.ok(e instanceof ActionError);
      assert.match(e.message, /app "serde-app"/);
      assert.match(e.message, /action "bad"/);
      assert.match(e.message, /meta\.get\("cb"\) is a function/);
      return true;
    });
  });

  it("a value mutated after it entered state is caught when stored, not written wrong", () => {
    const m = new Map<string, unknown>([["a", 1]]);
    const state = new State({ m });
    m.set("fn", () => 1);
    assert.throws(() => state.serialize(), (e: unknown) => e instanceof StoredValueError && e.path === 'm.get("fn")');
  });

  it("untrusted stored values: bad tags, bad payloads and deep nesting are clear errors", () => {
    const cases: Array<[unknown, RegExp]> = [
      [{ [SERDE_KEY]: 5 }, /not a string/],
      [{ [SERDE_KEY]: "Date", value: "not a date" }, /stored Date that cannot be read back/],
      [{ [SERDE_KEY]: "Date", value: 5 }, /ISO date string/],
      [{ [SERDE_KEY]: "Map", value: [[1]] }, /\[key, value\] pair/],
      [{ [SERDE_KEY]: "BigInt", value: "1e5" }, /decimal integer/],
      [{ [SERDE_KEY]: "Uint8Array", value: "@@" }, /base64/],
      [{ [SERDE_KEY]: "URL", value: "not a url" }, /URL/],
      [{ [SERDE_KEY]: "RegExp", value: { source: "(", flags: "" } }, /RegExp/],
    ];
    for (const [stored, pattern] of cases) {
      assert.throws(() => State.deserialize({ k: stored }), (e: unknown) => e instanceof StoredValueError && e.key === "k" && pattern.test(e.message), String(pattern));
    }
    let deep: unknown = 1;
    for (let i = 0; i < 5000; i++) deep = [deep];
    assert.throws(() => State.deserialize({ deep }), (e: unknown) => e instanceof StoredValueError && /levels deep/.test(e.message));
    const hostile = JSON.parse('{"x": {"__proto__": {"polluted": true}, "ok": {"__burr_serde__": "Date", "value": "2026-01-01T00:00:00.000Z"}}}') as Record<string, unknown>;
    const loaded = State.deserialize(hostile).get("x") as Record<string, unknown>;
    assert.equal(Object.getPrototypeOf(loaded), Object.prototype);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    assert.ok(loaded.ok instanceof Date);
  });

  it("reads Python Burr's spread-field tags (pydantic style) into a registered class", () => {
    class User {
      constructor(readonly name: string) {}
    }
    registerSerde({ key: "test.pydantic", type: User, serialize: (u) => ({ name: u.name, __pydantic_class: "app.User" }), deserialize: (v: { name: string; __pydantic_class: string }) => new User(v.name) });
    const loaded = State.deserialize({ user: { [SERDE_KEY]: "test.pydantic", name: "Ada", __pydantic_class: "app.User" } });
    assert.deepEqual(loaded.get("user"), new User("Ada"));
  });

  it("registerSerde refuses clashes and bad specs with a clear ConfigurationError", () => {
    class Other {}
    assert.throws(() => registerSerde({ key: "Date", type: Other, serialize: () => 1, deserialize: () => new Other() }), (e: unknown) => e instanceof ConfigurationError && /built-in/.test(e.message));
    assert.throws(() => registerSerde({ key: "test.Money", type: Other, serialize: () => 1, deserialize: () => new Other() }), /already registered for class Money/);
    assert.throws(() => registerSerde({ key: "x.map", type: Map, serialize: () => 1, deserialize: () => new Map() }), /stored by a built-in as "Map"/);
    assert.throws(() => registerSerde({ key: "", type: Other, serialize: () => 1, deserialize: () => new Other() }), /non-empty string/);
    // A reloaded module's class of the same name replaces the entry; the old class still stores.
    const Old = Money;
    class Reloaded extends Object {}
    Object.defineProperty(Reloaded, "name", { value: "Money" });
    registerSerde({ key: "test.Money", type: Reloaded, serialize: () => ({ amount: 0, currency: "X" }), deserialize: () => new Reloaded() });
    assert.deepEqual(serializeValue(new Old(1, "EUR")), { [SERDE_KEY]: "test.Money", value: { amount: 1, currency: "EUR" } });
    registerSerde({
      key: "test.Money",
      type: Money,
      serialize: (m) => ({ amount: m.amount, currency: m.currency }),
      deserialize: (v: { amount: number; currency: string }) => new Money(v.amount, v.currency),
    });
  });
});

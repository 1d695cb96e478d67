import assert from "node:assert/strict";
import { ActionError, ApplicationBuilder, MissingWriteError, UndeclaredReadError, UndeclaredWriteError, action, type ActionBase } from "burr-ts";

function single(act: ActionBase, state: Record<string, unknown> = {}) {
  return new ApplicationBuilder()
    .withActions({ act })
    .withTransitions(["act", "act"])
    .withState(state)
    .withEntrypoint("act")
    .withIdentifiers({ appId: "checks" })
    .build();
}

// The checks are made at run time for untyped code; the casts below stand in
// for JavaScript callers or values TypeScript cannot see through.
type Loose = { get(k: string): unknown; has(k: string): boolean; update(v: Record<string, unknown>): never; wipe(w: { delete: string[] }): never };

describe("runtime: read and write checks", () => {
  it("reading a key the action did not declare fails naming action and key; state is kept", async () => {
    const peek = action({ reads: ["a"], writes: ["b"] }, (state) => state.update({ b: (state as unknown as Loose).get("secret") }));
    const app = single(peek, { a: 1, secret: 2 });
    await assert.rejects(app.step(), (e: unknown) => {
      assert.ok(e instanceof UndeclaredReadError);
      assert.equal(e.action, "act");
      assert.equal(e.key, "secret");
      assert.equal(e.appId, "checks");
      assert.equal(e.sequenceId, 0);
      assert.match(e.message, /Action "act" read state key "secret" that it does not declare in reads. Add "secret" to its reads/);
      return true;
    });
    assert.equal(app.state.has("b"), false);
  });

  it("has() on an undeclared key is a read too", async () => {
    const probe = action({ writes: ["b"] }, (state) => state.update({ b: (state as unknown as Loose).has("a") }));
    await assert.rejects(single(probe, { a: 1 }).step(), UndeclaredReadError);
  });

  it("declared reads are readable, and getAll() shows only them", async () => {
    let all: Record<string, unknown> = {};
    const ok = action({ reads: ["a"], writes: ["b"] }, (state) => {
      all = (state as unknown as { getAll(): Record<string, unknown> }).getAll();
      return state.update({ b: state.get("a") + 1 });
    });
    const r = await single(ok, { a: 1, hidden: 3 }).step();
    assert.equal(r?.state.get("b"), 2);
    assert.deepEqual(all, { a: 1 });
  });

  it("writing a key the action did not declare fails naming action and key", async () => {
    const sneaky = action({ writes: ["b"] }, (state) => (state as unknown as Loose).update({ b: 1, c: 2 }));
    const app = single(sneaky);
    await assert.rejects(app.step(), (e: unknown) => {
      assert.ok(e instanceof UndeclaredWriteError);
      assert.equal(e.key, "c");
      assert.match(e.message, /Action "act" wrote state key "c" that it does not declare in writes/);
      return true;
    });
    assert.equal(app.state.has("b"), false, "the state before the step is kept");
  });

  it("overwriting an existing undeclared key is caught too (Burr misses this one)", async () => {
    const sneaky = action({ writes: ["b"] }, (state) => (state as unknown as Loose).update({ b: 1, c: 9 }));
    await assert.rejects(single(sneaky, { c: 1 }).step(), UndeclaredWriteError);
  });

  it("deleting an undeclared key is an undeclared write", async () => {
    const wiper = action({ writes: ["b"] }, (state) => (state as unknown as Loose).wipe({ delete: ["c"] }));
    await assert.rejects(single(wiper, { b: 0, c: 1 }).step(), (e: unknown) => {
      assert.ok(e instanceof UndeclaredWriteError);
      assert.equal(e.key, "c");
      assert.match(e.message, /Action "act" deleted state key "c" \(with wipe\) but does not declare it in writes; deleting a key is a write. Add "c" to its writes/);
      assert.match(e.message, /app "checks"/);
      return true;
    });
  });

  it("a declared write missing from the returned state fails naming it (as Burr)", async () => {
    const lazy = action({ writes: ["b", "c"] }, (state) => state.update({ b: 1 }));
    await assert.rejects(single(lazy).step(), (e: unknown) => {
      assert.ok(e instanceof MissingWriteError);
      assert.equal(e.key, "c");
      assert.match(e.message, /declares write "c" but the state it returned has no "c"/);
      return true;
    });
  });

  it("a declared write already present from before is satisfied (Burr checks presence)", async () => {
    const noop = action({ writes: ["b"] }, (state) => state);
    const r = await single(noop, { b: 1 }).step();
    assert.equal(r?.state.get("b"), 1);
  });

  it("returning the read-checked view itself keeps the state as it was", async () => {
    const same = action({ reads: ["a"], writes: [] }, (state) => [{ a: state.get("a") }, state]);
    const app = single(same, { a: 1 });
    const before = app.state;
    const r = await app.step();
    assert.equal(r?.state, before);
  });

  it("wiping a declared write is allowed when it is then set again", async () => {
    const reset = action({ reads: [], writes: ["b"] }, (state) => state.wipe({ delete: ["b"] }).update({ b: 0 }));
    assert.equal((await single(reset, { b: 5 }).step())?.state.get("b"), 0);
  });

  it("a value state cannot serialize is caught in the action that puts it in, naming action and key", async () => {
    const leaky = action({ writes: ["handle"] }, (state) => (state as unknown as Loose).update({ handle: { close: () => undefined } }));
    await assert.rejects(single(leaky).step(), (e: unknown) => {
      assert.ok(e instanceof ActionError);
      assert.equal(e.action, "act");
      assert.match(e.message, /handle/);
      assert.match(e.message, /function/);
      return true;
    });
  });
});

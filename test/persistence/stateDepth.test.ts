// Values nested deeper than MAX_STATE_DEPTH are refused where they enter state,
// naming the action, key and path; the app never gets ahead of what is stored.
import { strict as assert } from "node:assert";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ActionError, ApplicationBuilder, MAX_STATE_DEPTH, SQLitePersister, State, UnserializableValueError, action } from "burr-ts";

function nested(levels: number, leaf: unknown = "leaf"): unknown {
  let v: unknown = leaf;
  for (let i = 0; i < levels; i++) v = i % 2 ? { child: v } : [v];
  return v;
}

describe("state depth limit", function () {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), "burr-depth-"))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("accepts a value exactly MAX_STATE_DEPTH deep, and SQLite saves and loads it", async () => {
    const value = nested(MAX_STATE_DEPTH);
    const state = new State({ tree: value });
    const p = new SQLitePersister({ dbPath: join(dir, "s.db") });
    await p.save({ partitionKey: null, appId: "a", sequenceId: 0, position: "x", state, status: "completed" });
    assert.deepEqual((await p.load(null, "a"))!.state.get("tree"), value);
    await p.close();
  });

  it("counts Maps and Sets as levels too: nesting through serde containers is refused alike", () => {
    let v: unknown = "leaf";
    for (let i = 0; i < MAX_STATE_DEPTH + 5; i++) v = i % 2 ? new Map([["child", v]]) : new Set([v]);
    assert.throws(() => new State({}).update({ tree: v }), (e: unknown) => e instanceof UnserializableValueError && /key "tree"/.test(e.message) && /levels deep/.test(e.message));
  });

  for (const levels of [MAX_STATE_DEPTH + 1, 5000, 200_000]) {
    it(`refuses a value ${levels} levels deep with the key and the path, without overflowing the stack`, () => {
      const err = (() => {
        try {
          new State({}).update({ tree: nested(levels) });
          return null;
        } catch (e) {
          return e;
        }
      })();
      assert.ok(err instanceof UnserializableValueError, `got ${String(err)}`);
      assert.match(err.message, /key "tree"/);
      assert.match(err.message, new RegExp(`more than ${MAX_STATE_DEPTH} levels`));
      assert.match(err.message, /tree(\.child|\[0\])+…/);
    });
  }

  it("an action writing a too-deep value fails naming the action, key and path; what is stored matches the app", async () => {
    const p = new SQLitePersister({ dbPath: join(dir, "app.db") });
    const deep = action({ reads: [], writes: ["tree"] }, (state) => [{}, state.update({ tree: nested(5000) })]);
    const fine = action({ reads: [], writes: ["count"] }, (state) => [{}, state.update({ count: 1 })]);
    const app = await new ApplicationBuilder()
      .withActions({ fine, deep })
      .withTransitions(["fine", "deep"], ["deep", "fine"])
      .withIdentifiers({ appId: "deep-app" })
      .withStatePersister(p)
      .initializeFrom(p, { resumeAtNextAction: true, defaultState: {}, defaultEntrypoint: "fine" })
      .build();
    await app.step();
    const err = await app.step().then(() => null, (e: unknown) => e);
    assert.ok(err instanceof ActionError, `got ${String(err)}`);
    assert.match(err.message, /action "deep"/);
    assert.match(err.message, /key "tree"/);
    assert.match(err.message, /tree(\.child|\[0\])+…/);
    const stored = await p.load(null, "deep-app");
    assert.equal(stored!.sequenceId, app.sequenceId);
    assert.equal(stored!.status, "failed");
    assert.deepEqual(stored!.state.serialize(), app.state.serialize());
    await p.close();
  });
});

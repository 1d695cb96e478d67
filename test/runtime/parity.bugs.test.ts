// Burr parity, the bugs a ported Burr program hits first: deleting a key is a
// write (Burr's test__run_reducer_deletes_state, test__run_single_step_action_deletes_state),
// build() rejects a redundant default (test_graph's redundant-transition case),
// every unknown halt name at once (test__validate_halt_conditions), build warnings.
import assert from "node:assert/strict";
import {
  Action,
  ApplicationBuilder,
  ConfigurationError,
  InvalidGraphError,
  Result,
  State,
  UndeclaredWriteError,
  action,
  expr,
  mapStates,
  streamingAction,
  type ActionBase,
} from "burr-ts";

function single(act: ActionBase, state: Record<string, unknown>, appId = "deleter") {
  return new ApplicationBuilder()
    .withActions({ act })
    .withTransitions(["act", "act"])
    .withState(state)
    .withEntrypoint("act")
    .withIdentifiers({ appId })
    .build();
}

/** Captures console.warn while `fn` runs. */
function captureWarnings<T>(fn: () => T): { value: T; warnings: string[] } {
  const warnings: string[] = [];
  const original = console.warn;
  console.warn = (...args: unknown[]) => void warnings.push(args.map(String).join(" "));
  try {
    return { value: fn(), warnings };
  } finally {
    console.warn = original;
  }
}

describe("parity: deleting a key is a write", () => {
  it("a function action deletes a declared key with wipe({ delete })", async () => {
    const del = action({ reads: ["toDelete"], writes: ["toDelete"] }, (state) => state.wipe({ delete: ["toDelete"] }));
    const app = single(del, { toDelete: 0, other: 1 });
    const r = await app.step();
    assert.equal(r?.state.has("toDelete"), false);
    assert.equal(app.state.has("toDelete"), false);
    assert.equal(app.state.get("other"), 1, "undeleted keys stay");
  });

  it("wipe({ keep }) deletes every other key, each of which must be a declared write", async () => {
    const keepOnly = action({ reads: ["a"], writes: ["b", "c"] }, (state) => (state as unknown as State).wipe({ keep: ["a"] }) as never);
    const app = single(keepOnly, { a: 1, b: 2, c: 3 });
    await app.step();
    assert.deepEqual(app.state.getAll(), { a: 1 });
    const sloppy = action({ reads: ["a"], writes: ["b"] }, (state) => (state as unknown as State).wipe({ keep: ["a"] }) as never);
    await assert.rejects(single(sloppy, { a: 1, b: 2, c: 3 }, "sloppy").step(), (e: unknown) => {
      assert.ok(e instanceof UndeclaredWriteError);
      assert.equal(e.key, "c");
      assert.equal(e.appId, "sloppy");
      assert.match(e.message, /deleted state key "c".*deleting a key is a write. Add "c" to its writes/);
      return true;
    });
  });

  it("a declared write that is neither present before nor after is still missing", async () => {
    const del = action({ writes: ["gone"] }, (state) => state.wipe({ delete: ["gone"] }));
    await assert.rejects(single(del, {}).step(), /declares write "gone" but the state it returned has no "gone"/);
  });

  it("a class action deletes in update()", async () => {
    class Forget extends Action {
      readonly reads = ["secret"];
      readonly writes = ["secret"];
      run(): Record<string, unknown> {
        return {};
      }
      update(_result: Record<string, unknown>, state: State): State {
        return state.wipe({ delete: ["secret"] });
      }
    }
    const app = single(new Forget(), { secret: "s3cr3t" });
    await app.step();
    assert.equal(app.state.has("secret"), false);
  });

  it("a streaming action deletes in its final state", async () => {
    const stream = streamingAction({ reads: ["draft"], writes: ["draft", "final"] }, function* (state) {
      yield { partial: state.get("draft") };
      return [{}, state.update({ final: state.get("draft") }).wipe({ delete: ["draft"] })];
    });
    const app = single(stream, { draft: "hello" });
    const { container } = await startAndDrain(app);
    assert.equal(container, "hello");
    assert.deepEqual(app.state.getAll(), { final: "hello" });
  });

  it("a parallel action's reduce may delete the keys it fanned out over", async () => {
    const square = action({ reads: ["n"], writes: ["square"] }, (s) => s.update({ square: s.get("n") * s.get("n") }));
    const fan = mapStates({
      reads: ["numbers"],
      writes: ["numbers", "total"],
      action: square,
      states: (state) => (state.get("numbers") as number[]).map((n) => ({ n })),
      reduce: (state, states) =>
        state.update({ total: states.reduce((sum, s) => sum + (s.get("square") as number), 0) }).wipe({ delete: ["numbers"] }),
    });
    const app = single(fan, { numbers: [1, 2, 3] });
    await app.step();
    assert.deepEqual(app.state.getAll(), { total: 14 });
  });
});

async function startAndDrain(app: ReturnType<typeof single>): Promise<{ container: unknown }> {
  const { container } = await app.streamResult({ haltAfter: ["act"] });
  let first: unknown;
  for await (const partial of container) first ??= (partial as { partial: unknown }).partial;
  await container.get();
  return { container: first };
}

describe("parity: build() rejects what Burr rejects, all at once", () => {
  const a = action({ writes: ["x"] }, (s) => s.update({ x: 1 }));
  const b = action({ writes: ["y"] }, (s) => s.update({ y: 1 }));

  it("a second unconditional transition from the same action is an error listed with the others", () => {
    const build = () =>
      new ApplicationBuilder()
        .withActions({ a, b })
        .withTransitions(["a", "b"], ["a", "a"], ["b", "nope"])
        .withEntrypoint("a")
        .withIdentifiers({ appId: "redundant" })
        .build();
    assert.throws(build, (e: unknown) => {
      assert.ok(e instanceof InvalidGraphError);
      assert.equal(e.appId, "redundant");
      assert.deepEqual(e.problems.map((p) => p.code).sort(), ["redundant-default", "unknown-action"]);
      assert.match(e.message, /transition a → a is redundant: action "a" already has an unconditional transition \(a → b\)/);
      return true;
    });
  });

  it("Burr's test__validate_transitions_redundant_transition", () => {
    const counter = action({ reads: ["count"], writes: ["count"] }, (s) => s.update({ count: s.get("count") + 1 }));
    const build = () =>
      new ApplicationBuilder()
        .withActions({ counter, result: Result("count") })
        .withTransitions(["counter", "counter", expr("count < 10")], ["counter", "result"], ["counter", "counter"])
        .withState({ count: 0 })
        .withEntrypoint("counter")
        .build();
    assert.throws(build, /redundant/);
  });

  it("every unknown haltBefore/haltAfter name is reported in one error (Burr's test__validate_halt_conditions)", async () => {
    const app = new ApplicationBuilder().withActions({ a, b }).withTransitions(["a", "b"]).withEntrypoint("a").withIdentifiers({ appId: "halts" }).build({ warnings: "silent" });
    await assert.rejects(app.run({ haltAfter: ["no_exist_1"], haltBefore: ["no_exist_2", "*"] }), (e: unknown) => {
      assert.ok(e instanceof ConfigurationError);
      assert.equal(e.appId, "halts");
      assert.match(e.message, /3 problems/);
      assert.match(e.message, /haltBefore names action "no_exist_2"/);
      assert.match(e.message, /haltBefore cannot hold "\*"/);
      assert.match(e.message, /haltAfter names action "no_exist_1", which the app does not have. Its actions are: a, b/);
      return true;
    });
  });
});

describe("parity: validator warnings at build()", () => {
  const a = action({ reads: ["missing"], writes: ["x"] }, (s) => s.update({ x: s.get("missing") }));
  const orphan = action({ writes: ["y"] }, (s) => s.update({ y: 1 }));
  const builder = () =>
    new ApplicationBuilder().withActions({ a, orphan }).withTransitions(["a", "a"]).withEntrypoint("a").withIdentifiers({ appId: "warned" });

  it("prints every warning once per built app through console.warn", () => {
    const { warnings } = captureWarnings(() => builder().build());
    assert.equal(warnings.length, 1, "one console.warn per build");
    assert.match(warnings[0], /2 warnings/);
    assert.match(warnings[0], /\[unreachable-action\] App "warned": action "orphan" can never run/);
    assert.match(warnings[0], /\[never-written\] App "warned": action "a" reads state key "missing"/);
    assert.match(warnings[0], /build\(\{ warnings: "silent" \}\)/);
    assert.equal(captureWarnings(() => builder().build()).warnings.length, 1, "a second app warns again, once");
  });

  it('build({ warnings: "silent" }) prints nothing; "throw" makes them errors', async () => {
    assert.deepEqual(captureWarnings(() => builder().build({ warnings: "silent" })).warnings, []);
    assert.throws(
      () => builder().build({ warnings: "throw" }),
      (e: unknown) => e instanceof InvalidGraphError && e.problems.map((p) => p.code).sort().join() === "never-written,unreachable-action",
    );
    assert.throws(() => builder().build({ warnings: "loud" as never }), /takes "warn", "silent" or "throw", got "loud"/);
  });

  it("apps spawned by a step (parallel children, built every step) are quiet unless asked", () => {
    const spawned = () => builder().withSpawningParent({ appId: "parent", sequenceId: 3 });
    assert.deepEqual(captureWarnings(() => spawned().build()).warnings, []);
    assert.equal(captureWarnings(() => spawned().build({ warnings: "warn" })).warnings.length, 1);
  });

  it("a clean app prints nothing", () => {
    const clean = new ApplicationBuilder().withActions({ orphan }).withTransitions(["orphan", "orphan"]).withEntrypoint("orphan");
    assert.deepEqual(captureWarnings(() => clean.build()).warnings, []);
  });
});

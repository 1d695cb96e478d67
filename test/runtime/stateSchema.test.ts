// withStateSchema over Standard Schema: zod 4, valibot and arktype each check
// every step's writes before commit, the initial state and state loaded by
// initializeFrom; a failure names the app, the action, the key and the
// schema's message, and the step is not committed.
import { strict as assert } from "node:assert";
import { type } from "arktype";
import * as v from "valibot";
import { z } from "zod";
import {
  ApplicationBuilder,
  ConfigurationError,
  InMemoryPersister,
  State,
  StateValidationError,
  action,
  type StandardSchemaV1,
} from "burr-ts";

const schemas: Array<[string, StandardSchemaV1]> = [
  ["zod", z.object({ count: z.number().int().max(3), log: z.array(z.object({ at: z.date(), note: z.string() })), label: z.string().optional() })],
  ["valibot", v.object({ count: v.pipe(v.number(), v.integer(), v.maxValue(3)), log: v.array(v.object({ at: v.date(), note: v.string() })), label: v.optional(v.string()) })],
  ["arktype", type({ count: "number.integer <= 3", log: type({ at: "Date", note: "string" }).array(), "label?": "string" })],
  // No introspectable keys: the whole-object path (a wrapper exposing only ~standard).
  ["zod, opaque", { "~standard": z.object({ count: z.number().int().max(3), log: z.array(z.object({ at: z.date(), note: z.string() })), label: z.string().optional() })["~standard"] }],
];

const inc = action({ reads: ["count"], writes: ["count", "log"] }, (state) => {
  const count = (state.get("count") as number) + 1;
  return state.update({ count }).append({ log: { at: new Date(count), note: `n${count}` } });
});
const badNote = action({ reads: [], writes: ["log"] }, (state) => state.append({ log: { at: new Date(0), note: 42 as unknown as string } }));
const label = action({ reads: [], writes: ["label"] }, (state) => state.update({ label: "ok" }));

function build(schema: StandardSchemaV1, start: Record<string, unknown> = { count: 0, log: [] }, entry = "inc") {
  return new ApplicationBuilder()
    .withStateSchema(schema)
    .withActions({ inc, badNote, label })
    .withTransitions(["inc", "inc"], ["label", "inc"], ["badNote", "inc"])
    .withState(start)
    .withEntrypoint(entry)
    .withIdentifiers({ appId: "schema-app" })
    .build();
}

for (const [name, schema] of schemas) {
  describe(`withStateSchema (${name})`, () => {
    it("lets valid steps commit and stops the first write the schema rejects, naming app, action, key and message", async () => {
      const app = build(schema);
      for (let i = 0; i < 3; i++) await app.step();
      assert.equal(app.state.get("count"), 3);
      await assert.rejects(app.step(), (e: unknown) => {
        assert.ok(e instanceof StateValidationError, String(e));
        assert.equal(e.key, "count");
        assert.equal(e.action, "inc");
        assert.equal(e.appId, "schema-app");
        assert.match(e.message, /Action "inc" wrote state that fails the state schema:\n {2}- count: .*3/);
        assert.match(e.message, /app "schema-app".*action "inc".*key "count"/);
        return true;
      });
      // Not committed: the state and the sequence of steps are as before the failed step.
      assert.equal(app.state.get("count"), 3);
      assert.equal((app.state.get("log") as unknown[]).length, 3);
    });

    it("checks the items a step appends, with the path inside them", async () => {
      const app = build(schema, { count: 0, log: [] }, "badNote");
      await assert.rejects(app.step(), (e: unknown) => e instanceof StateValidationError && e.key === "log" && /log\[0\]\.note/.test(e.message) && /appended/.test(e.message));
      assert.deepEqual(app.state.get("log"), []);
    });

    it("checks optional keys when written and ignores keys the step did not write", async () => {
      const app = build(schema, { count: 0, log: [] }, "label");
      await app.step();
      assert.equal(app.state.get("label"), "ok");
    });

    it("rejects an initial state that does not match, at build()", () => {
      assert.throws(() => build(schema, { count: "zero", log: [] }), (e: unknown) => e instanceof StateValidationError && e.key === "count" && /The initial state/.test(e.message));
    });

    it("validates state loaded by initializeFrom", async () => {
      const persister = new InMemoryPersister();
      await persister.save({ partitionKey: null, appId: "old", sequenceId: 0, position: "inc", state: new State({ count: 99, log: [] }), status: "completed" });
      const loading = new ApplicationBuilder()
        .withStateSchema(schema)
        .withActions({ inc, badNote, label })
        .withTransitions(["inc", "inc"], ["label", "inc"], ["badNote", "inc"])
        .withIdentifiers({ appId: "old" })
        .initializeFrom(persister, { resumeAtNextAction: true, defaultState: { count: 0, log: [] }, defaultEntrypoint: "inc" })
        .build();
      await assert.rejects(loading, (e: unknown) => e instanceof StateValidationError && e.key === "count" && /loaded by initializeFrom \(step 0\)/.test(e.message));
    });
  });
}

describe("an action's own stateSchema (spec field)", () => {
  it("checks that action's writes, with or without an app schema, and names the action", async () => {
    const guarded = action({ reads: ["count"], writes: ["count"], stateSchema: z.object({ count: z.number().max(1) }) }, (state) => state.update({ count: (state.get("count") as number) + 1 }));
    const app = new ApplicationBuilder().withActions({ guarded }).withTransitions(["guarded", "guarded"]).withState({ count: 0 }).withEntrypoint("guarded").withIdentifiers({ appId: "own" }).build();
    await app.step();
    await assert.rejects(app.step(), (e: unknown) => e instanceof StateValidationError && e.action === "guarded" && e.key === "count");
    assert.equal(app.state.get("count"), 1);
    assert.throws(() => action({ writes: ["x"], stateSchema: {} as StandardSchemaV1 }, (s) => s), (e: unknown) => e instanceof ConfigurationError && /stateSchema/.test(e.message));
  });
});

describe("withStateSchema: async schemas and misuse", () => {
  it("awaits an async refinement before committing", async () => {
    const schema = z.object({ count: z.number().refine(async (n) => n < 2, "count must stay below 2"), log: z.array(z.unknown()) });
    const app = build(schema);
    await app.step();
    await assert.rejects(app.step(), (e: unknown) => e instanceof StateValidationError && /count must stay below 2/.test(e.message));
    assert.equal(app.state.get("count"), 1);
  });

  it("refuses something that is not a Standard Schema", () => {
    assert.throws(() => new ApplicationBuilder().withStateSchema({} as StandardSchemaV1), (e: unknown) => e instanceof ConfigurationError && /Standard Schema/.test(e.message));
  });

  it("types the builder's state from the schema (no type parameter)", async () => {
    const schema = z.object({ count: z.number(), log: z.array(z.object({ at: z.date(), note: z.string() })) });
    const builder = new ApplicationBuilder().withStateSchema(schema).withActions({ inc }).withTransitions(["inc", "inc"]).withEntrypoint("inc");
    // @ts-expect-error -- "count" is a number in the schema
    builder.withState({ count: "0" });
    const app = builder.withState({ count: 0, log: [] }).build();
    await app.step();
    const count: number = app.state.get("count");
    assert.equal(count, 1);
  });
});

// OpenTelemetry export through real SDK parts: a BasicTracerProvider with a
// SimpleSpanProcessor into an InMemorySpanExporter; the tree is read back
// from the finished spans (names, parent span ids, attributes, events).
import assert from "node:assert/strict";
import { AsyncLocalStorage } from "node:async_hooks";
import { ROOT_CONTEXT, SpanStatusCode, context, type Context, type ContextManager, type Tracer } from "@opentelemetry/api";
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan, type SpanProcessor } from "@opentelemetry/sdk-trace-base";
import { ActionError, ApplicationBuilder, action, mapStates, trace, type ActionContext, type LifecycleHooks } from "burr-ts";
import { OpenTelemetryHooks, type OpenTelemetryHooksOptions } from "burr-ts/opentelemetry";
import { buildChatbot, chat } from "../../examples/chatbot/app.js";
import { OfflineModel } from "../../examples/chatbot/model.js";
import { buildStreamingChatbot, streamTurn } from "../../examples/chatbot/streaming.js";

function otel(options: OpenTelemetryHooksOptions = {}, processors: SpanProcessor[] = []) {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [...processors, new SimpleSpanProcessor(exporter)] });
  const tracer = provider.getTracer("test");
  const hooks = new OpenTelemetryHooks({ tracer, ...options });
  return { exporter, tracer, hooks, spans: () => new SpanTree(exporter.getFinishedSpans()) };
}

class SpanTree {
  constructor(readonly all: ReadableSpan[]) {}
  named(name: string): ReadableSpan[] {
    return this.all.filter((s) => s.name === name);
  }
  one(name: string): ReadableSpan {
    const found = this.named(name);
    assert.equal(found.length, 1, `one span named ${name}, got ${found.length}`);
    return found[0];
  }
  parentOf(span: ReadableSpan): ReadableSpan | undefined {
    const id = span.parentSpanContext?.spanId;
    return id === undefined ? undefined : this.all.find((s) => s.spanContext().spanId === id);
  }
  childrenOf(span: ReadableSpan): ReadableSpan[] {
    return this.all.filter((s) => s.parentSpanContext?.spanId === span.spanContext().spanId).sort((a, b) => compareTime(a, b));
  }
  roots(): ReadableSpan[] {
    return this.all.filter((s) => s.parentSpanContext === undefined);
  }
}

function compareTime(a: ReadableSpan, b: ReadableSpan): number {
  return a.startTime[0] - b.startTime[0] || a.startTime[1] - b.startTime[1];
}

const stepNames = (tree: SpanTree, span: ReadableSpan) => tree.childrenOf(span).map((s) => s.name);

describe("runtime: OpenTelemetry export (burr-ts/opentelemetry)", () => {
  it("the chatbot: one trace per run, a span per step under it, the model span under its step", async () => {
    const { hooks, spans } = otel();
    const app = buildChatbot({ model: new OfflineModel(), appId: "otel-chat", partitionKey: "user-7", hooks: [hooks] });
    await chat(app, "Who was Aaron Burr?");
    await chat(app, "How do I do something unsafe?");

    const tree = spans();
    const runs = tree.named("burr.run").sort(compareTime);
    assert.equal(runs.length, 2);
    assert.deepEqual(tree.roots().sort(compareTime), runs, "each run is a root");
    assert.notEqual(runs[0].spanContext().traceId, runs[1].spanContext().traceId, "one trace per run");
    assert.deepEqual(runs[0].attributes, { "burr.app_id": "otel-chat", "burr.partition_key": "user-7", "burr.method": "run" });
    assert.deepEqual(stepNames(tree, runs[0]), ["humanInput", "safetyCheck", "aiResponse"]);
    assert.deepEqual(stepNames(tree, runs[1]), ["humanInput", "safetyCheck", "unsafeResponse"]);

    const [human, , ai] = tree.childrenOf(runs[0]);
    assert.deepEqual(human.attributes, {
      "burr.app_id": "otel-chat",
      "burr.partition_key": "user-7",
      "burr.sequence_id": 0,
      "burr.action": "humanInput",
      "burr.input_keys": ["prompt"],
    });
    assert.equal(ai.attributes["burr.sequence_id"], 2);
    assert.equal(ai.attributes["burr.input_keys"], undefined, "no inputs, no key list");
    assert.equal(tree.childrenOf(runs[1])[2].attributes["burr.sequence_id"], 5);

    const model = tree.one("model");
    assert.equal(tree.parentOf(model), ai);
    assert.deepEqual(model.attributes, {
      "burr.app_id": "otel-chat",
      "burr.partition_key": "user-7",
      "burr.sequence_id": 2,
      "burr.action": "aiResponse",
      "burr.span.uid": "2:0",
      model: "offline",
      messages: 1,
    });
    for (const s of tree.all) assert.equal(s.status.code, SpanStatusCode.UNSET, `${s.name} succeeded: status left unset`);
    assert.equal(tree.all.length, 2 + 6 + 2, "the traced model call is a span inside \"model\"");
  });

  it("captureInputs writes the step's inputs as JSON", async () => {
    const { hooks, spans } = otel({ captureInputs: true });
    await chat(buildChatbot({ model: new OfflineModel(), hooks: [hooks] }), "Who was Aaron Burr?");
    assert.equal(spans().one("humanInput").attributes["burr.inputs"], '{"prompt":"Who was Aaron Burr?"}');
  });

  it("a failing step: status ERROR with the action's own exception, its open tracer span ended, the run failed too", async () => {
    const { hooks, spans } = otel();
    const fails = action({ writes: ["x"] }, async (state, _inputs, { tracer }) => {
      await tracer.span("call", async () => {
        throw new TypeError("the model is down");
      });
      return state.update({ x: 1 });
    });
    const app = new ApplicationBuilder().withActions({ fails }).withTransitions(["fails", "fails"]).withEntrypoint("fails").withHooks(hooks).build();
    await assert.rejects(app.run(), ActionError);

    const tree = spans();
    const step = tree.one("fails");
    assert.equal(step.status.code, SpanStatusCode.ERROR);
    assert.equal(step.status.message, "the model is down");
    assert.equal(step.attributes["error.type"], "TypeError");
    const exception = step.events.find((e) => e.name === "exception");
    assert.equal(exception?.attributes?.["exception.type"], "TypeError");
    assert.equal(exception?.attributes?.["exception.message"], "the model is down");
    assert.match(String(exception?.attributes?.["exception.stacktrace"]), /opentelemetry\.test\.ts/);
    assert.equal(tree.parentOf(tree.one("call")), step, "the tracer span ended too, under its step");
    const run = tree.one("burr.run");
    assert.equal(tree.parentOf(step), run);
    assert.equal(run.status.code, SpanStatusCode.ERROR);
    assert.match(String(run.status.message), /the model is down/);
  });

  it("tracer spans and trace() nest by span uid; logged values become attributes (non-primitive ones as JSON)", async () => {
    const { hooks, spans } = otel();
    const lookup = trace(async function lookup(query: string, limit: number) {
      return { query, hits: limit };
    });
    const cyclic: Record<string, unknown> = { name: "loop" };
    cyclic.self = cyclic;
    const shared = { id: 1 };
    const work = action({ writes: ["done"] }, async (state, _inputs, { tracer }) => {
      tracer.logAttributes({ big: 10n, cyclic, pair: [shared, shared], tags: ["a", "b"], mixed: ["a", 1], missing: undefined, nothing: null });
      await tracer.span("retrieve", async (span) => {
        span.logAttributes({ docs: 3 });
        await tracer.span("embed", async () => {
          tracer.logAttributes({ dims: 8 });
        });
        await lookup("burr", 2);
      });
      await tracer.span("generate", () => undefined);
      return state.update({ done: true });
    });
    const app = new ApplicationBuilder().withActions({ work }).withTransitions(["work", "work"]).withEntrypoint("work").withHooks(hooks).build();
    await app.step();

    const tree = spans();
    const step = tree.one("work");
    assert.deepEqual(stepNames(tree, step), ["retrieve", "generate"]);
    const retrieve = tree.one("retrieve");
    assert.deepEqual(stepNames(tree, retrieve), ["embed", "lookup"]);
    assert.equal(retrieve.attributes.docs, 3);
    assert.equal(tree.one("embed").attributes.dims, 8);
    assert.equal(tree.one("embed").attributes["burr.span.uid"], "0:0.0");
    const traced = tree.one("lookup");
    assert.equal(traced.attributes["code.function.name"], "lookup");
    assert.equal(traced.attributes.args, '["burr",2]');
    assert.equal(traced.attributes.return, '{"query":"burr","hits":2}');

    assert.equal(step.attributes.big, "10");
    assert.equal(step.attributes.cyclic, '{"name":"loop","self":"[Circular]"}');
    assert.equal(step.attributes.pair, '[{"id":1},{"id":1}]', "a shared object is not a cycle");
    assert.deepEqual(step.attributes.tags, ["a", "b"]);
    assert.equal(step.attributes.mixed, '["a",1]');
    assert.equal(step.attributes.nothing, "null");
    assert.ok(!("missing" in step.attributes), "undefined is no attribute");
  });

  it("a streaming step gets stream events: start, first item (with its wait), end with the item count", async () => {
    const { hooks, spans } = otel();
    const app = buildStreamingChatbot({ model: new OfflineModel(), hooks: [hooks] });
    const pieces: string[] = [];
    await streamTurn(app, "Who was Aaron Burr?", (p) => pieces.push(p));

    const tree = spans();
    const call = tree.one("burr.streamResult");
    assert.deepEqual(stepNames(tree, call), ["humanInput", "safetyCheck", "aiResponse"]);
    const ai = tree.one("aiResponse");
    assert.deepEqual(
      ai.events.map((e) => e.name),
      ["burr.stream.start", "burr.stream.first_item", "burr.stream.end"],
    );
    const [, first, end] = ai.events;
    assert.equal(typeof first.attributes?.["burr.stream.time_to_first_item_ms"], "number");
    assert.ok(Number(first.attributes?.["burr.stream.time_to_first_item_ms"]) >= 0, "a wait, in ms");
    assert.equal(end.attributes?.["burr.stream.item_count"], pieces.length);
    assert.equal(ai.attributes["burr.stream.item_count"], pieces.length);
    assert.ok(pieces.length > 5, `streamed in pieces: ${pieces.length}`);
    assert.equal(tree.one("humanInput").events.length, 0, "a plain step has no stream events");
  });

  it("mapStates: concurrent children keep their own spans, each child run nested under the parent's step", async () => {
    const { hooks, spans } = otel();
    const square = action({ reads: ["n"], writes: ["square"] }, async (state, _inputs, { tracer }) => {
      const n = state.get("n") as number;
      // Later children finish first, so the children's hooks interleave.
      await tracer.span("compute", async (span) => {
        await new Promise((r) => setTimeout(r, 5 * (4 - n)));
        span.logAttributes({ n });
      });
      return state.update({ square: n * n });
    });
    const fanOut = mapStates({
      reads: ["numbers"],
      writes: ["total"],
      action: square,
      states: (state) => (state.get("numbers") as number[]).map((n) => ({ n })),
      reduce: (state, states) => state.update({ total: states.reduce((sum, s) => sum + (s.get("square") as number), 0) }),
    });
    const app = new ApplicationBuilder()
      .withActions({ fanOut })
      .withTransitions(["fanOut", "fanOut"])
      .withState({ numbers: [1, 2, 3] })
      .withEntrypoint("fanOut")
      .withIdentifiers({ appId: "parent", partitionKey: "pk" })
      .withHooks(hooks)
      .build();
    const r = await app.step();
    assert.equal(r?.state.get("total"), 14);

    const tree = spans();
    const call = tree.one("burr.step");
    assert.deepEqual(tree.roots(), [call]);
    // Children run the mapped action under the parent's action name too.
    const [step] = tree.named("fanOut").filter((s) => s.attributes["burr.app_id"] === "parent");
    assert.equal(tree.parentOf(step), call);
    const childRuns = tree.named("burr.run");
    assert.equal(childRuns.length, 3);
    const childIds = new Set<unknown>();
    for (const run of childRuns) {
      assert.equal(tree.parentOf(run), step, "a child's run is under the step that spawned it");
      assert.equal(run.spanContext().traceId, call.spanContext().traceId);
      assert.equal(run.attributes["burr.spawning_parent.app_id"], "parent");
      assert.equal(run.attributes["burr.spawning_parent.sequence_id"], 0);
      assert.equal(run.attributes["burr.partition_key"], "pk");
      childIds.add(run.attributes["burr.app_id"]);
      const [childStep] = tree.childrenOf(run);
      assert.equal(childStep.name, "fanOut");
      assert.equal(childStep.attributes["burr.app_id"], run.attributes["burr.app_id"]);
      const [compute] = tree.childrenOf(childStep);
      assert.equal(compute.name, "compute");
      assert.equal(compute.attributes["burr.app_id"], run.attributes["burr.app_id"], "each compute span under its own child's step");
    }
    assert.equal(childIds.size, 3);
    assert.deepEqual(
      tree.named("compute").map((s) => s.attributes.n).sort(),
      [1, 2, 3],
    );
  });

  it("a run inside the caller's active span nests under it; contextOf(ctx) nests the action's own spans under its step", async () => {
    const manager = new LocalContextManager();
    assert.ok(context.setGlobalContextManager(manager), "no other context manager registered");
    try {
      const { hooks, tracer, spans } = otel();
      const ask = action({ writes: ["answer"] }, async (state, _inputs, ctx: ActionContext) => {
        await context.with(hooks.contextOf(ctx), async () => {
          await tracer.startActiveSpan("openai.chat", async (span) => span.end());
        });
        return state.update({ answer: 42 });
      });
      const app = new ApplicationBuilder().withActions({ ask }).withTransitions(["ask", "ask"]).withEntrypoint("ask").withHooks(hooks).build();
      await tracer.startActiveSpan("http.request", async (request) => {
        await app.step();
        request.end();
      });
      const tree = spans();
      const request = tree.one("http.request");
      assert.equal(tree.parentOf(tree.one("burr.step")), request);
      assert.equal(tree.parentOf(tree.one("ask")), tree.one("burr.step"));
      assert.equal(tree.parentOf(tree.one("openai.chat")), tree.one("ask"));
      assert.equal(hooks.contextOf({ appId: app.uid, partitionKey: null, sequenceId: 0 }), ROOT_CONTEXT, "after the step: the active context");
    } finally {
      context.disable();
    }
  });

  describe("OpenTelemetry failing never fails the app", () => {
    /** A span processor that throws where told. */
    function throwing(where: { onStart?: boolean; onEnd?: boolean }): SpanProcessor {
      return {
        onStart() {
          if (where.onStart) throw new Error("processor onStart broke");
        },
        onEnd() {
          if (where.onEnd) throw new Error("processor onEnd broke");
        },
        forceFlush: async () => undefined,
        shutdown: async () => undefined,
      };
    }

    function tracedCounter(hooks: LifecycleHooks | LifecycleHooks[]) {
      const count = action({ reads: ["n"], writes: ["n"] }, async (state, _inputs, { tracer }) => {
        await tracer.span("inner", (span) => span.logAttributes({ at: state.get("n") }));
        return state.update({ n: (state.get("n") as number) + 1 });
      });
      return new ApplicationBuilder().withActions({ count }).withTransitions(["count", "count"]).withState({ n: 0 }).withEntrypoint("count").withHooks(...[hooks].flat()).build();
    }

    it("a span processor that throws when spans end: the app runs on, spans still nest, onError hears each hook", async () => {
      const heard: string[] = [];
      const exporter = new InMemorySpanExporter();
      // After the exporting processor, so the spans are exported before the throw.
      const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter), throwing({ onEnd: true })] });
      const hooks = new OpenTelemetryHooks({ tracer: provider.getTracer("t"), onError: (e, hook) => void heard.push(`${hook}: ${(e as Error).message}`) });
      const app = tracedCounter(hooks);
      assert.equal((await app.run({ haltAfter: ["count"] })).state.get("n"), 1);
      assert.deepEqual(heard, ["postEndSpan: processor onEnd broke", "postRunStep: processor onEnd broke", "postApplicationExecuteCall: processor onEnd broke"]);
      // Bookkeeping went first: the next run starts clean and nests as before.
      assert.equal((await app.run({ haltAfter: ["count"] })).state.get("n"), 2);
      const tree = new SpanTree(exporter.getFinishedSpans());
      const runs = tree.named("burr.run").sort(compareTime);
      assert.equal(runs.length, 2);
      for (const run of runs) {
        const [step] = tree.childrenOf(run);
        assert.equal(step.name, "count");
        assert.deepEqual(stepNames(tree, step), ["inner"]);
      }
    });

    it("a span processor that throws when spans start: no spans, the app's steps complete", async () => {
      const heard: string[] = [];
      const { hooks, spans } = otel({ onError: (e, hook) => void heard.push(`${hook}: ${(e as Error).message}`) }, [throwing({ onStart: true })]);
      const app = tracedCounter(hooks);
      for (let i = 0; i < 2; i++) await app.step();
      assert.equal(app.state.get("n"), 2);
      assert.deepEqual(heard.slice(0, 2), ["preApplicationExecuteCall: processor onStart broke", "preRunStep: processor onStart broke"]);
      assert.equal(heard.length, 4, heard.join("\n"));
      assert.equal(spans().all.length, 0);
    });

    it("another hook failing before a step or a call: the spans it left open end as failed, later runs are separate", async () => {
      const { hooks, spans } = otel();
      const failing = { call: true, step: false };
      const strict: LifecycleHooks = {
        preApplicationExecuteCall() {
          if (failing.call) throw new Error("call refused");
        },
        preRunStep() {
          if (failing.step) throw new Error("step refused");
        },
      };
      const app = tracedCounter([hooks, strict]);
      await assert.rejects(app.step(), /call refused/);
      failing.call = false;
      failing.step = true;
      await assert.rejects(app.step(), /step refused/);
      failing.step = false;
      await app.step();
      assert.equal(app.state.get("n"), 1);

      const tree = spans();
      const calls = tree.named("burr.step").sort(compareTime);
      assert.equal(calls.length, 3);
      assert.deepEqual(tree.roots().sort(compareTime), calls, "each call its own trace");
      assert.deepEqual(
        calls.map((c) => [c.status.code, c.status.message]),
        [
          [SpanStatusCode.ERROR, "the call did not finish"],
          [SpanStatusCode.ERROR, tree.childrenOf(calls[1])[0].status.message],
          [SpanStatusCode.UNSET, undefined],
        ],
      );
      const refused = tree.childrenOf(calls[1])[0];
      assert.equal(refused.name, "count");
      assert.equal(refused.status.code, SpanStatusCode.ERROR);
      assert.match(String(refused.status.message), /step refused/);
      assert.deepEqual(stepNames(tree, calls[2]), ["count"]);
    });

    it("a tracer that throws on every span: one console warning, the app's steps complete", async () => {
      const broken: Tracer = {
        startSpan() {
          throw new Error("no spans today");
        },
        startActiveSpan() {
          throw new Error("no spans today");
        },
      };
      const warnings: unknown[] = [];
      const warn = console.warn;
      console.warn = (...args: unknown[]) => void warnings.push(args.join(" "));
      try {
        const app = tracedCounter(new OpenTelemetryHooks({ tracer: broken }));
        for (let i = 0; i < 3; i++) await app.step();
        assert.equal(app.state.get("n"), 3);
      } finally {
        console.warn = warn;
      }
      assert.equal(warnings.length, 1);
      assert.match(String(warnings[0]), /OpenTelemetry export failed in preApplicationExecuteCall \(no spans today\).*keeps running/);
    });

    it("an exporter that throws: spans are dropped by the SDK, the step succeeds", async () => {
      const provider = new BasicTracerProvider({
        spanProcessors: [
          new SimpleSpanProcessor({
            export() {
              throw new Error("collector unreachable");
            },
            shutdown: async () => undefined,
          }),
        ],
      });
      const heard: unknown[] = [];
      const app = tracedCounter(new OpenTelemetryHooks({ tracer: provider.getTracer("t"), onError: (e) => void heard.push(e) }));
      await app.step();
      assert.equal(app.state.get("n"), 1);
      assert.deepEqual(heard, [], "the SDK reports export failures itself (diag), the hooks see none");
    });
  });
});

/** The smallest AsyncLocalStorage context manager, so the active context follows awaits (as the Node SDK's does). */
class LocalContextManager implements ContextManager {
  private readonly storage = new AsyncLocalStorage<Context>();
  active(): Context {
    return this.storage.getStore() ?? ROOT_CONTEXT;
  }
  with<A extends unknown[], F extends (...args: A) => ReturnType<F>>(ctx: Context, fn: F, thisArg?: ThisParameterType<F>, ...args: A): ReturnType<F> {
    return this.storage.run(ctx, () => fn.call(thisArg, ...args));
  }
  bind<T>(_ctx: Context, target: T): T {
    return target;
  }
  enable(): this {
    return this;
  }
  disable(): this {
    this.storage.disable();
    return this;
  }
}

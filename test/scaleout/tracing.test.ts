// A child run by a BullMQ worker nests in the parent's trace: the executor
// puts the parent step's W3C trace context in the job and the worker's
// OpenTelemetryHooks runs the child under it. The worker runs in this process
// with its own tracer provider, as if on another machine.
import assert from "node:assert/strict";
import { AsyncLocalStorage } from "node:async_hooks";
import { ROOT_CONTEXT, context, propagation, type Context, type ContextManager } from "@opentelemetry/api";
import { W3CTraceContextPropagator } from "@opentelemetry/core";
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { ApplicationBuilder, mapStates } from "burr-ts";
import { BullMQExecutor, startWorker, type BurrWorker } from "burr-ts/bullmq";
import { OpenTelemetryHooks } from "burr-ts/opentelemetry";
import { square } from "./apps.js";
import { dropQueue, redisConnection, requireRedis } from "./support.js";

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

describe("scale-out: OpenTelemetry across workers", function () {
  this.timeout(60_000);
  const queueName = `burr-trace-${process.pid}-${Date.now().toString(36)}`;
  let worker: BurrWorker | null = null;

  before(async function () {
    await requireRedis(this);
  });
  after(async () => {
    await worker?.close();
    await dropQueue(queueName).catch(() => undefined);
  });

  it("a child run on a worker appears under the parent's step span", async () => {
    assert.ok(context.setGlobalContextManager(new LocalContextManager()));
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    const exporter = new InMemorySpanExporter();
    const provider = (name: string) => new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }).getTracer(name);
    const executor = new BullMQExecutor({ connection: redisConnection, queueName });
    try {
      worker = await startWorker({ connection: redisConnection, queueName, apps: { square }, hooks: [new OpenTelemetryHooks({ tracer: provider("worker") })] });
      const fan = mapStates({ reads: ["ns"], writes: ["sq"], action: { square }, executor, states: (s) => (s.get("ns") as number[]).map((n) => ({ n })), reduce: (s, st) => s.update({ sq: st.map((x) => x.get("sq")) }) });
      const app = new ApplicationBuilder().withActions({ fan }).withTransitions(["fan", "fan"]).withEntrypoint("fan").withState({ ns: [2, 3] }).withHooks(new OpenTelemetryHooks({ tracer: provider("parent") })).build();
      assert.deepEqual((await app.step())?.state.get("sq"), [4, 9]);
      const spans = exporter.getFinishedSpans();
      const step = spans.find((s) => s.name === "fan")!;
      const childRuns = spans.filter((s) => s.name === "burr.run");
      assert.equal(childRuns.length, 2);
      for (const run of childRuns) {
        assert.equal(run.parentSpanContext?.spanId, step.spanContext().spanId, "the child's run nests under the parent's step");
        assert.equal(run.spanContext().traceId, step.spanContext().traceId);
        assert.equal(run.instrumentationScope.name, "worker");
      }
      assert.equal(spans.filter((s) => s.name === "square").length, 2);
    } finally {
      await executor.close();
      context.disable();
      propagation.disable();
    }
  });
});

// Model calls inside actions: the AI SDK (streamText, tools) and OpenAI's
// client (against a local endpoint speaking its wire format), each one span
// with the model's name and token usage; and the offline model, the AI SDK's
// own mock, so all of it runs without a key.
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { ApplicationBuilder, streamingAction, type LifecycleHooks } from "burr-ts";
import { aiSdkModel, complete, offlineModel, openaiModel, type ChatModel } from "burr-ts/models";
import { MockLanguageModelV3, simulateReadableStream } from "ai/test";
import type { LanguageModelV3StreamPart } from "@ai-sdk/provider";
import { jsonSchema, tool } from "ai";
import OpenAI from "openai";

type Chat = { messages: { role: "user" | "assistant"; content: string }[]; answer: string };

/** A one-action app that streams `model`'s answer; returns the pieces and the attributes its span logged. */
async function ask(model: ChatModel, prompt: string): Promise<{ pieces: string[]; answer: string; attributes: Record<string, unknown> }> {
  const attributes: Record<string, unknown> = {};
  const spans: string[] = [];
  const recorder: LifecycleHooks = {
    doLogAttribute: ({ key, value, span }) => {
      attributes[key] = value;
      if (span) spans.push(span.name);
    },
  };
  const respond = streamingAction.withState<Chat>()({ reads: ["messages"], writes: ["answer"] }, async function* (state, _inputs, { tracer }) {
    let text = "";
    for await (const delta of model.stream(state.get("messages"), { tracer })) {
      text += delta;
      yield { delta };
    }
    return [{ answer: text }, state.update({ answer: text })];
  });
  const app = new ApplicationBuilder<Chat>()
    .withActions({ respond })
    .withTransitions()
    .withState({ messages: [{ role: "user", content: prompt }] })
    .withEntrypoint("respond")
    .withHooks(recorder)
    .build();
  const { container } = await app.streamResult({ haltAfter: ["respond"] });
  const pieces: string[] = [];
  for await (const item of container) pieces.push(String(item.delta));
  const { state } = await container.get();
  assert.deepEqual([...new Set(spans)], ["model"], "the attributes belong to the model span");
  return { pieces, answer: state.get("answer"), attributes };
}

describe("models", () => {
  it("offlineModel: deterministic words through streamText, with usage on the span", async () => {
    const model = offlineModel({ answer: (p) => `Echo: ${p}` });
    const first = await ask(model, "hello there");
    assert.deepEqual(first.pieces, ["Echo: ", "hello ", "there"]);
    assert.equal(first.answer, "Echo: hello there");
    assert.equal(first.attributes.model, "offline");
    assert.equal(first.attributes.output_tokens, 3);
    assert.equal(first.attributes.input_tokens, 2);
    assert.deepEqual((await ask(model, "hello there")).pieces, first.pieces, "the same prompt, the same answer");
    assert.equal(await complete(model, [{ role: "user", content: "x" }]), "Echo: x");
  });

  it("aiSdkModel: a tool call runs the tool and its result reaches the answer", async () => {
    let calls = 0;
    const mock = new MockLanguageModelV3({
      provider: "test",
      modelId: "tool-user",
      doStream: async (options) => {
        calls++;
        const toolResult = options.prompt.flatMap((m) => (m.role === "tool" ? m.content : [])).find((p) => p.type === "tool-result");
        const usage = { inputTokens: { total: 10, noCache: 10, cacheRead: undefined, cacheWrite: undefined }, outputTokens: { total: 5, text: 5, reasoning: undefined } };
        const chunks: LanguageModelV3StreamPart[] = toolResult
          ? [
              { type: "text-start" as const, id: "1" },
              { type: "text-delta" as const, id: "1", delta: "It is " },
              { type: "text-delta" as const, id: "1", delta: String((toolResult.output as unknown as { value: { temp: number } }).value.temp) + " degrees." },
              { type: "text-end" as const, id: "1" },
              { type: "finish" as const, finishReason: { unified: "stop" as const, raw: "stop" }, usage },
            ]
          : [
              { type: "tool-call" as const, toolCallId: "c1", toolName: "weather", input: JSON.stringify({ city: "Weehawken" }) },
              { type: "finish" as const, finishReason: { unified: "tool-calls" as const, raw: "tool_calls" }, usage },
            ];
        return { stream: simulateReadableStream({ chunks, chunkDelayInMs: null, initialDelayInMs: null }) };
      },
    });
    const cities: string[] = [];
    const weather = tool({
      description: "Current temperature in a city",
      inputSchema: jsonSchema<{ city: string }>({ type: "object", properties: { city: { type: "string" } }, required: ["city"] }),
      execute: async ({ city }) => {
        cities.push(city);
        return { temp: 21 };
      },
    });
    const r = await ask(aiSdkModel({ model: mock, tools: { weather } }), "How warm is it in Weehawken?");
    assert.equal(calls, 2, "called again with the tool's result");
    assert.deepEqual(cities, ["Weehawken"]);
    assert.equal(r.answer, "It is 21 degrees.");
    assert.deepEqual(r.attributes.tool_calls, ["weather"]);
    assert.equal(r.attributes.total_tokens, 30, "usage summed over both model calls");
  });

  describe("openaiModel against a local server speaking OpenAI's streaming format", () => {
    let server: Server;
    let baseURL: string;
    let seen: Record<string, unknown> | null = null;
    before(async () => {
      server = createServer((req, res) => {
        let body = "";
        req.on("data", (c) => (body += c));
        req.on("end", () => {
          seen = JSON.parse(body) as Record<string, unknown>;
          res.writeHead(200, { "content-type": "text/event-stream" });
          const chunk = (delta: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
            res.write(`data: ${JSON.stringify({ id: "x", object: "chat.completion.chunk", created: 0, model: "gpt-test-2025", choices: [{ index: 0, delta, finish_reason: null }], ...extra })}\n\n`);
          chunk({ role: "assistant", content: "" });
          chunk({ content: "Aaron " });
          chunk({ content: "Burr." });
          res.write(`data: ${JSON.stringify({ id: "x", object: "chat.completion.chunk", created: 0, model: "gpt-test-2025", choices: [], usage: { prompt_tokens: 7, completion_tokens: 2, total_tokens: 9 } })}\n\n`);
          res.end("data: [DONE]\n\n");
        });
      });
      await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
      baseURL = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
    });
    after(() => new Promise<void>((r) => server.close(() => r())));

    it("streams the deltas and logs the served model and usage", async () => {
      const model = openaiModel({ model: "gpt-test", client: new OpenAI({ apiKey: "test-key", baseURL }) });
      assert.equal(model.name, "openai:gpt-test");
      const r = await ask(model, "Who?");
      assert.deepEqual(r.pieces, ["Aaron ", "Burr."]);
      assert.equal(r.attributes.model, "gpt-test-2025");
      assert.equal(r.attributes.total_tokens, 9);
      assert.equal(seen?.stream, true);
      assert.deepEqual(seen?.messages, [{ role: "user", content: "Who?" }]);
    });
  });
});

// The run route speaking the AI SDK's UI message stream protocol, read with
// the AI SDK's own client-side parser (what useChat runs in the browser).
import assert from "node:assert/strict";
import { parseJsonEventStream, readUIMessageStream, uiMessageChunkSchema, type UIMessage, type UIMessageChunk } from "ai";
import { chatServer, type ChatServer } from "./support.js";

function useChatBody(text: string): string {
  // What DefaultChatTransport posts for sendMessage({ text }).
  return JSON.stringify({ id: "chat-1", trigger: "submit-message", messageId: undefined, messages: [{ id: "m1", role: "user", parts: [{ type: "text", text }] }] });
}

async function readReply(response: Response): Promise<{ message: UIMessage; chunks: UIMessageChunk[] }> {
  assert.equal(response.headers.get("x-vercel-ai-ui-message-stream"), "v1");
  const chunks: UIMessageChunk[] = [];
  const parsed = parseJsonEventStream({ stream: response.body!, schema: uiMessageChunkSchema }).pipeThrough(
    new TransformStream({
      transform(result, controller) {
        if (!result.success) throw result.error;
        chunks.push(result.value);
        controller.enqueue(result.value);
      },
    }),
  );
  let message: UIMessage | undefined;
  for await (const snapshot of readUIMessageStream({ stream: parsed, onError: (e) => assert.fail(String(e)) })) message = snapshot;
  return { message: message!, chunks };
}

const textOf = (m: UIMessage) => m.parts.map((p) => (p.type === "text" ? p.text : "")).join("");

describe("http: the AI SDK's UI message stream", () => {
  let s: ChatServer;
  beforeEach(() => {
    s = chatServer({
      uiMessages: { inputs: (text) => ({ prompt: text }), resultText: (done) => (typeof done.result?.response === "string" ? done.result.response : undefined) },
    });
  });
  afterEach(() => s.dispose());

  const send = (appId: string, text: string) =>
    s.handler(new Request(`http://test/apps/${appId}/run?protocol=ui-message-stream`, { method: "POST", headers: { "content-type": "application/json" }, body: useChatBody(text) }));

  it("streams the answer as text deltas that readUIMessageStream assembles", async () => {
    const { message, chunks } = await readReply(await send("ui", "Who was Aaron Burr?"));
    assert.equal(message.role, "assistant");
    assert.match(textOf(message), /^Aaron Burr \(1756-1836\) was the third Vice President/);
    assert.ok(chunks.filter((c) => c.type === "text-delta").length > 5, "word by word");
    const steps = chunks.filter((c) => c.type === "data-burr-step").map((c) => (c as { data: { action: string } }).data.action);
    assert.deepEqual(steps, ["humanInput", "safetyCheck", "aiResponse"]);
  });

  it("sends a plain action's result (the refusal) as the reply's text", async () => {
    const { message } = await readReply(await send("ui2", "something unsafe please"));
    assert.equal(textOf(message), "I'm sorry, my overlords have forbidden me to respond.");
  });

  it("answers a request that is not useChat's, or a server without uiMessages, with a JSON 400", async () => {
    const bad = await s.handler(new Request("http://test/apps/ui3/run?protocol=ui-message-stream", { method: "POST", body: JSON.stringify({ messages: "nope" }) }));
    assert.equal(bad.status, 400);
    const plain = chatServer();
    try {
      const refused = await plain.handler(new Request("http://test/apps/x/run?protocol=ui-message-stream", { method: "POST", body: useChatBody("hi") }));
      assert.equal(refused.status, 400);
      assert.match(((await refused.json()) as { error: { message: string } }).error.message, /uiMessages/);
    } finally {
      await plain.dispose();
    }
  });
});

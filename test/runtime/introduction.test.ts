// The examples of the Burr introduction (burr-introduction.txt), in TypeScript, run as tests.
import assert from "node:assert/strict";
import { ApplicationBuilder, State, action, streamingAction, when } from "burr-ts";

// A stand-in for the OpenAI call: deterministic, so the tests are too.
const fakeLLM = (history: readonly { content: string }[]) => `answer to: ${history[history.length - 1].content}`;

const humanInput = action({ reads: [], writes: ["prompt", "chatHistory"], inputs: ["prompt"] }, (state, { prompt }: { prompt: string }) => {
  const chatItem = { content: prompt, role: "user" };
  return [{ prompt }, state.update({ prompt }).append({ chatHistory: chatItem })];
});

const aiResponse = action({ reads: ["chatHistory"], writes: ["response", "chatHistory"] }, (state) => {
  const content = fakeLLM(state.get("chatHistory"));
  const chatItem = { content, role: "assistant" };
  return [{ response: content }, state.update({ response: content }).append({ chatHistory: chatItem })];
});

const safetyCheck = action({ reads: ["prompt"], writes: ["safe"] }, (state) => {
  const safe = !state.get("prompt").includes("unsafe");
  return [{ safe }, state.update({ safe })];
});

const unsafeResponse = action({ reads: [], writes: ["response", "chatHistory"] }, (state) => {
  const content = "I'm sorry, my overlords have forbidden me to respond.";
  const newState = state.update({ response: content }).append({ chatHistory: { content, role: "assistant" } });
  return [{ response: content }, newState];
});

describe("runtime: the introduction's examples", () => {
  it("the simplest chatbot: human input, AI output, non-terminating", async () => {
    const app = new ApplicationBuilder()
      .withActions({ humanInput, aiResponse })
      .withTransitions(["humanInput", "aiResponse"], ["aiResponse", "humanInput"])
      .withState({ chatHistory: [] })
      .withEntrypoint("humanInput")
      .build();
    const { action: last, result, state } = await app.run({ haltAfter: ["aiResponse"], inputs: { prompt: "Who was Aaron Burr?" } });
    assert.equal(last, "aiResponse");
    assert.deepEqual(result, { response: "answer to: Who was Aaron Burr?" });
    assert.deepEqual(state.get("chatHistory"), [
      { content: "Who was Aaron Burr?", role: "user" },
      { content: "answer to: Who was Aaron Burr?", role: "assistant" },
    ]);
    assert.equal(app.nextAction(), "humanInput", "it circles back for the next input");
  });

  it("adding a decision-making step: unsafe prompts get the unsafe response", async () => {
    const safeApp = new ApplicationBuilder()
      .withActions({ humanInput, aiResponse, safetyCheck, unsafeResponse })
      .withTransitions(
        ["humanInput", "safetyCheck"],
        ["safetyCheck", "unsafeResponse", when({ safe: false })],
        ["safetyCheck", "aiResponse", when({ safe: true })],
        [["unsafeResponse", "aiResponse"], "humanInput"],
      )
      .withState({ chatHistory: [] })
      .withEntrypoint("humanInput")
      .build();
    const unsafe = await safeApp.run({ haltAfter: ["aiResponse", "unsafeResponse"], inputs: { prompt: "Who was Aaron Burr, sir (unsafe)?" } });
    assert.equal(unsafe.action, "unsafeResponse");
    assert.equal(unsafe.state.get("response"), "I'm sorry, my overlords have forbidden me to respond.");
    const safe = await safeApp.run({ haltAfter: ["aiResponse", "unsafeResponse"], inputs: { prompt: "Who was Aaron Burr, sir?" } });
    assert.equal(safe.action, "aiResponse");
    assert.equal((safe.state.get("chatHistory") as unknown[]).length, 4);
    assert.equal(safeApp.sequenceId, 5);
  });

  it("every step is unit-testable: an action is a function of state", () => {
    const [result, next] = safetyCheck.fn(new State({ prompt: "an unsafe question" }) as never, {}, {} as never) as [Record<string, unknown>, State];
    assert.deepEqual(result, { safe: false });
    assert.equal(next.get("safe"), false);
  });

  it("the FAQ's streaming action and streamResult", async () => {
    const streamingChatCall = streamingAction({ reads: ["prompt"], writes: ["response"] }, async function* (state) {
      const buffer: string[] = [];
      for (const delta of ["Aaron ", "Burr ", "was ", "a ", "VP."]) {
        buffer.push(delta);
        yield { response: delta };
      }
      const fullResponse = buffer.join("");
      return [{ response: fullResponse }, state.append({ response: fullResponse })];
    });
    const app = new ApplicationBuilder()
      .withActions({ humanInput, streamingChatCall })
      .withTransitions(["humanInput", "streamingChatCall"], ["streamingChatCall", "humanInput"])
      .withState({ chatHistory: [] })
      .withEntrypoint("humanInput")
      .build();
    const { action: ran, container } = await app.streamResult({ haltAfter: ["streamingChatCall"], inputs: { prompt: "Who?" } });
    assert.equal(ran, "streamingChatCall");
    const pieces: string[] = [];
    for await (const component of container) pieces.push(String(component.response));
    const { result, state } = await container.get();
    assert.equal(pieces.join(""), "Aaron Burr was a VP.");
    assert.deepEqual(result, { response: "Aaron Burr was a VP." });
    assert.deepEqual(state.get("response"), ["Aaron Burr was a VP."]);
  });
});

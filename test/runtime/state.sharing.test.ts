// Structural sharing through a whole application: running the chatbot for many
// turns must not copy the history per step (only State's own counters are read).
import assert from "node:assert/strict";
import { ApplicationBuilder, action, diffStates, stateStorageStats, type State } from "burr-ts";

const humanInput = action({ writes: ["prompt", "chatHistory"], inputs: ["prompt"] }, (state, { prompt }: { prompt: string }) => {
  return [{ prompt }, state.update({ prompt }).append({ chatHistory: { role: "user", content: prompt } })] as const;
});
const aiResponse = action({ reads: ["prompt"], writes: ["response", "chatHistory"] }, (state) => {
  const response = `echo: ${String(state.get("prompt"))}`;
  return [{ response }, state.update({ response }).append({ chatHistory: { role: "assistant", content: response } })] as const;
});

function chatbot() {
  return new ApplicationBuilder()
    .withActions({ humanInput, aiResponse })
    .withTransitions(["humanInput", "aiResponse"], ["aiResponse", "humanInput"])
    .withState({ chatHistory: [] })
    .withEntrypoint("humanInput")
    .build();
}

describe("State sharing inside an application", () => {
  it("1,000 turns of the chatbot copy the history a bounded number of times, not once per step", async () => {
    const app = chatbot();
    const before = stateStorageStats();
    for (let turn = 0; turn < 1000; turn++) {
      await app.run({ haltAfter: ["aiResponse"], inputs: { prompt: `turn ${turn}` } });
    }
    const after = stateStorageStats();
    const history = app.state.get("chatHistory") as readonly { content: string }[];
    assert.equal(history.length, 2000);
    assert.equal(history[1999].content, "echo: turn 999");
    // Copying per step would copy ~2,000,000 items in all; sharing copies at most a few times.
    assert.ok(after.copiedItems - before.copiedItems < 10_000, `copied ${after.copiedItems - before.copiedItems} items in ${after.copies - before.copies} copies`);
  });

  it("a postRunStep hook sees only the new message in the step's changes", async () => {
    const seen: Array<{ action: string; appended: unknown[] | undefined }> = [];
    let previous: State | null = null;
    const app = new ApplicationBuilder()
      .withActions({ humanInput, aiResponse })
      .withTransitions(["humanInput", "aiResponse"], ["aiResponse", "humanInput"])
      .withState({ chatHistory: [{ role: "system", content: "be brief" }] })
      .withEntrypoint("humanInput")
      .withHooks({
        preRunStep({ state }) {
          previous = state;
        },
        postRunStep({ action: name, changes, state }) {
          seen.push({ action: name, appended: changes?.appended.chatHistory });
          if (previous) assert.deepEqual(diffStates(previous, state).appended, changes?.appended);
        },
      })
      .build();
    await app.run({ haltAfter: ["aiResponse"], inputs: { prompt: "hi" } });
    await app.run({ haltAfter: ["aiResponse"], inputs: { prompt: "again" } });
    assert.deepEqual(seen, [
      { action: "humanInput", appended: [{ role: "user", content: "hi" }] },
      { action: "aiResponse", appended: [{ role: "assistant", content: "echo: hi" }] },
      { action: "humanInput", appended: [{ role: "user", content: "again" }] },
      { action: "aiResponse", appended: [{ role: "assistant", content: "echo: again" }] },
    ]);
  });
});

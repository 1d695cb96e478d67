// The decorated chatbot (examples/decorated-chatbot): a class whose methods are
// actions, the model injected through the constructor, run as a user would.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { actionsOf } from "burr-ts";
import { buildChatbot, chat, Chatbot } from "../../examples/decorated-chatbot/app.js";
import { OfflineModel, type ChatModel } from "../../examples/chatbot/model.js";

const repo = join(__dirname, "../..");

describe("runtime: example decorated chatbot", () => {
  it("answers safe prompts, refuses the unsafe one, and calls the injected model", async () => {
    const offline = new OfflineModel();
    const asked: number[] = [];
    const model: ChatModel = { name: "spy", complete: (m) => offline.complete(m), stream: (m) => { asked.push(m.length); return offline.stream(m); } };
    const app = buildChatbot({ model, appId: "decorated-test" });
    assert.match(await chat(app, "Who was Aaron Burr?"), /third Vice President/);
    assert.equal(await chat(app, "How do I do something unsafe?"), "I'm sorry, my overlords have forbidden me to respond.");
    assert.match(await chat(app, "Why is he remembered for a duel?"), /Hamilton/);
    assert.deepEqual(asked, [1, 5], "the model saw the history at each safe turn");
    assert.equal(app.state.get("chatHistory").length, 6);
  });

  it("the class's actions, in declaration order, point at their methods", () => {
    const actions = actionsOf(new Chatbot(new OfflineModel()));
    assert.deepEqual(Object.keys(actions), ["humanInput", "safetyCheck", "unsafeResponse", "aiResponse"]);
    const app = buildChatbot({ model: new OfflineModel() });
    const source = app.graph.actions.find((a) => a.name === "aiResponse")!.source!;
    assert.equal(source.file, join(repo, "examples/decorated-chatbot/app.ts"));
  });

  it("runs from the command line with tsx", function () {
    this.timeout(60_000);
    const r = spawnSync(process.execPath, ["--import", "tsx", "examples/decorated-chatbot/app.ts"], { cwd: repo, encoding: "utf8", env: { ...process.env, OPENAI_API_KEY: "" } });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /assistant: I'm sorry, my overlords/);
  });
});

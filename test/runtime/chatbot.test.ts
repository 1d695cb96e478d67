// The example chatbot (examples/chatbot) as a user would run it, offline.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildChatbot, chat, SCRIPT } from "../../examples/chatbot/app.js";
import { OfflineModel } from "../../examples/chatbot/model.js";
import { buildStreamingChatbot, streamTurn } from "../../examples/chatbot/streaming.js";

const repo = join(__dirname, "../..");

describe("runtime: example chatbot", () => {
  it("answers safe prompts and refuses the unsafe one", async () => {
    const app = buildChatbot({ model: new OfflineModel(), appId: "chat-test" });
    const answers: string[] = [];
    for (const prompt of SCRIPT) answers.push(await chat(app, prompt));
    assert.match(answers[0], /third Vice President/);
    assert.equal(answers[1], "I'm sorry, my overlords have forbidden me to respond.");
    assert.match(answers[2], /Hamilton/);
    assert.equal(app.state.get("chatHistory").length, 6);
    assert.equal(app.sequenceId, 8);
    assert.equal(app.uid, "chat-test");
  });

  it("the streaming variant streams the answer in pieces", async () => {
    const app = buildStreamingChatbot({ model: new OfflineModel() });
    const pieces: string[] = [];
    const answer = await streamTurn(app, "Who was Aaron Burr?", (p) => pieces.push(p));
    assert.ok(pieces.length > 5);
    assert.equal(pieces.join(""), answer);
    assert.equal(app.state.get("chatHistory").at(-1)?.content, answer);
  });

  it("the app's actions and transitions point at their source lines", () => {
    const app = buildChatbot({ model: new OfflineModel() });
    for (const a of app.graph.actions) {
      assert.match(a.source?.file ?? "", /examples\/chatbot\/app\.ts$/, a.name);
    }
    assert.ok(app.graph.transitions.every((t) => t.source?.file.endsWith("app.ts")));
  });

  it("npm run demo prints the conversation and the Mermaid graph", function () {
    this.timeout(60_000);
    // The demo saves to SQLite and tracks runs: keep both out of the repo and ~/.burr.
    const dir = mkdtempSync(join(tmpdir(), "burr-demo-test-"));
    const r = spawnSync(process.execPath, ["--import", "tsx", join(repo, "examples/chatbot/demo.ts")], {
      cwd: repo,
      encoding: "utf8",
      env: { ...process.env, OPENAI_API_KEY: "", BURR_DEMO_DIR: join(dir, "db"), BURR_DEMO_TRACKING_DIR: join(dir, "tracking") },
    });
    rmSync(dir, { recursive: true, force: true });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /user: +Who was Aaron Burr\?/);
    assert.match(r.stdout, /\[safety check: unsafe\]/);
    assert.match(r.stdout, /overlords/);
    assert.match(r.stdout, /flowchart TD/);
    assert.match(r.stdout, /safe=false/);
  });
});

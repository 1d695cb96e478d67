// ApplicationBuilder.resumeFrom: the builder as written for a new app,
// resumed from a persister when the app has saved steps (what burr-ts/http does per request).
import assert from "node:assert/strict";
import { ApplicationBuilder, ConfigurationError, InMemoryPersister } from "burr-ts";
import { chatBuilder, CHAT_HALTS } from "../http/support.js";

describe("runtime: ApplicationBuilder.resumeFrom", () => {
  it("starts a new app as written, then resumes it after its last saved step", async () => {
    const persister = new InMemoryPersister();
    const fresh = await chatBuilder().withIdentifiers({ appId: "r" }).withStatePersister(persister).resumeFrom(persister).build();
    assert.equal(fresh.sequenceId, null);
    assert.equal(fresh.nextAction(), "humanInput");
    assert.deepEqual(fresh.state.get("chatHistory"), []);
    await fresh.run({ inputs: { prompt: "Who was Aaron Burr?" }, ...CHAT_HALTS });

    const resumed = await chatBuilder().withIdentifiers({ appId: "r" }).withStatePersister(persister).resumeFrom(persister).build();
    assert.equal(resumed.sequenceId, 2);
    assert.equal(resumed.nextAction(), "humanInput");
    assert.equal(resumed.state.get("chatHistory").length, 2);
  });

  it("forks another app's step into a new app", async () => {
    const persister = new InMemoryPersister();
    const first = await chatBuilder().withIdentifiers({ appId: "a" }).withStatePersister(persister).resumeFrom(persister).build();
    await first.run({ inputs: { prompt: "one" }, ...CHAT_HALTS });
    await first.run({ inputs: { prompt: "two" }, ...CHAT_HALTS });
    const fork = await chatBuilder().withIdentifiers({ appId: "b" }).resumeFrom(persister, { forkFromAppId: "a", forkFromSequenceId: 2 }).build();
    assert.equal(fork.state.get("chatHistory").length, 2);
    assert.deepEqual(fork.parent, { appId: "a", partitionKey: null, sequenceId: 2 });
  });

  it("needs an entrypoint, saying so", () => {
    const persister = new InMemoryPersister();
    assert.throws(() => new ApplicationBuilder().resumeFrom(persister), (e: unknown) => e instanceof ConfigurationError && /withEntrypoint/.test(e.message));
  });
});

// examples/approval: a human-in-the-loop pause that survives the process, as
// the README describes it (each "process" is a fresh app loaded from the persister).
import assert from "node:assert/strict";
import { InMemoryPersister } from "burr-ts";
import { approvalApp } from "../../examples/approval/app.js";

describe("example: human in the loop (examples/approval)", () => {
  it("halts before review, then resumes from the persister with the person's answer", async () => {
    const persister = new InMemoryPersister();
    const first = await approvalApp(persister, "ticket-1");
    const paused = await first.run({ haltBefore: ["review"] });
    assert.equal(paused.action, "review");
    assert.equal(paused.state.get("draft"), "Re: Can I move my meeting? (draft 1)");
    assert.equal(first.nextAction(), "review");

    const second = await approvalApp(persister, "ticket-1");
    assert.equal(second.nextAction(), "review", "a new app picks up where the last one halted");
    const rejected = await second.run({ haltBefore: ["review"], inputs: { approved: false, feedback: "shorter" } });
    assert.equal(rejected.state.get("draft"), "Re: Can I move my meeting? (draft 2)");
    assert.equal(rejected.state.get("feedback"), "shorter");

    const third = await approvalApp(persister, "ticket-1");
    const done = await third.run({ haltAfter: ["send"], inputs: { approved: true } });
    assert.equal(done.state.get("sent"), "Re: Can I move my meeting? (draft 2)");
    assert.equal(third.sequenceId, 4, "five steps (ids 0-4): draft, review, draft, review, send");
  });

  it("a resumed app without the person's answer says which input is missing", async () => {
    const persister = new InMemoryPersister();
    await (await approvalApp(persister, "ticket-2")).run({ haltBefore: ["review"] });
    const resumed = await approvalApp(persister, "ticket-2");
    await assert.rejects(resumed.step(), /review.*approved|approved.*review/s);
  });
});

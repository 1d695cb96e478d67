// Human in the loop: the app drafts a reply, halts before sending it, and a
// person approves or rejects it later, maybe from another process. The pause is
// just `haltBefore`; the persister carries the state across, and resuming is
// `initializeFrom` with the same app id.
//   npx tsx examples/approval/app.ts
import { ApplicationBuilder, SQLitePersister, action, when, type StatePersister } from "burr-ts";

export const draft = action({ reads: ["request", "revisions"], writes: ["draft", "revisions"] }, (state) => {
  const revisions = (state.get("revisions") as number) + 1;
  return state.update({ draft: `Re: ${String(state.get("request"))} (draft ${revisions})`, revisions });
});

export const review = action(
  { reads: ["draft"], writes: ["approved", "feedback"], inputs: ["approved"], optionalInputs: ["feedback"] },
  (state, { approved, feedback = "" }: { approved: boolean; feedback?: string }) => state.update({ approved, feedback }),
);

export const send = action({ reads: ["draft"], writes: ["sent"] }, (state) => state.update({ sent: state.get("draft") }));

/** The approval flow; `initializeFrom` makes a later process pick up where the last one halted. */
export async function approvalApp(persister: StatePersister, appId: string) {
  return new ApplicationBuilder()
    .withActions({ draft, review, send })
    .withTransitions(["draft", "review"], ["review", "send", when({ approved: true })], ["review", "draft"])
    .withIdentifiers({ appId })
    .withStatePersister(persister)
    .initializeFrom(persister, {
      resumeAtNextAction: true,
      defaultState: { request: "Can I move my meeting?", revisions: 0 },
      defaultEntrypoint: "draft",
    })
    .build();
}

async function main(): Promise<void> {
  const persister = new SQLitePersister({ dbPath: ".burr-demo/approval.db" });
  const appId = `approval-${Date.now()}`;
  // Process 1: draft, then stop before a person has to act.
  let app = await approvalApp(persister, appId);
  const paused = await app.run({ haltBefore: ["review"] });
  console.log(`waiting for review of: ${String(paused.state.get("draft"))}`);
  // Process 2 (any time later): load the paused app and pass the person's answer in.
  app = await approvalApp(persister, appId);
  const rejected = await app.run({ haltBefore: ["review"], inputs: { approved: false, feedback: "shorter" } });
  console.log(`rejected; new draft: ${String(rejected.state.get("draft"))}`);
  app = await approvalApp(persister, appId);
  const done = await app.run({ haltAfter: ["send"], inputs: { approved: true } });
  console.log(`sent: ${String(done.state.get("sent"))}`);
  await persister.close();
}

if (process.argv[1]?.endsWith("approval/app.ts")) void main();

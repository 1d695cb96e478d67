// A deterministic chatbot built with the public API, shared by the persistence
// and tracking suites and their child-process workers.
import { action, ApplicationBuilder, when, type StateLoader, type StateSaver, type LifecycleHooks } from "burr-ts";

export const humanInput = action(
  { reads: [], writes: ["prompt", "chatHistory"], inputs: ["prompt"] },
  (state, { prompt }: { prompt: string }) => {
    if (prompt === "explode") throw new Error("the user typed explode");
    return [{ prompt }, state.update({ prompt }).append({ chatHistory: { role: "user", content: prompt } })];
  },
);
export const safetyCheck = action({ reads: ["prompt"], writes: ["safe"] }, (state) => {
  const safe = !String(state.get("prompt")).includes("unsafe");
  return [{ safe }, state.update({ safe })];
});
export const aiResponse = action({ reads: ["chatHistory"], writes: ["response", "chatHistory"] }, (state) => {
  const n = (state.get("chatHistory") as unknown[]).length;
  const response = `Answer number ${n}: Aaron Burr was the third Vice President of the United States.`;
  return [{ response }, state.update({ response }).append({ chatHistory: { role: "assistant", content: response } })];
});
export const unsafeResponse = action({ reads: [], writes: ["response", "chatHistory"] }, (state) => {
  const response = "I'm sorry, I can't answer that.";
  return [{ response }, state.update({ response }).append({ chatHistory: { role: "assistant", content: response } })];
});

export interface ChatOptions {
  appId: string;
  partitionKey?: string | null;
  persister?: StateSaver & StateLoader;
  tracker?: { project: string; storageDir: string; compact?: boolean };
  hooks?: LifecycleHooks[];
  fork?: { appId: string; sequenceId?: number; partitionKey?: string | null };
}

export async function buildChat(o: ChatOptions) {
  let b = new ApplicationBuilder()
    .withActions({ humanInput, safetyCheck, aiResponse, unsafeResponse })
    .withTransitions(
      ["humanInput", "safetyCheck"],
      ["safetyCheck", "unsafeResponse", when({ safe: false })],
      ["safetyCheck", "aiResponse", when({ safe: true })],
      [["unsafeResponse", "aiResponse"], "humanInput"],
    )
    .withIdentifiers({ appId: o.appId, partitionKey: o.partitionKey ?? null });
  if (o.tracker) b = b.withTracker("local", o.tracker);
  if (o.hooks?.length) b = b.withHooks(...o.hooks);
  if (o.persister) {
    b = b.withStatePersister(o.persister);
    return b
      .initializeFrom(o.persister, {
        resumeAtNextAction: true,
        defaultState: { chatHistory: [] },
        defaultEntrypoint: "humanInput",
        forkFromAppId: o.fork?.appId,
        forkFromSequenceId: o.fork?.sequenceId,
        forkFromPartitionKey: o.fork ? (o.fork.partitionKey ?? o.partitionKey ?? null) : undefined,
      })
      .build();
  }
  return b.withState({ chatHistory: [] }).withEntrypoint("humanInput").build();
}

/** One turn: the user's prompt, the safety check, the answer (3 steps). */
export async function turn(app: Awaited<ReturnType<typeof buildChat>>, prompt: string) {
  return app.run({ haltAfter: ["aiResponse", "unsafeResponse"], inputs: { prompt } });
}

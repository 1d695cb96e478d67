// A traced, streaming app for the tracker suites (the chatbot lives in test/persistence/chatApp.ts).
import { action, streamingAction, ApplicationBuilder } from "burr-ts";

export const work = action({ reads: ["n"], writes: ["n", "squares"] }, async (state, _inputs, ctx) => {
  const n = state.get("n") as number;
  let sq = 0;
  await ctx.tracer.span("compute", async (span) => {
    span.logAttributes({ n });
    await span.span("inner", () => {
      sq = n * n;
    });
  });
  ctx.tracer.logAttributes({ tokens: { prompt: 12 } });
  return [{ sq }, state.update({ n: n + 1 }).append({ squares: sq })];
});

export const answer = streamingAction({ reads: ["n"], writes: ["response"] }, async function* (state) {
  const words = ["you", "asked", String(state.get("n"))];
  for (const w of words) yield { delta: w };
  const response = words.join(" ");
  return [{ response }, state.update({ response })];
});

export async function buildTraced(appId: string, tracker: { project: string; storageDir: string; compact?: boolean }) {
  return new ApplicationBuilder()
    .withActions({ work, answer })
    .withTransitions(["work", "answer"], ["answer", "work"])
    .withState({ n: 0, squares: [] })
    .withEntrypoint("work")
    .withIdentifiers({ appId })
    .withTracker("local", tracker)
    .build();
}

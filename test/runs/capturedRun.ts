// A real run whose action captures its errors (onError: captureAs("error")),
// written by the runtime's LocalTrackingClient: fetchPage fails twice with a
// TypeError, retry clears the error each time, the third fetch succeeds.
import { action, ApplicationBuilder, captureAs, expr } from "burr-ts";

/** The message of each captured failure: markup, to check it is shown as text. */
export const failureMessage = (n: number): string => `fetch failed (attempt ${n}): <b>503</b><img src=x onerror="document.body.dataset.pwned=1">`;

/** Writes the run under storageDir/<project>/fetch-retry; returns its appId. Steps: fetchPage, retry, fetchPage, retry, fetchPage, summarize. */
export async function writeCapturedRun(storageDir: string, project = "capture"): Promise<string> {
  let calls = 0;
  const fetchPage = action({ reads: ["url"], writes: ["page", "error"], onError: captureAs("error") }, (s) => {
    calls++;
    if (calls < 3) throw new TypeError(failureMessage(calls));
    return s.update({ page: `<html>${String(s.get("url"))}</html>`, error: null });
  });
  const retry = action({ reads: ["attempts"], writes: ["attempts", "error"] }, (s) => s.update({ attempts: (s.get("attempts") as number) + 1, error: null }));
  const summarize = action({ reads: ["page"], writes: ["summary"] }, (s) => s.update({ summary: String(s.get("page")).length }));
  const app = new ApplicationBuilder()
    .withActions({ fetchPage, retry, summarize })
    .withTransitions(["fetchPage", "retry", expr("error != null")], ["retry", "fetchPage"], ["fetchPage", "summarize"])
    .withState({ url: "https://example.com", error: null, attempts: 0 })
    .withEntrypoint("fetchPage")
    .withIdentifiers({ appId: "fetch-retry" })
    .withTracker("local", { project, storageDir })
    .build();
  await app.run({ haltAfter: ["summarize"] });
  return app.uid;
}

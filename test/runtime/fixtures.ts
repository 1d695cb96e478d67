// Small apps shared by the runtime suites (built with the public API, as users do).
import { action, ApplicationBuilder, expr, type LifecycleHooks } from "burr-ts";

export const increment = action({ reads: ["count"], writes: ["count"] }, (state) => {
  const count = state.get("count") + 1;
  return [{ count }, state.update({ count })];
});

export const finish = action({ reads: ["count"], writes: ["done"] }, (state) => [{ done: true }, state.update({ done: true })]);

/** count 0 → increment until count >= limit → finish (which has no way out). */
export function counterApp(limit = 3, hooks: LifecycleHooks[] = []) {
  return new ApplicationBuilder()
    .withActions({ increment, finish })
    .withTransitions(["increment", "finish", expr(`count >= ${limit}`)], ["increment", "increment"])
    .withState({ count: 0 })
    .withEntrypoint("increment")
    .withHooks(...hooks)
    .withDebugGate(null)
    .build();
}

/** Records every hook call as "<hook> <action?>" for order assertions. */
export function recordingHooks(): { hooks: LifecycleHooks; calls: string[] } {
  const calls: string[] = [];
  const hooks: LifecycleHooks = {
    postApplicationCreate: (a) => void calls.push(`postApplicationCreate ${a.appId}`),
    preApplicationExecuteCall: (a) => void calls.push(`preApplicationExecuteCall ${a.method}`),
    postApplicationExecuteCall: (a) => void calls.push(`postApplicationExecuteCall ${a.method}${a.exception ? " failed" : ""}`),
    preRunStep: (a) => void calls.push(`preRunStep ${a.action} ${a.sequenceId}`),
    postRunStep: (a) => void calls.push(`postRunStep ${a.action} ${a.sequenceId}${a.exception ? " failed" : ""}`),
    preStartSpan: (a) => void calls.push(`preStartSpan ${a.span.name} ${a.span.uid}`),
    postEndSpan: (a) => void calls.push(`postEndSpan ${a.span.name} ${a.span.uid}`),
    doLogAttribute: (a) => void calls.push(`doLogAttribute ${a.key}=${JSON.stringify(a.value)} ${a.span?.uid ?? "action"}`),
    preStartStream: (a) => void calls.push(`preStartStream ${a.action}`),
    postStreamItem: (a) => void calls.push(`postStreamItem ${a.action} ${a.itemIndex}`),
    postEndStream: (a) => void calls.push(`postEndStream ${a.action}`),
  };
  return { hooks, calls };
}

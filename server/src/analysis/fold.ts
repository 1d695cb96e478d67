// Folds a resolved builder chain into one app's syntax: what withActions,
// withTransitions, withEntrypoint and withState add up to.
import type { ChainStep } from "./chain.js";
import type { AppSyntax, RunCall, SourceRange } from "./types.js";

export function foldChain(name: string, range: SourceRange, steps: ChainStep[], rootKnown: boolean, runs: RunCall[]): AppSyntax {
  const app: AppSyntax = {
    name, range, actions: [], actionsComplete: rootKnown, transitions: [], transitionsComplete: rootKnown,
    entrypoint: null, chainComplete: rootKnown, initialStateKeys: [], runs, calls: [],
    escapes: [], initializedFrom: false,
  };
  for (const step of steps) {
    app.calls.push({ method: "name" in step ? step.name : step.method, range: step.range });
    switch (step.method) {
      case "withActions":
        app.actions.push(...step.entries);
        if (!step.complete) app.actionsComplete = false;
        if (step.escape) app.escapes.push({ what: step.escape, range: step.range, adds: "actions" });
        break;
      case "withTransitions":
        app.transitions.push(...step.transitions);
        if (!step.complete) app.transitionsComplete = false;
        if (step.escape) app.escapes.push({ what: step.escape, range: step.range, adds: "transitions" });
        break;
      case "withEntrypoint":
        app.entrypoint = step.entrypoint;
        if (!step.entrypoint) app.chainComplete = false;
        break;
      case "withState":
        app.initialStateKeys = step.keys;
        break;
      case "withStateSchema":
        // Validates state; sets none of it.
        app.stateSchemaKeys = step.keys;
        break;
      case "initializeFrom":
        // Actions and transitions stay known; where the app starts and its state do not.
        app.entrypoint ??= step.defaultEntrypoint;
        app.chainComplete = false;
        app.initialStateKeys = null;
        app.initializedFrom = true;
        break;
      case "opaque":
        // initializeFrom / withGraph / anything unknown may bring actions, transitions, state or an entrypoint.
        app.chainComplete = false;
        app.actionsComplete = false;
        app.transitionsComplete = false;
        app.initialStateKeys = null;
        app.escapes.push({ what: step.escape, range: step.range, adds: "anything" });
        break;
      case "other":
        break;
    }
  }
  return app;
}

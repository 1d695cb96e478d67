// burr-ts: Burr for TypeScript. Everything a user imports comes from here.
export * from "./errors.js";
export * from "./actions/index.js";
export * from "./application/index.js";
export * from "./state/index.js";
export * from "./conditions/index.js";
export * from "./persistence/index.js";
export * from "./tracking/index.js";
export * from "./graph/index.js";
export type * from "./lifecycle/hooks.js";
export type { StepGate, GateTarget, BeforeStepInfo, AfterStepInfo } from "./debug/gate.js";

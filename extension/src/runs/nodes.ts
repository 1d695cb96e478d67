// The tree nodes commands act on, named once: the command registry and the
// commands it dispatches to (Create Test, Fork) share them without importing
// each other.
import type { RunsNode } from "./views/treeModel.js";

export type AppNode = Extract<RunsNode, { kind: "app" }>;
export type StepNode = Extract<RunsNode, { kind: "step" }>;

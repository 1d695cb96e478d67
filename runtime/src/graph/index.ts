export type {
  ActionModel,
  GraphModel,
  GraphProblem,
  ProblemCode,
  SourcePosition,
  SourceRange,
  TransitionModel,
  ConditionTree,
} from "./model.js";
export { editDistance, validateGraph } from "./validate.js";
export type { ValidateOptions } from "./validate.js";
export { toDot, toMermaid } from "./visualize.js";
export { WILDCARD, wildcardSources } from "./wildcard.js";
export type { VisualizeOptions } from "./visualize.js";

export { Action, ActionBase, FunctionAction } from "./action.js";
export type { ActionContext, ActionFn, ActionOutcome, ActionResult, ActionSpec, FunctionActionReturn, Inputs } from "./action.js";
export { StreamingAction, StreamingActionBase, FunctionStreamingAction } from "./streaming.js";
export type { PartialResult, StreamingActionFn } from "./streaming.js";
export { action, streamingAction } from "./define.js";
export type {
  ActionFunction,
  ActionReturn,
  KeyedSpec,
  StreamingActionFunction,
  TypedActionFactory,
  TypedActionFn,
  TypedStreamingFactory,
  TypedStreamingFn,
} from "./define.js";

export { Action, ActionBase, FunctionAction } from "./action.js";
export type { ActionContext, ActionFn, ActionOutcome, ActionResult, ActionSpec, FunctionActionReturn, Inputs, NormalizedSpec } from "./action.js";
export { captureAs } from "./capture.js";
export type { CapturedError, CaptureOptions, ErrorCapture } from "./capture.js";
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

export { Action, ActionBase, FunctionAction, TypedAction } from "./action.js";
export type {
  ActionClass,
  ActionClassFactory,
  ActionContext,
  ActionFn,
  ActionOutcome,
  ActionResult,
  ActionSpec,
  ClassState,
  FunctionActionReturn,
  Inputs,
  NormalizedSpec,
  StateOf,
} from "./action.js";
export { captureAs } from "./capture.js";
export type { CapturedError, CaptureOptions, ErrorCapture } from "./capture.js";
export { StreamingAction, StreamingActionBase, FunctionStreamingAction, TypedStreamingAction } from "./streaming.js";
export type { PartialResult, StreamingActionFn, StreamingClass, StreamingClassFactory } from "./streaming.js";
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
export { actionsOf } from "./decorate.js";
export type { ActionDecorator, DecoratedState, MismatchedState, StreamingDecorator } from "./define.js";

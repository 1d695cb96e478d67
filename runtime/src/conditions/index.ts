export { Condition, always, condition, evaluateExpr, expr, when } from "./condition.js";
export type { ConditionState, ConditionShape } from "./condition.js";
export type { ExprNode } from "./parse.js";
export { ConditionKeyError, ConditionTypeError, ExprSyntaxError } from "./errors.js";

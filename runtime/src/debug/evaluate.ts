// What the debug console and conditional breakpoints evaluate: a plain state
// key path (`chatHistory[0].content`), or an expression of the runtime's own
// `expr` language (`count >= 10 and not done`, `len(chatHistory)`), by the
// same evaluator as transitions. Never JavaScript eval.
import type { State } from "../state/state.js";
import { evaluateExpr } from "../conditions/index.js";
import { readKeyPath } from "./protocol.js";

export function evaluateOverState(state: State, expression: string): unknown {
  const path = readKeyPath(state.getAll() as Record<string, unknown>, expression);
  if (path.found) return path.value;
  return evaluateExpr(expression, state);
}

// `expr("...")` text that does not parse: the runtime would throw when the
// module loads, so the editor says so at the exact column, with the runtime's
// own parser and words.
import ts from "typescript";
import { ExprSyntaxError } from "../../../runtime/src/conditions/errors.js";
import { parseExpr } from "../../../runtime/src/conditions/parse.js";
import { calleeName, isStringLike, rangeOf, unwrap, type FileCtx } from "./syntax.js";
import type { AnalysisProblem } from "./types.js";

export function checkExprSyntax(ctx: FileCtx): AnalysisProblem[] {
  // Most files have no expr() at all: skip the walk.
  if (!ctx.sf.text.includes("expr(")) return [];
  const problems: AnalysisProblem[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node) && calleeName(node) === "expr" && node.arguments.length === 1) {
      const arg = unwrap(node.arguments[0]!);
      // Only literals whose text maps one-to-one onto the source (no escapes), so the column is exact.
      if (isStringLike(arg) && arg.getText(ctx.sf).length === arg.text.length + 2) {
        try {
          parseExpr(arg.text);
        } catch (err) {
          if (err instanceof ExprSyntaxError) {
            const at = arg.getStart(ctx.sf) + 1 + Math.min(err.column - 1, arg.text.length);
            const message = err.message.split("\n")[0]!;
            problems.push({ code: "expr-syntax", severity: "error", range: rangeOf(ctx, at, Math.min(at + 1, arg.getEnd() - 1)), message: `${message} Fix the text: expr() throws this when the module loads.` });
          }
        }
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(ctx.sf);
  return problems;
}

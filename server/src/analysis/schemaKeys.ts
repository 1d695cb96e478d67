// Key names of a zod object schema given to withStateSchema, read from the
// source (no type checker): `z.object({ ... })`, `z.strictObject` /
// `z.looseObject`, methods chained on it (`.strict()`, `.describe()`,
// `.refine(...)`, `.extend({ ... })`), or a `const` in the same file holding one.
import ts from "typescript";
import { objectKeys, unwrap, type FileCtx } from "./syntax.js";

const OBJECT_MAKERS = new Set(["object", "strictObject", "looseObject"]);
// Methods that keep an object schema's keys as they are.
const KEEPS_KEYS = new Set(["strict", "passthrough", "strip", "loose", "catchall", "describe", "meta", "refine", "superRefine", "check", "brand", "readonly"]);

/** The schema's keys; null when they cannot be read statically. */
export function zodObjectKeys(ctx: FileCtx, expression: ts.Expression, depth = 0): string[] | null {
  const e = unwrap(expression);
  if (depth > 8) return null;
  if (ts.isIdentifier(e)) {
    const init = constInitializer(ctx.sf, e.text);
    return init ? zodObjectKeys(ctx, init, depth + 1) : null;
  }
  if (!ts.isCallExpression(e) || !ts.isPropertyAccessExpression(e.expression)) return null;
  const method = e.expression.name.text;
  const target = unwrap(e.expression.expression);
  const arg0 = e.arguments[0] ? unwrap(e.arguments[0]) : undefined;
  if (OBJECT_MAKERS.has(method) && ts.isIdentifier(target)) return literalKeys(ctx, arg0);
  if (KEEPS_KEYS.has(method)) return zodObjectKeys(ctx, target, depth + 1);
  if (method === "extend" || method === "merge") {
    const base = zodObjectKeys(ctx, target, depth + 1);
    const more = method === "extend" ? literalKeys(ctx, arg0) : arg0 ? zodObjectKeys(ctx, arg0, depth + 1) : null;
    return base && more ? [...new Set([...base, ...more])] : null;
  }
  return null;
}

function literalKeys(ctx: FileCtx, node: ts.Expression | undefined): string[] | null {
  if (!node || !ts.isObjectLiteralExpression(node)) return null;
  const { keys, complete } = objectKeys(ctx, node);
  return complete ? keys.map((k) => k.name) : null;
}

/** The initializer of a top-level `const name = ...` in this file. */
function constInitializer(sf: ts.SourceFile, name: string): ts.Expression | null {
  for (const statement of sf.statements) {
    if (!ts.isVariableStatement(statement) || !(statement.declarationList.flags & ts.NodeFlags.Const)) continue;
    for (const d of statement.declarationList.declarations) {
      if (ts.isIdentifier(d.name) && d.name.text === name && d.initializer) return d.initializer;
    }
  }
  return null;
}

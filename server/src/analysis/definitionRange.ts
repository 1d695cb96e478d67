// Widens a point to the declaration around it. The runtime records only what a
// stack frame gives (the file, line and column of the `action(` call, of a
// class action's `class` keyword, of `@action(` over a method, or of
// `.withTransitions(`); the debugger maps breakpoint lines to whole
// declarations, so it asks here for the range the point stands for.
import ts from "typescript";
import type { SourceRange } from "./types.js";

export type DefinitionTarget = { kind: "action" } | { kind: "transition"; from: string; to: string };

interface Point {
  line: number;
  character: number;
}

/** The declaration a recorded point stands for, or null when nothing there declares an action or transitions. */
export function definitionRange(sf: ts.SourceFile, file: string, point: Point, target: DefinitionTarget): SourceRange | null {
  const found = offsetOf(sf, point);
  if (found === null) return null;
  // A decorator's frame may point at its `@`: the call starts after it.
  const at = sf.text[found] === "@" ? found + 1 : found;
  const range = (start: number, end: number): SourceRange => ({ file, start: positionOf(sf, start), end: positionOf(sf, end) });
  const call = innermostCallAt(sf, at);
  if (target.kind === "transition") {
    if (!call || !ts.isCallExpression(call)) return null;
    const tuple = call.arguments.find((arg) => tupleMatches(arg, target.from, target.to));
    return tuple ? range(tuple.getStart(sf), tuple.end) : range(call.getStart(sf), call.end);
  }
  if (call) {
    // `super(...)` in a class action's own constructor: the frame is the constructor; the action is the class.
    if (call.expression.kind === ts.SyntaxKind.SuperKeyword) {
      const cls = ts.findAncestor(call, ts.isClassLike);
      return cls ? range(classKeywordStart(sf, cls), cls.end) : null;
    }
    // `action.withState<S>()({...}, fn)`: the whole call, not the factory's.
    let whole: ts.CallExpression | ts.NewExpression = call;
    while (ts.isCallExpression(whole.parent) && whole.parent.expression === whole) whole = whole.parent;
    // `@action({...})` over a method: the decorator and the method it stands over.
    if (ts.isDecorator(whole.parent)) return range(whole.parent.getStart(sf), whole.parent.parent.end);
    return range(whole.getStart(sf), whole.end);
  }
  const cls = classAt(sf, at);
  if (cls) return range(classKeywordStart(sf, cls), cls.end);
  const named = namedDeclarationAt(sf, at);
  return named ? range(named[0], named[1]) : null;
}

/** The innermost call or `new` whose callee (the text before its argument list) holds the offset. */
function innermostCallAt(sf: ts.SourceFile, at: number): ts.CallExpression | ts.NewExpression | null {
  let found: ts.CallExpression | ts.NewExpression | null = null;
  const visit = (node: ts.Node): void => {
    if (at < node.getStart(sf) || at >= node.end) return;
    if (ts.isCallExpression(node) || ts.isNewExpression(node)) {
      const calleeEnd = node.arguments ? node.arguments.pos : node.end;
      if (at < calleeEnd && (ts.isNewExpression(node) || at >= node.expression.getStart(sf))) found = node;
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return found;
}

/** A class whose `class` keyword or name is at the offset. */
function classAt(sf: ts.SourceFile, at: number): ts.ClassLikeDeclaration | null {
  let found: ts.ClassLikeDeclaration | null = null;
  const visit = (node: ts.Node): void => {
    if (at < node.getStart(sf) || at >= node.end) return;
    if (ts.isClassLike(node) && at >= classKeywordStart(sf, node) && at < (node.name?.end ?? classKeywordStart(sf, node) + 5)) found = node;
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return found;
}

function classKeywordStart(sf: ts.SourceFile, cls: ts.ClassLikeDeclaration): number {
  return cls.getChildren(sf).find((c) => c.kind === ts.SyntaxKind.ClassKeyword)?.getStart(sf) ?? cls.getStart(sf);
}

/**
 * A name bound to an action: `const name = action(...)`, `name: action(...)`
 * or a decorated method's name. The range runs from the name to the end of
 * what it is bound to.
 */
function namedDeclarationAt(sf: ts.SourceFile, at: number): [number, number] | null {
  let found: [number, number] | null = null;
  const visit = (node: ts.Node): void => {
    if (at < node.getStart(sf) || at >= node.end) return;
    const name = (node as { name?: ts.Node }).name;
    const onName = name !== undefined && at >= name.getStart(sf) && at < name.end;
    if (onName && (ts.isVariableDeclaration(node) || ts.isPropertyAssignment(node)) && node.initializer) found = [name.getStart(sf), node.initializer.end];
    else if (onName && ts.isMethodDeclaration(node)) found = [node.getStart(sf), node.end];
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return found;
}

/** `["from", "to", ...]` or `[["a", "b"], "to", ...]` naming this transition. */
function tupleMatches(arg: ts.Expression, from: string, to: string): boolean {
  if (!ts.isArrayLiteralExpression(arg) || arg.elements.length < 2) return false;
  const [sources, target] = arg.elements;
  if (!isText(target) || target.text !== to) return false;
  if (isText(sources)) return sources.text === from;
  return ts.isArrayLiteralExpression(sources) && sources.elements.some((s) => isText(s) && s.text === from);
}

function isText(node: ts.Node | undefined): node is ts.StringLiteral | ts.NoSubstitutionTemplateLiteral {
  return node !== undefined && (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node));
}

function offsetOf(sf: ts.SourceFile, point: Point): number | null {
  const lines = sf.getLineStarts();
  if (!Number.isInteger(point.line) || !Number.isInteger(point.character) || point.line < 0 || point.line >= lines.length || point.character < 0) return null;
  return Math.min(lines[point.line]! + point.character, sf.end);
}

function positionOf(sf: ts.SourceFile, offset: number): Point {
  const { line, character } = sf.getLineAndCharacterOfPosition(offset);
  return { line, character };
}

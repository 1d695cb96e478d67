// The import graph of the repository's own TypeScript, read with the
// TypeScript parser (syntax only): every import, export-from, dynamic
// import("...") and require("...") with a string literal, type-only ones
// included (a type import is still a dependency between layers).
import { readdirSync, readFileSync, existsSync, statSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import ts from "typescript";

export interface ImportEdge {
  /** Repository-relative path of the importing file (forward slashes). */
  from: string;
  /** The specifier as written. */
  specifier: string;
  /** Repository-relative path of the imported file, or null for a package or Node built-in. */
  to: string | null;
  line: number;
  /** "type": erased at compile time; "dynamic": import() or require(), loaded only when reached. */
  kind: "static" | "type" | "dynamic";
}

const SKIP = new Set(["node_modules", "dist", ".git", "fixtures"]);

export function sourceFiles(root: string, folder: string): string[] {
  const out: string[] = [];
  const visit = (dir: string): void => {
    if (!existsSync(dir)) return;
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.isDirectory()) {
        if (!SKIP.has(e.name)) visit(join(dir, e.name));
      } else if (/\.(ts|tsx|mts|cts)$/.test(e.name) && !e.name.endsWith(".d.ts")) out.push(join(dir, e.name));
    }
  };
  visit(join(root, folder));
  return out;
}

export function importsOf(root: string, file: string): ImportEdge[] {
  const text = readFileSync(file, "utf8");
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false);
  const edges: ImportEdge[] = [];
  const add = (node: ts.Node, specifier: string, kind: ImportEdge["kind"]) =>
    edges.push({ from: posix(relative(root, file)), specifier, to: resolveSpecifier(root, file, specifier), line: sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1, kind });
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      add(node, node.moduleSpecifier.text, isTypeOnlyImport(node) ? "type" : "static");
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      const typeOnly = node.isTypeOnly || (node.exportClause !== undefined && ts.isNamedExports(node.exportClause) && node.exportClause.elements.every((e) => e.isTypeOnly));
      add(node, node.moduleSpecifier.text, typeOnly ? "type" : "static");
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference) && ts.isStringLiteral(node.moduleReference.expression)) {
      add(node, node.moduleReference.expression.text, node.isTypeOnly ? "type" : "static");
    } else if (ts.isCallExpression(node) && node.arguments.length >= 1 && ts.isStringLiteralLike(node.arguments[0]!)) {
      const callee = node.expression;
      if (callee.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(callee) && callee.text === "require")) add(node, (node.arguments[0] as ts.StringLiteralLike).text, "dynamic");
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      add(node, node.argument.literal.text, "type");
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return edges;
}

function isTypeOnlyImport(node: ts.ImportDeclaration): boolean {
  const clause = node.importClause;
  if (!clause) return false; // a side-effect import runs the module
  if (clause.isTypeOnly) return true;
  const named = clause.namedBindings;
  return clause.name === undefined && named !== undefined && ts.isNamedImports(named) && named.elements.length > 0 && named.elements.every((e) => e.isTypeOnly);
}

/** A relative specifier to the file it names (`./x.js` is `./x.ts` in source); null for packages. */
function resolveSpecifier(root: string, file: string, specifier: string): string | null {
  if (!specifier.startsWith(".")) return null;
  const base = resolve(dirname(file), specifier);
  const stem = base.replace(/\.(m|c)?js$/, "");
  const candidates = [base, `${stem}.ts`, `${stem}.tsx`, `${stem}.mts`, `${stem}.cts`, join(base, "index.ts")];
  const found = candidates.find((c) => existsSync(c) && statSync(c).isFile()) ?? base;
  return posix(relative(root, found));
}

function posix(path: string): string {
  return path.split(sep).join("/");
}

/** Every cycle's strongly connected component (Tarjan), each with one example loop. */
export function cycles(edges: readonly ImportEdge[]): string[][] {
  const graph = new Map<string, Set<string>>();
  for (const e of edges) {
    if (!e.to || e.to === e.from) continue;
    if (!graph.has(e.from)) graph.set(e.from, new Set());
    graph.get(e.from)!.add(e.to);
  }
  let index = 0;
  const indices = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const connect = (v: string): void => {
    indices.set(v, index);
    low.set(v, index++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!indices.has(w)) {
        connect(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, indices.get(w)!));
    }
    if (low.get(v) === indices.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1) found.push(loopWithin(graph, new Set(component)));
    }
  };
  for (const v of [...graph.keys()].sort()) if (!indices.has(v)) connect(v);
  return found;
}

/** One loop through a component, for a readable message: a -> b -> ... -> a. */
function loopWithin(graph: Map<string, Set<string>>, members: Set<string>): string[] {
  const start = [...members].sort()[0]!;
  const prev = new Map<string, string>();
  const queue = [start];
  while (queue.length) {
    const v = queue.shift()!;
    for (const w of graph.get(v) ?? []) {
      if (!members.has(w)) continue;
      if (w === start) {
        const path = [start];
        for (let at = v; at !== start; at = prev.get(at)!) path.splice(1, 0, at);
        return [...path, start];
      }
      if (!prev.has(w)) {
        prev.set(w, v);
        queue.push(w);
      }
    }
  }
  return [...members];
}

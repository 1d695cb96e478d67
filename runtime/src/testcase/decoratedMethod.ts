// For "Create test from step" on a decorated action: which exported class
// declares the method, and what its constructor takes, read from the module's
// text near the line the run recorded (the method's decorator).
export interface DecoratedMethod {
  className: string;
  /** The constructor's parameter list as written (without parentheses); "" when it takes none. */
  constructorParams: string;
}

/**
 * The exported class whose `@…(…)`-decorated method `actionName` is declared at
 * or just after `definedAtLine` (0-based); null when the text shows no such method.
 */
export function findDecoratedMethod(sourceText: string, actionName: string, definedAtLine: number): DecoratedMethod | null {
  const lines = sourceText.split("\n");
  if (!/^\s*@/.test(lines[definedAtLine] ?? "")) return null;
  const name = actionName.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const method = new RegExp(`^\\s*(?:async\\s+)?\\*?\\s*(?:${name}|"${name}"|'${name}')\\s*[(<]`);
  // Past the decorator (which may span lines) to the method's own line.
  let at = -1;
  for (let i = definedAtLine; i < Math.min(lines.length, definedAtLine + 40); i++) if (method.test(lines[i]!)) { at = i; break; }
  if (at < 0) return null;
  let cls: { name: string; line: number } | null = null;
  for (let i = at; i >= 0 && !cls; i--) {
    const m = /^\s*export\s+(?:default\s+)?(?:abstract\s+)?class\s+([A-Za-z_$][\w$]*)/.exec(lines[i]!);
    if (m) cls = { name: m[1]!, line: i };
  }
  if (!cls) return null;
  const body = lines.slice(cls.line, at).join("\n");
  const ctor = /\bconstructor\s*\(/.exec(body);
  return { className: cls.name, constructorParams: ctor ? paramsFrom(body, ctor.index + ctor[0].length) : "" };
}

/** The text up to the parenthesis closing the one just before `from`. */
function paramsFrom(text: string, from: number): string {
  let depth = 1;
  for (let i = from; i < text.length; i++) {
    const c = text[i];
    if (c === "(" || c === "{" || c === "[" || c === "<") depth++;
    else if (c === ")" || c === "}" || c === "]" || (c === ">" && text[i - 1] !== "=")) depth--;
    if (depth === 0) return text.slice(from, i).trim();
  }
  return "";
}

/** A starting point for the constructor call: the class with a placeholder per parameter. */
export function constructorDraft(found: DecoratedMethod): string {
  if (!found.constructorParams) return `new ${found.className}()`;
  const names = splitTopLevel(found.constructorParams).map((p) => p.replace(/^(?:private|public|protected|readonly|\s)+/g, "").split(/[:=?]/)[0]!.trim());
  return `new ${found.className}(${names.map((n) => `/* ${n.replace(/\*\//g, "")} */ undefined as never`).join(", ")})`;
}

function splitTopLevel(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "(" || c === "{" || c === "[" || c === "<") depth++;
    else if (c === ")" || c === "}" || c === "]" || (c === ">" && text[i - 1] !== "=")) depth--;
    else if (c === "," && depth === 0) { out.push(text.slice(start, i)); start = i + 1; }
  }
  if (text.slice(start).trim()) out.push(text.slice(start));
  return out.filter((p) => p.trim());
}

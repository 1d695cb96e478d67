// Code-level checks of one action declaration: its body against its reads and writes.
import type { ActionDef, AnalysisProblem, NameList, ProblemFix } from "./types.js";

export function actionName(def: ActionDef): string {
  const local = def.id.slice(def.id.lastIndexOf("#") + 1);
  const inline = /^inline:([^@]*)@/.exec(local);
  return inline ? inline[1]! : local;
}

function addFix(list: NameList, key: string, field: string): ProblemFix {
  const newText = list.missingProperty ? `${list.missingProperty}: ["${key}"], ` : `${list.separator}"${key}"`;
  return { title: `Add "${key}" to ${field}`, range: list.insertAt, newText };
}

export function checkAction(def: ActionDef): AnalysisProblem[] {
  const problems: AnalysisProblem[] = [];
  const name = actionName(def);
  const captured = def.onError;
  const declaredWrite = (key: string) => !!def.writes?.items.some((w) => w.name === key);
  // When the body writes the key too, that write's diagnostic (and fix) covers it.
  const bodyWrites = (key: string) => !!def.access?.writes.some((w) => w.name === key);
  if (captured && def.writes?.complete && !declaredWrite(captured.name) && !bodyWrites(captured.name)) {
    problems.push({
      code: "undeclared-write", severity: "error", range: captured.range, action: name, key: captured.name,
      message: `Action "${name}" writes a captured error to state key "${captured.name}" (onError: captureAs("${captured.name}")) but does not declare it: add "${captured.name}" to its writes.`,
      fix: addFix(def.writes, captured.name, "writes"),
    });
  }
  problems.push(...checkInputs(def, name));
  const access = def.access;
  if (!access) return problems;
  if (def.reads?.complete) {
    const declared = new Set(def.reads.items.map((r) => r.name));
    for (const r of access.reads) {
      if (declared.has(r.name)) continue;
      problems.push({
        code: "undeclared-read", severity: "error", range: r.range, action: name, key: r.name,
        message: `Action "${name}" reads state key "${r.name}" but does not declare it: add "${r.name}" to its reads.`,
        fix: addFix(def.reads, r.name, "reads"),
      });
    }
  }
  if (def.writes?.complete) {
    const declared = new Set(def.writes.items.map((w) => w.name));
    for (const w of access.writes) {
      if (declared.has(w.name)) continue;
      problems.push({
        code: "undeclared-write", severity: "error", range: w.range, action: name, key: w.name,
        message: `Action "${name}" writes state key "${w.name}" but does not declare it: add "${w.name}" to its writes.`,
        fix: addFix(def.writes, w.name, "writes"),
      });
    }
    if (access.writesComplete) {
      const written = new Set(access.writes.map((w) => w.name));
      for (const w of def.writes.items) {
        // The runtime writes the onError key when the action throws.
        if (written.has(w.name) || w.name === captured?.name) continue;
        problems.push({
          code: "unused-write", severity: "warning", range: w.range, action: name, key: w.name,
          message: `Action "${name}" declares write "${w.name}" but never writes it: write it in the body or remove it from writes.`,
        });
      }
    }
  }
  return problems;
}

/**
 * A name the function destructures from its inputs that the spec does not
 * declare: the runtime never passes it, so it is silently undefined (or its
 * default). The fix declares it (in optionalInputs when it has a default).
 */
function checkInputs(def: ActionDef, name: string): AnalysisProblem[] {
  const use = def.inputUse;
  if (!use || !use.inputs.complete || !use.optionalInputs.complete) return [];
  const declared = new Set([...use.inputs.items, ...use.optionalInputs.items].map((i) => i.name));
  return use.used
    .filter((u) => !declared.has(u.name))
    .map((u) => {
      const field = u.hasDefault ? "optionalInputs" : "inputs";
      return {
        code: "undeclared-input" as const,
        severity: "error" as const,
        range: u.range,
        action: name,
        key: u.name,
        message:
          `Action "${name}" uses input "${u.name}" but does not declare it, so the runtime never passes it ` +
          `(it is always ${u.hasDefault ? "its default" : "undefined"}): add "${u.name}" to its ${field}.`,
        fix: addFix(u.hasDefault ? use.optionalInputs : use.inputs, u.name, field),
      };
    });
}

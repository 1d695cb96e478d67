// withStateSchema: a Standard Schema (zod 4, valibot, arktype...) checks what
// each step writes before the step commits, and the state an app starts from.
// Only written keys are checked: per key when the schema exposes its keys
// (zod `.shape`, valibot `.entries`, arktype `.props`), else the whole object
// with the written keys, keeping only issues about them. A key grown by
// append/extend is checked by its new items, so a step's cost stays flat.
import { BurrError, type BurrErrorContext } from "../errors.js";
import type { StepChanges } from "../lifecycle/hooks.js";
import type { State } from "../state/state.js";
import type { StandardIssue, StandardResult, StandardSchemaV1 } from "../state/standardSchema.js";

export interface StateIssue {
  /** The state key the issue is about. */
  key: string;
  /** Where inside its value, e.g. `chatHistory[3].role`. */
  path: string;
  /** The schema's own message. */
  message: string;
}

/** A step wrote (or a loaded state holds) a value its state schema rejects; the step was not committed. */
export class StateValidationError extends BurrError {
  readonly issues: readonly StateIssue[];
  constructor(what: string, issues: readonly StateIssue[], ctx: BurrErrorContext) {
    const lines = issues.map((i) => `  - ${i.path}: ${i.message}`).join("\n");
    super(`${what} fails the state schema:\n${lines}\nFix the value, or the schema given to withStateSchema.\n`, { ...ctx, key: issues[0]?.key });
    this.issues = issues;
  }
}

type Check = StateIssue[] | Promise<StateIssue[]>;

const made = new WeakMap<object, StateSchema>();

export class StateSchema {
  /** One per schema object (its per-key lookup is worked out once). */
  static of(schema: StandardSchemaV1): StateSchema {
    let s = made.get(schema);
    if (s === undefined) made.set(schema, (s = new StateSchema(schema)));
    return s;
  }

  private readonly perKey: ReadonlyMap<string, StandardSchemaV1> | null;

  constructor(private readonly schema: StandardSchemaV1) {
    this.perKey = keySchemas(schema);
  }

  /** Checks one step's writes: throws StateValidationError, or returns a promise of that check when the schema is async. */
  checkStep(changes: StepChanges, ctx: BurrErrorContext & { action: string }): void | Promise<void> {
    const values: Record<string, unknown> = { ...changes.set };
    for (const key of Object.keys(changes.appended)) values[key] = changes.appended[key];
    if (Object.keys(values).length === 0) return;
    const appended = Object.keys(changes.appended);
    const what = `Action "${ctx.action}" wrote state that`;
    return settle(this.check(values), (issues) => {
      if (!issues.length) return;
      for (const issue of issues) if (appended.includes(issue.key)) issue.message += " (in the items appended this step)";
      throw new StateValidationError(what, issues, ctx);
    });
  }

  /** Checks every key of a state (the initial one, or one loaded by initializeFrom). */
  checkState(state: State, what: string, ctx: BurrErrorContext): void | Promise<void> {
    return settle(this.check(state.getAll()), (issues) => {
      if (issues.length) throw new StateValidationError(what, issues, ctx);
    });
  }

  private check(values: Record<string, unknown>): Check {
    if (this.perKey !== null) {
      const pending: Array<Promise<StateIssue[]>> = [];
      const issues: StateIssue[] = [];
      for (const key of Object.keys(values)) {
        const schema = this.perKey.get(key);
        if (schema === undefined) continue;
        const result = schema["~standard"].validate(values[key]);
        if (isThenable<StandardResult<unknown>>(result)) pending.push(Promise.resolve(result).then((r) => issuesOf(r, key)));
        else if (result.issues) issues.push(...issuesOf(result, key));
      }
      return pending.length ? Promise.all(pending).then((more) => issues.concat(...more)) : issues;
    }
    const result = this.schema["~standard"].validate(values);
    const written = (r: StandardResult<unknown>) => issuesOf(r, null).filter((issue) => Object.hasOwn(values, issue.key));
    return isThenable<StandardResult<unknown>>(result) ? Promise.resolve(result).then(written) : written(result);
  }
}

function settle(check: Check, then: (issues: StateIssue[]) => void): void | Promise<void> {
  return isThenable<StateIssue[]>(check) ? Promise.resolve(check).then(then) : then(check);
}

/** Issues as StateIssues; `key` set means the value validated was that key's (paths are relative to it). */
function issuesOf(result: StandardResult<unknown>, key: string | null): StateIssue[] {
  if (!result.issues) return [];
  const out: StateIssue[] = [];
  for (const issue of result.issues) {
    // Array.from, not .map: a library's path may be an Array subclass whose species builds something else (arktype).
    const steps = Array.from(issue.path ?? [], segment);
    if (key === null && steps.length === 0) continue; // object-level rules need the whole state: not checked per step
    const full = key === null ? steps : [key, ...steps];
    out.push({ key: String(full[0]), path: formatPath(full), message: messageOf(issue) });
  }
  return out;
}

function segment(step: PropertyKey | { readonly key: PropertyKey }): string | number {
  const raw = typeof step === "object" && step !== null ? step.key : step;
  return typeof raw === "number" ? raw : String(raw);
}

function formatPath(steps: readonly (string | number)[]): string {
  return steps.map((s, i) => (typeof s === "number" ? `[${s}]` : i === 0 ? s : /^[A-Za-z_$][\w$]*$/.test(s) ? `.${s}` : `[${JSON.stringify(s)}]`)).join("");
}

function messageOf(issue: StandardIssue): string {
  return typeof issue.message === "string" && issue.message !== "" ? issue.message : "invalid";
}

/** Per-key schemas when the object schema exposes them; null to validate whole objects. */
function keySchemas(schema: StandardSchemaV1): ReadonlyMap<string, StandardSchemaV1> | null {
  const found = new Map<string, StandardSchemaV1>();
  try {
    const s = schema as unknown as { shape?: unknown; entries?: unknown; props?: unknown };
    const record = isRecord(s.shape) ? s.shape : isRecord(s.entries) ? s.entries : null;
    if (record !== null) {
      for (const [key, inner] of Object.entries(record)) {
        if (!isSchema(inner)) return null;
        found.set(key, inner);
      }
      return found;
    }
    if (Array.isArray(s.props)) {
      for (const prop of s.props as Array<{ key?: unknown; value?: unknown }>) {
        if (typeof prop.key !== "string" || !isSchema(prop.value)) return null;
        found.set(prop.key, prop.value);
      }
      return found.size ? found : null;
    }
  } catch {
    // A schema whose introspection throws is validated as a whole.
  }
  return null;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

function isSchema(v: unknown): v is StandardSchemaV1 {
  const props = v !== null && (typeof v === "object" || typeof v === "function") ? (v as { "~standard"?: { validate?: unknown } })["~standard"] : undefined;
  return typeof props?.validate === "function";
}

function isThenable<T>(v: unknown): v is PromiseLike<T> {
  return v !== null && typeof v === "object" && typeof (v as { then?: unknown }).then === "function";
}

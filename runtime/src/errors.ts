// Every error the runtime throws derives from BurrError, and its message names
// the app, the action, the key and what to do, so a log line alone is enough.
import type { GraphProblem } from "./graph/model.js";

export interface BurrErrorContext {
  appId?: string;
  partitionKey?: string | null;
  action?: string;
  key?: string;
  sequenceId?: number;
}

function describeContext(ctx: BurrErrorContext): string {
  const parts: string[] = [];
  if (ctx.appId !== undefined) parts.push(`app "${ctx.appId}"`);
  if (ctx.partitionKey) parts.push(`partition "${ctx.partitionKey}"`);
  if (ctx.action !== undefined) parts.push(`action "${ctx.action}"`);
  if (ctx.sequenceId !== undefined) parts.push(`sequence id ${ctx.sequenceId}`);
  if (ctx.key !== undefined) parts.push(`key "${ctx.key}"`);
  return parts.length ? ` [${parts.join(", ")}]` : "";
}

export class BurrError extends Error {
  readonly appId?: string;
  readonly partitionKey?: string | null;
  readonly action?: string;
  readonly key?: string;
  readonly sequenceId?: number;

  constructor(message: string, ctx: BurrErrorContext = {}, options?: { cause?: unknown }) {
    super(message + describeContext(ctx), options);
    this.name = new.target.name;
    this.appId = ctx.appId;
    this.partitionKey = ctx.partitionKey;
    this.action = ctx.action;
    this.key = ctx.key;
    this.sequenceId = ctx.sequenceId;
  }
}

/** build() found problems in the graph: one error listing every one of them. */
export class InvalidGraphError extends BurrError {
  readonly problems: GraphProblem[];
  constructor(problems: GraphProblem[], ctx: BurrErrorContext = {}) {
    const lines = problems.map((p, i) => `  ${i + 1}. [${p.code}] ${p.message}`);
    super(
      `The application graph has ${problems.length} problem${problems.length === 1 ? "" : "s"}; fix ${problems.length === 1 ? "it" : "them"} and build again:\n${lines.join("\n")}\n`,
      ctx,
    );
    this.problems = problems;
  }
}

/** Misuse of the builder or application API (wrong option, name, order of calls). */
export class ConfigurationError extends BurrError {}

export class MissingInputError extends BurrError {
  readonly missing: string[];
  constructor(missing: string[], ctx: BurrErrorContext & { action: string }) {
    const list = missing.map((m) => `"${m}"`).join(", ");
    const example = missing.map((m) => `${m}: /* FILL ME IN */`).join(", ");
    super(
      `Action "${ctx.action}" needs input${missing.length === 1 ? "" : "s"} ${list} that ${missing.length === 1 ? "was" : "were"} not passed. ` +
        `Pass ${missing.length === 1 ? "it" : "them"} with { inputs: { ${example} } } or pre-fill with .bind({ … })`,
      { ...ctx, key: missing[0] },
    );
    this.missing = missing;
  }
}

export class UndeclaredReadError extends BurrError {
  constructor(ctx: BurrErrorContext & { action: string; key: string }) {
    super(
      `Action "${ctx.action}" read state key "${ctx.key}" that it does not declare in reads. Add "${ctx.key}" to its reads`,
      ctx,
    );
  }
}

export class UndeclaredWriteError extends BurrError {
  constructor(ctx: BurrErrorContext & { action: string; key: string; deleted?: boolean }) {
    const { deleted, ...rest } = ctx;
    super(
      deleted
        ? `Action "${ctx.action}" deleted state key "${ctx.key}" (with wipe) but does not declare it in writes; deleting a key is a write. Add "${ctx.key}" to its writes, or keep the key`
        : `Action "${ctx.action}" wrote state key "${ctx.key}" that it does not declare in writes. Add "${ctx.key}" to its writes, or stop writing it`,
      rest,
    );
  }
}

export class MissingWriteError extends BurrError {
  constructor(ctx: BurrErrorContext & { action: string; key: string }) {
    super(
      `Action "${ctx.action}" declares write "${ctx.key}" but the state it returned has no "${ctx.key}". ` +
        `Set it in every path through the action, or remove it from writes`,
      ctx,
    );
  }
}

/** An action threw; the app's state is the state before the step. `cause` is the original error. */
export class ActionError extends BurrError {
  constructor(cause: unknown, ctx: BurrErrorContext & { action: string; sequenceId: number }) {
    const inner = cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
    super(
      `Action "${ctx.action}" failed at sequence id ${ctx.sequenceId}: ${inner}. The app's state is unchanged (the state before the step); fix the action and step again`,
      ctx,
      { cause },
    );
  }
}

/** A lifecycle hook threw: names the hook point and the hook, never swallowed. */
export class HookError extends BurrError {
  readonly hook: string;
  readonly hookName: string;
  constructor(hook: string, hookName: string, cause: unknown, ctx: BurrErrorContext = {}) {
    const inner = cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
    super(`Lifecycle hook ${hookName}.${hook} failed: ${inner}. Fix or remove the hook`, ctx, { cause });
    this.hook = hook;
    this.hookName = hookName;
  }
}

/** An action returned something that is not a result/state pair or a State. */
export class InvalidActionResultError extends BurrError {}

/** A value that state cannot serialize, caught where it enters. */
export class StateSerializationError extends BurrError {}

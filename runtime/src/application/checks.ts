// The per-step checks of Burr's semantics, kept cheap: inputs are resolved
// against the action's declaration, reads go through a view that shares the
// state's storage (no copy), and writes are found by comparing slots by identity.
import { State } from "../state/state.js";
import type { ActionBase, ActionContext, Inputs } from "../actions/action.js";
import { EMPTY_INPUTS } from "../actions/action.js";
import { checkCapture, type ErrorCapture } from "../actions/capture.js";
import {
  ConfigurationError,
  MissingInputError,
  MissingWriteError,
  UndeclaredReadError,
  UndeclaredWriteError,
} from "../errors.js";

/** What the runtime precomputes once per action of an app. */
export interface CompiledAction {
  name: string;
  action: ActionBase;
  reads: ReadonlySet<string>;
  writes: ReadonlySet<string>;
  writeList: readonly string[];
  /** True when the action takes no inputs at all (no allocation per step). */
  noInputs: boolean;
  /** Where the action's exceptions go (onError: captureAs), or null. */
  capture: ErrorCapture | null;
}

export function compileAction(name: string, action: ActionBase): CompiledAction {
  // Class actions set onError as a field, after any constructor could check it: checked here, at build().
  if (action.onError !== null && action.onError !== undefined) checkCapture(action.onError, action.writes, name);
  return {
    name,
    action,
    reads: new Set(action.reads),
    writes: new Set(action.writes),
    writeList: [...action.writes],
    noInputs: action.inputs.length === 0 && action.optionalInputs.length === 0 && Object.keys(action.boundInputs).length === 0,
    capture: action.onError ?? null,
  };
}

/** Rejects "__"-prefixed inputs (reserved, as in Burr); done once per call, not per step. */
export function checkUserInputs(inputs: Inputs | undefined, appId: string): void {
  if (!inputs) return;
  for (const key in inputs) {
    if (key.charCodeAt(0) === 95 && key.charCodeAt(1) === 95 && Object.hasOwn(inputs, key)) {
      throw new ConfigurationError(`Input "${key}" starts with "__", which is reserved; rename it`, { appId, key });
    }
  }
}

/** The inputs the action declares, from bound values and the caller's inputs; throws naming missing ones. */
export function resolveInputs(compiled: CompiledAction, given: Inputs | undefined, appId: string, partitionKey: string | null): Inputs {
  if (compiled.noInputs) return EMPTY_INPUTS;
  const { action } = compiled;
  const out: Inputs = action.boundInputs === EMPTY_INPUTS ? {} : { ...action.boundInputs };
  let missing: string[] | null = null;
  for (const name of action.inputs) {
    if (given !== undefined && Object.hasOwn(given, name)) out[name] = given[name];
    else (missing ??= []).push(name);
  }
  if (given !== undefined) {
    for (const name of action.optionalInputs) if (Object.hasOwn(given, name)) out[name] = given[name];
  }
  if (missing) throw new MissingInputError(missing, { appId, partitionKey, action: compiled.name });
  return out;
}

// The read-checked view: an object whose prototype overrides the reading
// methods and shares the original state's storage, so making one is O(1).
const ALLOWED = Symbol("allowedReads");
const CONTEXT = Symbol("stepContext");

interface GuardedFields {
  slots: unknown;
  [ALLOWED]: ReadonlySet<string>;
  [CONTEXT]: ActionContext;
}

function guardRead(view: GuardedFields, key: string): void {
  if (!view[ALLOWED].has(key)) {
    const ctx = view[CONTEXT];
    throw new UndeclaredReadError({
      appId: ctx.appId,
      partitionKey: ctx.partitionKey,
      action: ctx.action,
      key,
      sequenceId: ctx.sequenceId,
    });
  }
}

function readableValues(view: GuardedFields): Record<string, unknown> {
  const all: Record<string, unknown> = {};
  for (const key of view[ALLOWED]) if (base.has.call(view, key)) all[key] = base.get.call(view, key);
  return all;
}

const base = State.prototype as unknown as Record<string, (...args: unknown[]) => unknown>;
const guardedPrototype: object = Object.create(State.prototype, {
  get: {
    value(this: GuardedFields, key: string, ...fallback: unknown[]) {
      guardRead(this, key);
      return base.get.call(this, key, ...fallback);
    },
  },
  has: {
    value(this: GuardedFields, key: string) {
      guardRead(this, key);
      return base.has.call(this, key);
    },
  },
  // Whole-state reads see only the declared reads.
  getAll: {
    value(this: GuardedFields) {
      return readableValues(this);
    },
  },
  serialize: {
    value(this: GuardedFields) {
      return readableValues(this);
    },
  },
  toJSON: {
    value(this: GuardedFields) {
      return readableValues(this);
    },
  },
});

// A constructor (not Object.create plus stores) so V8 allocates every view with one fixed shape.
const GuardedView = function (this: GuardedFields, slots: unknown, allowed: ReadonlySet<string>, ctx: ActionContext) {
  this.slots = slots;
  this[ALLOWED] = allowed;
  this[CONTEXT] = ctx;
} as unknown as new (slots: unknown, allowed: ReadonlySet<string>, ctx: ActionContext) => GuardedFields;
GuardedView.prototype = guardedPrototype;

/** A State for the action to read from: undeclared keys throw UndeclaredReadError. */
export function readCheckedView(state: State, compiled: CompiledAction, ctx: ActionContext): State {
  // Shares the storage of `state`: State keeps it in the TS-private field `slots`.
  return new GuardedView(slotsOf(state), compiled.reads, ctx) as unknown as State;
}

function slotsOf(state: State): Record<string, unknown> {
  return (state as unknown as { slots: Record<string, unknown> }).slots;
}

const EMPTY_STATE = new State();

/** A plain State for a read-checked view (e.g. one handed to a child app); other states as they are. */
export function unwrapView(state: State): State {
  return Object.getPrototypeOf(state) === guardedPrototype ? state.merge(EMPTY_STATE) : state;
}

/**
 * After the step: every key whose value changed (or was deleted) must be a
 * declared write, and every declared write must be present or deleted by
 * the step (deleting a key is a write, as in Burr).
 */
export function checkWrites(before: State, after: State, compiled: CompiledAction, ctx: ActionContext): void {
  const { writes } = compiled;
  const prev = slotsOf(before);
  const next = slotsOf(after);
  const fail = (Err: typeof UndeclaredWriteError | typeof MissingWriteError, key: string) =>
    new Err({ appId: ctx.appId, partitionKey: ctx.partitionKey, action: ctx.action, sequenceId: ctx.sequenceId, key });
  // for-in over the raw slots: no key arrays allocated per step.
  for (const key in next) {
    if (writes.has(key)) continue;
    if (next[key] !== prev[key] || !Object.hasOwn(prev, key)) throw fail(UndeclaredWriteError, key);
  }
  for (const key in prev) {
    if (!writes.has(key) && !Object.hasOwn(next, key)) {
      throw new UndeclaredWriteError({ appId: ctx.appId, partitionKey: ctx.partitionKey, action: ctx.action, sequenceId: ctx.sequenceId, key, deleted: true });
    }
  }
  const writeList = compiled.writeList;
  for (let i = 0; i < writeList.length; i++) {
    const key = writeList[i];
    if (!Object.hasOwn(next, key) && !Object.hasOwn(prev, key)) throw fail(MissingWriteError, key);
  }
}

// Action decorators: `@action(spec)` / `@streamingAction(spec)` on class
// methods (TC39 standard decorators, TypeScript 5+), and `actionsOf(instance)`
// turning an instance's decorated methods into actions bound to it. The
// decorator only records the spec in the class's decorator metadata; the
// actions are ordinary FunctionAction / FunctionStreamingAction objects, so a
// step costs what a function action's does.
import { ConfigurationError } from "../errors.js";
import { ActionBase, FunctionAction, checkSpec, describe, type ActionFn, type ActionSpec, type Inputs } from "./action.js";
import { captureSite, type CallSite } from "./callSite.js";
import { FunctionStreamingAction, type StreamingActionFn } from "./streaming.js";

// Node has no Symbol.metadata yet: compilers (tsc, esbuild) attach decorator
// metadata only when it exists, so define it as the proposal's polyfill does
// (esbuild falls back to this same registered symbol).
const symbols = Symbol as unknown as { metadata?: symbol };
symbols.metadata ??= Symbol.for("Symbol.metadata");

/** Where a class's decorated methods are listed, in its decorator metadata. */
const ACTIONS = Symbol("burr-ts actions");

interface DecoratedMethod {
  name: string;
  kind: "function" | "streaming";
  spec: ActionSpec;
  site: CallSite;
}

type Metadata = Record<PropertyKey, unknown> & { [ACTIONS]?: DecoratedMethod[] };

/** The decorator `action(spec)` / `streamingAction(spec)` return (typed in define.ts). */
export function methodDecorator(kind: DecoratedMethod["kind"], spec: ActionSpec): (value: unknown, context: unknown) => void {
  checkSpec(spec);
  // The decorator expression is evaluated where it is written: this frame is the `@action(` line.
  const site = captureSite();
  const factory = kind === "streaming" ? "streamingAction" : "action";
  return (value, context) => {
    if (!isStandardContext(context)) {
      const where = typeof context === "string" ? ` on "${context}"` : "";
      throw new ConfigurationError(
        `@${factory}${where} was compiled as a legacy decorator ("experimentalDecorators": true in tsconfig.json). ` +
          `burr-ts uses standard decorators (TypeScript 5+, esbuild, tsx): remove "experimentalDecorators" from the tsconfig that compiles this file.`,
      );
    }
    const name = String(context.name);
    if (context.kind !== "method" || typeof value !== "function") {
      throw new ConfigurationError(`@${factory} goes on a method, but "${name}" is a ${context.kind}: write it as a method, name(state, inputs) { … }`, { key: name });
    }
    if (context.static || context.private) {
      throw new ConfigurationError(
        `@${factory} on "${name}": ${context.static ? "static" : "private"} methods cannot be actions; make it a public instance method (its name is the action's name)`,
        { key: name },
      );
    }
    const metadata = context.metadata as Metadata | undefined;
    if (!metadata) {
      throw new ConfigurationError(`@${factory} on "${name}": this compiler does not provide decorator metadata; compile with TypeScript 5.2+ or esbuild 0.21+`, { key: name });
    }
    // A subclass's metadata inherits its base's: give it a list of its own.
    const own = Object.hasOwn(metadata, ACTIONS) ? metadata[ACTIONS]! : (metadata[ACTIONS] = []);
    own.push({ name, kind, spec, site });
  };
}

interface StandardContext {
  kind: string;
  name: string | symbol;
  static: boolean;
  private: boolean;
  metadata?: object;
}

function isStandardContext(c: unknown): c is StandardContext {
  return typeof c === "object" && c !== null && typeof (c as { kind?: unknown }).kind === "string" && "name" in c;
}

function metadataOf(ctor: unknown): Metadata | undefined {
  if (typeof ctor !== "function") return undefined;
  const key = symbols.metadata!;
  const m = (ctor as unknown as Record<symbol, unknown>)[key] ?? (ctor as unknown as Record<symbol, unknown>)[Symbol.for("Symbol.metadata")];
  return typeof m === "object" && m !== null ? (m as Metadata) : undefined;
}

/** Decorated methods of a class, base classes first, each name once (an override keeps its base's place). */
function decoratedMethods(ctor: unknown): DecoratedMethod[] {
  const chain: DecoratedMethod[][] = [];
  for (let m = metadataOf(ctor); m; m = Object.getPrototypeOf(m) as Metadata | undefined) {
    if (Object.hasOwn(m, ACTIONS)) chain.unshift(m[ACTIONS]!);
  }
  const byName = new Map<string, DecoratedMethod>();
  for (const list of chain) for (const d of list) byName.set(d.name, d);
  return [...byName.values()];
}

/**
 * The actions declared with `@action` / `@streamingAction` on `instance`'s
 * class (and its base classes), named after their methods, in declaration
 * order, each calling its method with `this` bound to `instance`:
 * `builder.withActions(actionsOf(new Chatbot(model)))`.
 */
export function actionsOf(instance: object): Record<string, ActionBase> {
  if (instance === null || (typeof instance !== "object" && typeof instance !== "function")) {
    throw new ConfigurationError(`actionsOf() takes an instance of a class with @action methods, got ${describe(instance)}`);
  }
  const ctor = (instance as { constructor?: unknown }).constructor;
  const className = typeof ctor === "function" && ctor.name ? ctor.name : "this object";
  const methods = decoratedMethods(ctor);
  if (methods.length === 0) {
    const hint = typeof instance === "function" ? " (pass an instance: actionsOf(new X(...)), not the class)" : "";
    throw new ConfigurationError(`actionsOf(): ${className} has no @action or @streamingAction methods${hint}`);
  }
  const out: Record<string, ActionBase> = {};
  for (const d of methods) {
    const method = (instance as Record<string, unknown>)[d.name];
    if (typeof method !== "function") {
      throw new ConfigurationError(`actionsOf(): ${className}.${d.name} is declared with @${d.kind === "streaming" ? "streamingAction" : "action"} but is not a method of this instance`, { action: d.name });
    }
    const fn = method.bind(instance) as ActionFn<Inputs> & StreamingActionFn<Inputs>;
    const act = d.kind === "streaming" ? new FunctionStreamingAction<Inputs>(d.spec, fn) : new FunctionAction<Inputs>(d.spec, fn);
    // The method, not this call, is where the action is defined.
    Object.defineProperty(act, "site", { value: d.site });
    out[d.name] = act;
  }
  return out;
}

// Wire values as DAP variables: a handle table of (frame, scope, path, value),
// handles created on demand as the user expands; long lists page by index.
import { Handles } from "@vscode/debugadapter";
import type { DebugProtocol } from "@vscode/debugprotocol";
import type { WireValue } from "./source.js";
import { asTagged, parseTaggedEdit, taggedChildren, taggedPreview } from "./taggedValues.js";

export type ScopeName = "State" | "Inputs" | "Result" | "Changes" | "Value" | "Recorded Calls" | "Re-run";

export interface ValueRef {
  frameIndex: number;
  scope: ScopeName;
  /** Path from the scope's root (for State, path[0] is the state key). */
  path: (string | number)[];
  value: WireValue;
  /** Inside a Set or a registered class: shown, but edited only as a whole. */
  readOnly?: boolean;
}

/** Lists longer than this show only indexed children, fetched a page at a time. */
const PAGE_THRESHOLD = 100;

export class VariableStore {
  private handles = new Handles<ValueRef>();

  reset(): void {
    this.handles = new Handles<ValueRef>();
  }

  get(reference: number): ValueRef | undefined {
    return this.handles.get(reference);
  }

  /** A handle for a structured value, 0 for a primitive. */
  reference(ref: ValueRef): number {
    return isStructured(ref.value) ? this.handles.create(ref) : 0;
  }

  /** Scopes always get a handle, even when empty. */
  scopeReference(ref: ValueRef): number {
    return this.handles.create(ref);
  }

  variable(name: string, ref: ValueRef): DebugProtocol.Variable {
    const value = ref.value;
    const variable: DebugProtocol.Variable = { name, value: preview(value), variablesReference: this.reference(ref) };
    const tagged = asTagged(value);
    if (tagged) {
      variable.type = tagged.key;
    } else if (Array.isArray(value)) {
      variable.type = "array";
      if (value.length > PAGE_THRESHOLD) variable.indexedVariables = value.length;
    } else {
      variable.type = value === null ? "null" : typeof value === "object" ? "object" : typeof value;
    }
    if (ref.scope === "State" && !ref.readOnly) variable.evaluateName = evaluateName(ref.path);
    if (ref.readOnly) variable.presentationHint = { attributes: ["readOnly"] };
    return variable;
  }

  children(parent: ValueRef, args: DebugProtocol.VariablesArguments): DebugProtocol.Variable[] {
    const value = parent.value;
    const child = (key: string | number, v: WireValue) => this.variable(String(key), { ...parent, path: [...parent.path, key], value: v });
    const tagged = asTagged(value);
    if (tagged) {
      if (args.filter === "indexed") return [];
      return taggedChildren(tagged).map((c) =>
        this.variable(c.name, { ...parent, path: [...parent.path, c.step ?? c.name], value: c.value, readOnly: parent.readOnly || c.step === null }),
      );
    }
    if (Array.isArray(value)) {
      if (args.filter === "named") return [];
      const start = args.start ?? 0;
      const count = args.count ?? value.length;
      return value.slice(start, start + count).map((v, i) => child(start + i, v));
    }
    if (value !== null && typeof value === "object") {
      if (args.filter === "indexed") return [];
      return Object.entries(value).map(([k, v]) => child(k, v));
    }
    return [];
  }

  /** The path step and current value of a child being edited; throws when it can only be edited as a whole. */
  childToEdit(parent: ValueRef, name: string): { step: string | number; current: WireValue } {
    const tagged = asTagged(parent.value);
    if (parent.readOnly || (tagged && tagged.key !== "Map")) {
      throw new Error(`"${name}" is inside a ${tagged?.key ?? "value"} that can only be edited as a whole: edit its parent`);
    }
    if (tagged) {
      const child = taggedChildren(tagged).find((c) => c.name === name);
      if (!child || child.step === null) throw new Error(`Map entry "${name}" has a key that is not text or a number: edit the whole Map`);
      return { step: child.step, current: child.value };
    }
    if (Array.isArray(parent.value)) return { step: Number(name), current: parent.value[Number(name)] ?? null };
    const record = parent.value !== null && typeof parent.value === "object" ? parent.value : {};
    return { step: name, current: record[name] ?? null };
  }
}

export function isStructured(value: WireValue): boolean {
  const tagged = asTagged(value);
  if (tagged) return taggedChildren(tagged).length > 0;
  return value !== null && typeof value === "object" && (Array.isArray(value) ? value.length > 0 : Object.keys(value).length > 0);
}

/** One line: primitives as JSON, structures as a short summary. */
export function preview(value: WireValue): string {
  const tagged = asTagged(value);
  if (tagged) return taggedPreview(tagged, shorten);
  if (Array.isArray(value)) return value.length === 0 ? "[]" : `Array(${value.length}) ${shorten(JSON.stringify(value), 80)}`;
  if (value !== null && typeof value === "object") return shorten(JSON.stringify(value), 100);
  return JSON.stringify(value);
}

function shorten(text: string, max: number): string {
  return text.length > max ? text.slice(0, max - 1) + "…" : text;
}

function evaluateName(path: (string | number)[]): string {
  return path.map((p, i) => (typeof p === "number" ? `[${p}]` : /^[A-Za-z_$][\w$]*$/.test(p) ? (i === 0 ? p : `.${p}`) : `["${p}"]`)).join("");
}

/** Parses what the user typed into a value: for a typed value (a Date...) text of that type, else JSON; an error says how to write it. */
export function parseEditedValue(text: string, current: WireValue = null): WireValue {
  const tagged = asTagged(current);
  return tagged ? parseTaggedEdit(tagged, text, parseJson) : parseJson(text);
}

function parseJson(text: string): WireValue {
  try {
    return JSON.parse(text) as WireValue;
  } catch {
    throw new Error(`"${text}" is not a JSON value: write text in quotes ("like this"), numbers, true/false, null, [lists] or {objects}`);
  }
}

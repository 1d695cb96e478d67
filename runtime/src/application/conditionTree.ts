// A condition's shape as the graph model records it (graph/model.ts
// ConditionTree): when() values in the stored form states are recorded in,
// so a viewer compares them with a recorded state as it is. A value that has
// no stored form (a function, an unregistered class) leaves that when() a
// custom condition: its name and keys still show.
import type { ConditionShape } from "../conditions/condition.js";
import type { ConditionTree } from "../graph/model.js";
import { serializeValue } from "../state/serde/codec.js";

export function conditionTree(shape: ConditionShape, name: string): ConditionTree {
  switch (shape.kind) {
    case "default":
      return { kind: "default" };
    case "expr":
      return { kind: "expr", source: shape.source, tree: shape.tree };
    case "custom":
      return { kind: "custom", name: shape.name, keys: [...shape.keys] };
    case "not":
      return { kind: "not", operand: conditionTree(shape.operand, name) };
    case "and":
    case "or":
      return { kind: shape.kind, operands: shape.operands.map((o) => conditionTree(o, name)) };
    case "when":
      try {
        return { kind: "when", equals: Object.keys(shape.values).map((key) => ({ key, value: serializeValue(shape.values[key]) })) };
      } catch {
        return { kind: "custom", name, keys: Object.keys(shape.values) };
      }
  }
}

// The burr/definitionRange request: a point the runtime recorded, widened to
// the declaration it stands for (analysis/definitionRange.ts); with no point,
// the target is looked up by name among the document's apps.
import type ts from "typescript";
import { definitionRange } from "../analysis/definitionRange.js";
import type { FileAnalysis } from "../analysis/types.js";
import type { DefinitionRangeParams, DefinitionRangeResult } from "../protocol.js";

export function definitionRangeResult(analysis: FileAnalysis, sf: ts.SourceFile | null, p: DefinitionRangeParams): DefinitionRangeResult {
  if (!sf) return null;
  const target = p.target;
  if (p.position) {
    return definitionRange(sf, analysis.uri, p.position, target.kind === "action" ? { kind: "action" } : target);
  }
  for (const app of analysis.apps) {
    if (target.kind === "transition") {
      const t = app.graph.transitions.find((t) => t.from === target.from && t.to === target.to && t.source?.file === analysis.uri);
      if (t?.source) return t.source;
      continue;
    }
    const source = app.graph.actions.find((a) => a.name === target.name)?.source;
    if (source?.file !== analysis.uri) continue;
    const found = definitionRange(sf, analysis.uri, source.start, { kind: "action" });
    if (found) return found;
  }
  return null;
}

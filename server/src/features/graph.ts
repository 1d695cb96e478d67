// The burr/graph request: plain graph models of a document's apps.
import type { FileAnalysis } from "../analysis/types.js";
import type { AppGraph, GraphRequestResult } from "../protocol.js";

export function graphResult(analysis: FileAnalysis): GraphRequestResult {
  const apps: AppGraph[] = analysis.apps.map((a) => ({ id: a.id, name: a.name, uri: a.uri, range: a.range, graph: a.graph, problems: a.graphProblems }));
  return { apps };
}

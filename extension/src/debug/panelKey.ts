// Which graph panel a debug session paints: one per app, reused by the next
// session of the same launch, rather than one per run (whose app id is new
// each time), so panels do not pile up.
import type { GraphModel } from "../../../runtime/src/graph/model.js";

export function debugPanelKey(sessionName: string, graph: GraphModel): string {
  const actions = graph.actions.map((a) => a.name).sort().join(",");
  return `debug:${sessionName}:${graph.entrypoint ?? ""}:${actions}`;
}

// The path a run took through its graph, as GraphHighlighter paints it.

/** The path a run took and how often each transition fired, for GraphHighlighter. */
export function pathOf(actions: string[]): { visited: string[]; edgeCounts: Record<string, number> } {
  const edgeCounts: Record<string, number> = {};
  for (let i = 1; i < actions.length; i++) {
    const key = `${actions[i - 1]}->${actions[i]}`;
    edgeCounts[key] = (edgeCounts[key] ?? 0) + 1;
  }
  return { visited: actions, edgeCounts };
}

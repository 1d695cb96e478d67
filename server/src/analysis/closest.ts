// The known name nearest to a misspelt one, for "did you mean" fixes (same
// distance and threshold as the runtime validator, so both suggest alike).
import { editDistance } from "../../../runtime/src/graph/validate.js";

export function closestName(name: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = editDistance(name.toLowerCase(), c.toLowerCase());
    if (d < bestDistance) { best = c; bestDistance = d; }
  }
  return best !== undefined && bestDistance <= Math.max(2, Math.floor(name.length / 3)) ? best : undefined;
}

// Where a run's recorded source file is in the open workspace. A run may come
// from another checkout (another machine, another clone): its absolute paths
// are never used as they are unless they are inside the workspace. The file
// is found by the recorded path's trailing folders, longest match first
// (src/bot/app.ts beats app.ts); equally good matches are ambiguous (ask).
import { statSync } from "node:fs";
import { join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import type { GraphModel, SourceRange } from "../../../../runtime/src/graph/model.js";

export type Placement = { kind: "inside"; file: string } | { kind: "ambiguous"; candidates: string[] } | { kind: "missing" };

/** A recorded file as a path (file: URLs from the language server too). */
export function recordedPath(file: string): string {
  return file.startsWith("file:") ? fileURLToPath(file) : file;
}

export function isInside(file: string, roots: readonly string[]): boolean {
  return roots.some((root) => {
    const rel = relative(resolve(root), resolve(file));
    return rel !== "" && !rel.startsWith("..") && !rel.startsWith(sep) && !/^[A-Za-z]:/.test(rel);
  });
}

/**
 * Places `recorded` in the workspace `roots`. `candidates` are workspace files
 * with the same name (e.g. from a file search), for checkouts nested below a
 * root; without them only root/<trailing folders> is tried.
 */
export function placeInWorkspace(recorded: string, roots: readonly string[], candidates: readonly string[] = []): Placement {
  const path = recordedPath(recorded);
  if (isInside(path, roots) && isFile(path)) return { kind: "inside", file: resolve(path) };
  const parts = path.split(/[\\/]+/).filter(Boolean);
  const scored = new Map<string, number>();
  for (let k = parts.length; k >= 1; k--) {
    const tail = parts.slice(parts.length - k);
    for (const root of roots) {
      const file = join(root, ...tail);
      if (!scored.has(file) && isFile(file)) scored.set(file, k);
    }
  }
  for (const c of candidates) {
    if (!isInside(c, roots) || !isFile(c)) continue;
    const score = commonTail(parts, c.split(/[\\/]+/).filter(Boolean));
    if (score > (scored.get(resolve(c)) ?? 0)) scored.set(resolve(c), score);
  }
  if (scored.size === 0) return { kind: "missing" };
  const best = Math.max(...scored.values());
  const top = [...scored].filter(([, s]) => s === best).map(([f]) => f);
  return top.length === 1 ? { kind: "inside", file: top[0] } : { kind: "ambiguous", candidates: top.sort() };
}

/**
 * The graph with every source placed inside the workspace: by `chosen` (the
 * recorded path → the file picked for it), else a unique placement; a source
 * that cannot be placed is dropped rather than pointing outside.
 */
export function placeGraphSources(graph: GraphModel, roots: readonly string[], chosen: Readonly<Record<string, string | null>> = {}): GraphModel {
  const memo = new Map<string, string | null>();
  const place = (source: SourceRange | undefined): SourceRange | undefined => {
    if (!source) return undefined;
    let file = memo.get(source.file);
    if (file === undefined) {
      const picked = chosen[source.file];
      if (picked !== undefined) file = picked !== null && isInside(picked, roots) ? picked : null;
      else {
        const p = placeInWorkspace(source.file, roots);
        file = p.kind === "inside" ? p.file : null;
      }
      memo.set(source.file, file);
    }
    return file ? { ...source, file } : undefined;
  };
  return {
    ...graph,
    actions: graph.actions.map(({ source, ...a }) => {
      const placed = place(source);
      return placed ? { ...a, source: placed } : a;
    }),
    transitions: graph.transitions.map(({ source, ...t }) => {
      const placed = place(source);
      return placed ? { ...t, source: placed } : t;
    }),
  };
}

function commonTail(a: string[], b: string[]): number {
  let n = 0;
  while (n < a.length && n < b.length && a[a.length - 1 - n] === b[b.length - 1 - n]) n++;
  return n;
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

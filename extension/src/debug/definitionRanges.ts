// Whole ranges for the debugger's actions and transitions. The runtime sends
// points (where a stack frame was: the `action(` call, `.withTransitions(`);
// breakpoints map a line to the declaration containing it, so each point is
// widened by the language server (burr/definitionRange). Without an answer the
// bare point stays. A point inside the burr-ts package itself (an action made
// by library code) is looked up by name in the launched program instead.
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import type { GraphModel, SourceRange } from "../../../runtime/src/graph/model.js";
import type { DefinitionRangeParams, DefinitionRangeResult } from "../../../server/src/protocol.js";

/** Answers burr/definitionRange: the extension's language client, or a server the standalone adapter started. */
export interface RangeLookup {
  definitionRange(params: DefinitionRangeParams): Promise<DefinitionRangeResult>;
  /** Stops a server started for this session only. */
  close?(): void;
  /** Gets ready to answer about `file` (the program) before the first question: start-up off the first stop's path. */
  warm?(file: string): void;
}

const ANSWER_TIMEOUT_MS = 15_000;

export async function widenSources(graph: GraphModel, programFile: string, lookup: RangeLookup | null): Promise<GraphModel> {
  const ask = async (source: SourceRange | undefined, target: DefinitionRangeParams["target"]): Promise<SourceRange | undefined> => {
    const own = source && !isInsideBurrPackage(source.file);
    if (own && (source.start.line !== source.end.line || source.start.character !== source.end.character)) return source;
    const file = own ? source.file : programFile;
    const params: DefinitionRangeParams = { uri: pathToFileURL(file).href, target, ...(own ? { position: source.start } : {}) };
    const found = lookup ? await answer(lookup, params) : null;
    if (found) return { file, start: found.start, end: found.end };
    return own ? source : undefined;
  };
  const [actions, transitions] = await Promise.all([
    Promise.all(graph.actions.map(async (a) => withSource(a, await ask(a.source, { kind: "action", name: a.name })))),
    Promise.all(graph.transitions.map(async (t) => withSource(t, await ask(t.source, { kind: "transition", from: t.from, to: t.to })))),
  ]);
  return { ...graph, actions, transitions };
}

function withSource<T extends { source?: SourceRange }>(item: T, source: SourceRange | undefined): T {
  const { source: _old, ...rest } = item;
  return (source ? { ...rest, source } : rest) as T;
}

/** A lookup that fails or does not answer leaves the point as it is. */
async function answer(lookup: RangeLookup, params: DefinitionRangeParams): Promise<DefinitionRangeResult> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), ANSWER_TIMEOUT_MS)));
  try {
    return await Promise.race([lookup.definitionRange(params).catch(() => null), late]);
  } finally {
    clearTimeout(timer);
  }
}

const packageCache = new Map<string, boolean>();

/** True when the file lies in the burr-ts package (its package.json is named "burr-ts"). */
function isInsideBurrPackage(file: string): boolean {
  let dir = dirname(file);
  const seen: string[] = [];
  for (;;) {
    const cached = packageCache.get(dir);
    if (cached !== undefined) return remember(seen, cached);
    seen.push(dir);
    const manifest = join(dir, "package.json");
    if (existsSync(manifest)) {
      try {
        return remember(seen, (JSON.parse(readFileSync(manifest, "utf8")) as { name?: string }).name === "burr-ts");
      } catch {
        return remember(seen, false);
      }
    }
    const parent = dirname(dir);
    if (parent === dir) return remember(seen, false);
    dir = parent;
  }
}

function remember(dirs: string[], value: boolean): boolean {
  for (const d of dirs) packageCache.set(d, value);
  return value;
}

// Apps that share where they name an action: several apps built from one
// builder helper name the helper's actions in the helper's own strings, so
// renaming or finding references from one of them must cover them all.
import type { FileFacts } from "./facts.js";
import { occurrences } from "./occurrences.js";
import type { AppModel, SourceRange } from "./types.js";

const placeKey = (r: SourceRange): string => `${r.file}:${r.start.line}:${r.start.character}`;

/**
 * `start` and every app sharing one of the places naming `name` with it,
 * transitively. `appsAt(uri)` answers the apps naming actions in a file (from
 * the usage index), so only files holding such places are asked about.
 */
export function appsSharing(start: AppModel, name: string, appsAt: (uri: string) => AppModel[]): AppModel[] {
  const group = new Map([[start.id, start]]);
  const places = new Set<string>();
  const files: string[] = [];
  const take = (app: AppModel): void => {
    for (const o of occurrences(app)) {
      if (o.name !== name) continue;
      places.add(placeKey(o.range));
      if (!files.includes(o.range.file)) files.push(o.range.file);
    }
  };
  take(start);
  for (let i = 0; i < files.length; i++) {
    for (const app of appsAt(files[i]!)) {
      if (group.has(app.id) || !occurrences(app).some((o) => o.name === name && places.has(placeKey(o.range)))) continue;
      group.set(app.id, app);
      take(app);
    }
  }
  return [...group.values()];
}

/** A place naming `name` in `app` that another app of `group` names too (in a helper), preferring the withActions key. */
export function sharedPlace(app: AppModel, name: string, group: AppModel[]): SourceRange | null {
  const others = new Set(group.filter((a) => a.id !== app.id).flatMap((a) => occurrences(a).filter((o) => o.name === name).map((o) => placeKey(o.range))));
  return occurrences(app).find((o) => o.name === name && others.has(placeKey(o.range)))?.range ?? null;
}

/**
 * The builder helper (a function returning a builder chain) of `facts` whose
 * chain writes the string at `range`. A wrapper in the same file repeats its
 * inner helper's steps, so the helper with the fewest steps (the innermost) wins.
 */
export function helperWriting(facts: FileFacts, range: SourceRange): string | null {
  const at = placeKey(range);
  let best: { name: string; steps: number } | null = null;
  for (const [name, chain] of facts.chainFunctions) {
    const writes = chain.steps.some((s) => {
      if (s.method === "withActions") return s.entries.some((e) => placeKey(e.range) === at);
      if (s.method === "withTransitions") return s.transitions.some((t) => [...t.from, t.to].some((r) => placeKey(r.range) === at));
      if (s.method === "withEntrypoint") return s.entrypoint !== null && placeKey(s.entrypoint.range) === at;
      return false;
    });
    if (writes && (!best || chain.steps.length < best.steps)) best = { name, steps: chain.steps.length };
  }
  return best?.name ?? null;
}

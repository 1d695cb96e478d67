// Which files build apps that use an action declaration, or whose apps are
// partly written in another file (a builder helper). Updated each time a file
// is analysed, so a request on a declaration asks the index instead of
// analysing the workspace.
import type { AppModel } from "./types.js";
import { occurrences } from "./occurrences.js";

export class UsageIndex {
  /** path → the keys its apps contribute; key → the paths that contribute it. */
  private readonly byPath = new Map<string, Set<string>>();
  private readonly byKey = new Map<string, Set<string>>();

  /** Records what the apps built in `path` use, replacing what it recorded before. */
  record(path: string, apps: AppModel[]): void {
    const keys = new Set<string>();
    for (const app of apps) {
      for (const def of app.defs.values()) keys.add(defKey(def.id));
      for (const o of occurrences(app)) if (o.range.file !== app.uri) keys.add(fileKey(o.range.file));
    }
    this.remove(path);
    if (keys.size === 0) return;
    this.byPath.set(path, keys);
    for (const k of keys) {
      let paths = this.byKey.get(k);
      if (!paths) this.byKey.set(k, (paths = new Set()));
      paths.add(path);
    }
  }

  remove(path: string): void {
    for (const k of this.byPath.get(path) ?? []) {
      const paths = this.byKey.get(k);
      paths?.delete(path);
      if (paths?.size === 0) this.byKey.delete(k);
    }
    this.byPath.delete(path);
  }

  /** Files whose apps use the action declared with this id (ActionDef.id). */
  usersOf(defId: string): string[] {
    return [...(this.byKey.get(defKey(defId)) ?? [])].sort();
  }

  /** Files whose apps name actions in the file with this URI (other than the file itself). */
  appsWrittenIn(uri: string): string[] {
    return [...(this.byKey.get(fileKey(uri)) ?? [])].sort();
  }
}

const defKey = (id: string): string => `def:${id}`;
const fileKey = (uri: string): string => `file:${uri}`;

// The workspace walk of the first scan: every source file under the roots
// except what the user excluded, as VS Code's own search does: `files.exclude`
// globs (relative to a root) and `.gitignore` files (each applying below its
// folder, later lines winning, `!` re-including). Dependencies and build
// output are skipped even without a .gitignore.
import { readFileSync, readdirSync, type Dirent } from "node:fs";
import { join, relative, sep } from "node:path";

const SOURCE_FILE = /\.(ts|tsx|mts|cts|js|jsx|mjs|cjs)$/;
const ALWAYS_SKIPPED = new Set(["node_modules", ".git", "dist", "out", "build", ".vscode-test", "coverage"]);

export interface WalkOptions {
  /** `files.exclude` patterns that are on (globs relative to a root, e.g. "**\/generated"). */
  exclude: string[];
  maxFiles: number;
  warn(message: string): void;
}

interface IgnoreRule {
  /** The folder of the .gitignore, relative to the root ("" at the root). */
  base: string;
  pattern: RegExp;
  negated: boolean;
  dirOnly: boolean;
}

export function walkWorkspace(roots: readonly string[], options: WalkOptions): string[] {
  const files: string[] = [];
  const excluded = options.exclude.map((g) => globToRegExp(g.replace(/^\.\//, "")));
  for (const root of roots) {
    const visit = (dir: string, rules: IgnoreRule[]): void => {
      let entries: Dirent[];
      try {
        entries = readdirSync(dir, { withFileTypes: true });
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== "ENOENT") options.warn(`burr: cannot list ${dir}: ${String(err)}`);
        return;
      }
      const here = posix(relative(root, dir));
      if (entries.some((e) => e.isFile() && e.name === ".gitignore")) rules = [...rules, ...gitignoreRules(join(dir, ".gitignore"), here, options.warn)];
      for (const e of entries) {
        if (files.length >= options.maxFiles) return;
        const path = here ? `${here}/${e.name}` : e.name;
        const isDir = e.isDirectory();
        if (isDir && (ALWAYS_SKIPPED.has(e.name) || e.name.startsWith("."))) continue;
        if (excluded.some((re) => re.test(path)) || ignored(rules, path, isDir)) continue;
        if (isDir) visit(join(dir, e.name), rules);
        else if (e.isFile() && SOURCE_FILE.test(e.name) && !e.name.endsWith(".d.ts")) files.push(join(dir, e.name));
      }
    };
    visit(root, []);
  }
  return files;
}

function gitignoreRules(file: string, base: string, warn: (m: string) => void): IgnoreRule[] {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    warn(`burr: cannot read ${file}: ${String(err)}`);
    return [];
  }
  const rules: IgnoreRule[] = [];
  for (const raw of text.split(/\r?\n/)) {
    let line = raw.replace(/(?<!\\)\s+$/, "");
    if (!line || line.startsWith("#")) continue;
    const negated = line.startsWith("!");
    if (negated) line = line.slice(1);
    line = line.replace(/^\\([#!])/, "$1");
    const dirOnly = line.endsWith("/");
    if (dirOnly) line = line.slice(0, -1);
    // A slash at the start or in the middle anchors the pattern to the .gitignore's folder.
    const anchored = line.includes("/");
    if (line.startsWith("/")) line = line.slice(1);
    if (!line) continue;
    rules.push({ base, pattern: globToRegExp(anchored ? line : `**/${line}`), negated, dirOnly });
  }
  return rules;
}

/** Git's rule: the last matching line decides. */
function ignored(rules: readonly IgnoreRule[], path: string, isDir: boolean): boolean {
  let result = false;
  for (const rule of rules) {
    if (rule.dirOnly && !isDir) continue;
    if (rule.base && !path.startsWith(`${rule.base}/`)) continue;
    const below = rule.base ? path.slice(rule.base.length + 1) : path;
    if (rule.pattern.test(below)) result = !rule.negated;
  }
  return result;
}

/** A glob over "/"-separated relative paths: `**` any folders, `*` and `?` within a name, `{a,b}`, `[abc]`. */
export function globToRegExp(glob: string): RegExp {
  let re = "";
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === "*" && glob[i + 1] === "*") {
      const slash = glob[i + 2] === "/";
      re += slash ? "(?:.*/)?" : ".*";
      i += slash ? 2 : 1;
    } else if (c === "*") re += "[^/]*";
    else if (c === "?") re += "[^/]";
    else if (c === "{") {
      const close = glob.indexOf("}", i);
      if (close < 0) re += "\\{";
      else {
        re += `(?:${glob.slice(i + 1, close).split(",").map((alt) => globToRegExp(alt).source.slice(1, -1)).join("|")})`;
        i = close;
      }
    } else if (c === "[") {
      const close = glob.indexOf("]", i + 1);
      if (close < 0) re += "\\[";
      else {
        re += `[${glob.slice(i + 1, close).replace(/^!/, "^").replace(/\\/g, "\\\\")}]`;
        i = close;
      }
    } else re += c.replace(/[.+^$()|\\]/g, "\\$&");
  }
  return new RegExp(`^${re}$`);
}

function posix(path: string): string {
  return path.split(sep).join("/");
}

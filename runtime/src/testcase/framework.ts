// Which test framework a workspace folder uses, so a generated test imports
// describe/it from where that framework (and its types) provide them.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { TestFramework } from "./codegen.js";

const CONFIG_FILES: [TestFramework, string[]][] = [
  ["vitest", ["vitest.config.ts", "vitest.config.mts", "vitest.config.js", "vitest.config.mjs", "vitest.workspace.ts"]],
  ["jest", ["jest.config.ts", "jest.config.js", "jest.config.mjs", "jest.config.cjs", "jest.config.json"]],
  ["mocha", [".mocharc.json", ".mocharc.yml", ".mocharc.yaml", ".mocharc.js", ".mocharc.cjs", ".mocharc.jsonc"]],
];

/** vitest, jest or mocha when package.json or a config file names it; node:test otherwise (built into Node). */
export function detectTestFramework(folder: string): TestFramework {
  let manifest: { dependencies?: Record<string, unknown>; devDependencies?: Record<string, unknown>; scripts?: Record<string, unknown>; jest?: unknown; mocha?: unknown } = {};
  try {
    manifest = JSON.parse(readFileSync(join(folder, "package.json"), "utf8")) as typeof manifest;
  } catch {
    // no (readable) package.json: config files alone decide
  }
  const deps = { ...(manifest.dependencies ?? {}), ...(manifest.devDependencies ?? {}) };
  for (const [framework, files] of CONFIG_FILES) {
    if (framework in deps || files.some((f) => existsSync(join(folder, f)))) return framework;
  }
  if (manifest.jest !== undefined) return "jest";
  if (manifest.mocha !== undefined) return "mocha";
  return "node:test";
}

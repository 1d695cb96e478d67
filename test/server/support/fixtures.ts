// Fixture files carry their expected diagnostics as `// expect: code[, code]` on the line the problem starts.
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { repoRoot } from "./client.js";

export const fixturesDir = join(repoRoot, "test/fixtures/analysis");

export function fixturePath(name: string): string {
  return join(fixturesDir, name);
}

/** "line:code" for every expectation written in the fixture. */
export function expectations(text: string): string[] {
  const out: string[] = [];
  text.split("\n").forEach((line, i) => {
    const m = /\/\/ expect: (.*)$/.exec(line);
    if (m) for (const code of m[1]!.split(",")) out.push(`${i}:${code.trim()}`);
  });
  return out.sort();
}

export function allFixtures(dir = fixturesDir): string[] {
  const out: string[] = [];
  for (const f of readdirSync(dir)) {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) out.push(...allFixtures(p));
    else if (/\.(ts|js)$/.test(f)) out.push(relative(fixturesDir, p));
  }
  return out.sort();
}

export function fixtureText(name: string): string {
  return readFileSync(fixturePath(name), "utf8");
}

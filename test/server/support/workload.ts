// Generated workloads for the language-server benchmark: one large file with
// many actions and an app using them, and a workspace of many small files.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** About `lines` lines: `actions` actions (padded with helper code) and one app wiring them in a ring. */
export function largeAppSource(actions: number, lines: number, marker = "extra"): string {
  const out: string[] = [`import { action, ApplicationBuilder, when, expr } from "burr-ts";`, ""];
  // Each action takes 6 lines plus padding; the app takes actions + 8.
  const bodyLines = Math.max(0, Math.floor((lines - 2 - (actions + 8)) / actions) - 6);
  for (let i = 0; i < actions; i++) {
    out.push(`const step${i} = action({ reads: ["k${i}", "count"], writes: ["k${(i + 1) % actions}", "count"] }, (state) => {`);
    out.push(`  const value = state.get("k${i}");`);
    for (let j = 0; j < bodyLines; j++) out.push(`  const t${j} = String(value).length + ${j}; // padding ${j}`);
    out.push(`  const count = state.get("count") + 1;`);
    out.push(`  return [{ value }, state.update({ k${(i + 1) % actions}: value, count })];`);
    out.push(`});`, "");
  }
  out.push(`const app = new ApplicationBuilder()`);
  out.push(`  .withActions({ ${Array.from({ length: actions }, (_, i) => `step${i}`).join(", ")} })`);
  out.push(`  .withTransitions(`);
  for (let i = 0; i < actions; i++) out.push(`    ["step${i}", "step${(i + 1) % actions}", expr("count < 1000")],`);
  out.push(`  )`);
  out.push(`  .withState({ ${Array.from({ length: actions }, (_, i) => `k${i}: ${i}`).join(", ")}, count: 0 })`);
  out.push(`  .withEntrypoint("step0")`);
  out.push(`  .build();`);
  out.push(`// ${marker}`);
  return out.join("\n") + "\n";
}

/** A workspace of `files` files: actions modules, app modules importing them, and plain code. */
export function writeWorkspace(dir: string, files: number): { appFiles: string[] } {
  mkdirSync(join(dir, "src"), { recursive: true });
  const appFiles: string[] = [];
  for (let i = 0; i < files; i++) {
    const kind = i % 4;
    const path = join(dir, "src", `m${i}.ts`);
    if (kind === 0) {
      writeFileSync(path, [
        `import { action } from "burr-ts";`,
        ...Array.from({ length: 5 }, (_, j) => `export const a${i}_${j} = action({ reads: ["x${j}"], writes: ["x${j + 1}"] }, (state) => state.update({ x${j + 1}: state.get("x${j}") }));`),
      ].join("\n"));
    } else if (kind === 1) {
      appFiles.push(path);
      const src = i - 1;
      writeFileSync(path, [
        `import { ApplicationBuilder } from "burr-ts";`,
        `import { ${Array.from({ length: 5 }, (_, j) => `a${src}_${j}`).join(", ")} } from "./m${src}";`,
        `export const app${i} = new ApplicationBuilder()`,
        `  .withActions({ ${Array.from({ length: 5 }, (_, j) => `s${j}: a${src}_${j}`).join(", ")} })`,
        `  .withTransitions(${Array.from({ length: 4 }, (_, j) => `["s${j}", "s${j + 1}"]`).join(", ")}, ["s4", "s0"], ["s4", "s9"])`,
        `  .withState({ x0: 0 })`,
        `  .withEntrypoint("s0")`,
        `  .build();`,
      ].join("\n"));
    } else {
      // Ordinary code that never mentions burr-ts: skipped by the text pre-check.
      writeFileSync(path, Array.from({ length: 60 }, (_, j) => `export function f${i}_${j}(x: number): number {\n  return x * ${j} + ${i};\n}`).join("\n"));
    }
  }
  return { appFiles };
}

// The incremental parse is bounded: large files, large edits and edits to long
// lines are parsed in full (issue 11.6), every path gives the same analysis as
// a fresh parse (seeded edit sequences), and each file's stack overflow is logged.
import assert from "node:assert/strict";
import ts from "typescript";
import { AnalysisHost, INCREMENTAL_LIMITS } from "../../server/src/analysis/host.js";
import { validateGraph } from "../../runtime/src/graph/validate.js";
import { prng } from "../support/random.js";

const APP = [
  `import { action, ApplicationBuilder } from "burr-ts";`,
  `const ask = action({ reads: [], writes: ["q"] }, (state) => state.update({ q: 1 }));`,
  `const answer = action({ reads: ["q"], writes: ["a"] }, (state) => state.update({ a: state.get("q") }));`,
  `export const app = new ApplicationBuilder().withActions({ ask, answer }).withTransitions(["ask", "answer"], ["answer", "ask"]).withEntrypoint("ask").build();`,
].join("\n");

const newHost = () => new AnalysisHost((g, o) => validateGraph(g, o));

function summary(host: AnalysisHost, path: string) {
  const a = host.analyse(path);
  return { parsed: a.parsed, problems: a.problems.map((p) => `${p.code}@${p.range.start.line}:${p.range.start.character}`).sort(), apps: a.apps.map((x) => x.graph.actions.map((n) => n.name).join(",")) };
}

/** Every node's kind and span: two parses of one text must agree on it. */
function shape(sf: ts.SourceFile): string {
  const out: string[] = [];
  const visit = (n: ts.Node): void => {
    out.push(`${n.kind}:${n.pos}-${n.end}`);
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return out.join(" ");
}

describe("analysis host: bounded incremental parsing", function () {
  this.timeout(180_000);

  it("a 500 KB file with a 100,000-element line is re-parsed in full on an edit, and stays analysed", () => {
    const line = `export const data = [${Array.from({ length: 100_000 }, (_, i) => i).join(",")}];`;
    const text = `${APP}\n${line}\n`;
    assert.ok(text.length > 500_000 && text.length < 1024 * 1024);
    const host = newHost();
    const path = "/virtual/big.ts";
    host.setFile(path, text);
    let t = performance.now();
    assert.deepEqual(summary(host, path).apps, ["ask,answer"]);
    const open = performance.now() - t;
    const timings: number[] = [];
    let current = text;
    for (const at of [0.5, 0.9, 0.2]) {
      const pos = current.indexOf(",", APP.length + Math.floor(line.length * at));
      current = current.slice(0, pos) + ",7" + current.slice(pos);
      const before = { ...host.parseCounts };
      host.setFile(path, current);
      t = performance.now();
      assert.deepEqual(summary(host, path).apps, ["ask,answer"]);
      timings.push(performance.now() - t);
      assert.equal(host.parseCounts.incremental, before.incremental, "no incremental parse of a long line in a large file");
      assert.equal(host.parseCounts.full, before.full + 1);
    }
    console.log(`      500 KB, 100,000-element line: open ${open.toFixed(0)} ms, edits ${timings.map((x) => x.toFixed(0)).join(" / ")} ms`);
  });

  it("a small file edited on a long line is parsed in full; an ordinary edit stays incremental", () => {
    const longLine = `export const data = [${Array.from({ length: 2000 }, (_, i) => i).join(",")}];`;
    assert.ok(longLine.length > INCREMENTAL_LIMITS.maxLineChars);
    const text = `${APP}\n${longLine}\nexport const x = 1;\n`;
    const host = newHost();
    const path = "/virtual/small.ts";
    host.setFile(path, text);
    summary(host, path);
    const c0 = { ...host.parseCounts };
    host.setFile(path, text.replace("export const x = 1;", "export const x = 2;"));
    summary(host, path);
    assert.equal(host.parseCounts.incremental, c0.incremental + 1);
    host.setFile(path, text.replace("[0,1,", "[0,1,5,"));
    summary(host, path);
    assert.equal(host.parseCounts.full, c0.full + 1);
  });

  it("seeded edit sequences: every edit's analysis equals a fresh parse of the same text", () => {
    const seed = Number(process.env.BURR_FUZZ_SEED ?? 611);
    const r = prng(seed);
    const tokens = ["(", ")", "{", "}", "[", "]", ",", '"', "`", "\n", " ", "state.get(\"q\")", "ask", "x", "0,", "// c\n", "/*", "*/", "${"];
    const base = `${APP}\nexport const row = [${Array.from({ length: 800 }, (_, i) => i).join(",")}];\nexport const y = 2;\n`;
    const host = newHost();
    const path = "/virtual/edited.ts";
    let text = base;
    host.setFile(path, text);
    summary(host, path);
    for (let i = 0; i < 300; i++) {
      const at = Math.floor(r() * (text.length + 1));
      const del = r() < 0.4 ? Math.floor(r() * 6) : 0;
      const ins = r() < 0.8 ? tokens[Math.floor(r() * tokens.length)]! : "";
      text = text.slice(0, at) + ins + text.slice(at + del);
      if (r() < 0.05) text = base;
      host.setFile(path, text);
      const fresh = newHost();
      fresh.setFile(path, text);
      const a = summary(host, path);
      const b = summary(fresh, path);
      // While a file does not parse the host keeps its last good model, so only clean texts compare whole.
      if (b.parsed) assert.deepEqual(a, b, `seed ${seed}, edit ${i}`);
      assert.deepEqual(shape(host.sourceFile(path)!), shape(fresh.sourceFile(path)!), `seed ${seed}, edit ${i}: the trees differ`);
    }
    assert.ok(host.parseCounts.incremental > 0 && host.parseCounts.full > 0, JSON.stringify(host.parseCounts));
  });

  it("logs a stack overflow once per file, for every file", () => {
    const deep = `${APP}\nexport const z = ${"[".repeat(60_000)}${"]".repeat(60_000)};\n`;
    const logged: string[] = [];
    const original = console.error;
    console.error = (...args: unknown[]) => void logged.push(args.map(String).join(" "));
    try {
      const host = newHost();
      for (const name of ["a", "b"]) {
        host.setFile(`/virtual/deep-${name}.ts`, deep);
        host.analyse(`/virtual/deep-${name}.ts`);
        host.setFile(`/virtual/deep-${name}.ts`, deep + "\n");
        host.analyse(`/virtual/deep-${name}.ts`);
      }
    } finally {
      console.error = original;
    }
    for (const name of ["a", "b"]) assert.equal(logged.filter((l) => l.includes(`/virtual/deep-${name}.ts`)).length, 1, logged.join("\n").slice(0, 2000));
  });
});

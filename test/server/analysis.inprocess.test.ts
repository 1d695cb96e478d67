// The analysis rules in process: every fixture under test/fixtures/analysis is
// analysed by server/src/analysis directly (no server, no LSP), with files it
// imports read from disk as the server does, and must find exactly the
// problems its `// expect:` comments name. diagnostics.test.ts checks the same
// fixtures over LSP against dist/server.js; this one runs in milliseconds, so
// a rule can be worked on with a fast loop.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { PROBLEM_CODES } from "../../runtime/src/graph/model.js";
import { validateGraph } from "../../runtime/src/graph/validate.js";
import { AnalysisHost } from "../../server/src/analysis/host.js";
import type { AnalysisProblem } from "../../server/src/analysis/types.js";
import { allFixtures, expectations, fixturePath, fixtureText } from "./support/fixtures.js";
import { pathToFileURL } from "node:url";

function newHost(): AnalysisHost {
  return new AnalysisHost((g, o) => validateGraph(g, o), {
    load: (path) => {
      try {
        return readFileSync(path, "utf8");
      } catch {
        return null;
      }
    },
    rethrow: true,
  });
}

/** Every fixture analysed once; each file's problems are its own plus those apps elsewhere found in it (as the server publishes them). */
function analyseAll(): Map<string, AnalysisProblem[]> {
  const host = newHost();
  const fixtures = allFixtures();
  for (const f of fixtures) host.setFile(fixturePath(f), fixtureText(f));
  const byUri = new Map<string, AnalysisProblem[]>();
  for (const f of fixtures) {
    for (const p of host.analyse(fixturePath(f)).problems) {
      if (!byUri.has(p.range.file)) byUri.set(p.range.file, []);
      byUri.get(p.range.file)!.push(p);
    }
  }
  return byUri;
}

describe("language server analysis rules (in process, every fixture)", () => {
  let problemsByUri: Map<string, AnalysisProblem[]>;
  before(() => {
    problemsByUri = analyseAll();
  });
  const problemsOf = (fixture: string) => problemsByUri.get(pathToFileURL(fixturePath(fixture)).href) ?? [];

  for (const fixture of allFixtures()) {
    it(fixture, () => {
      const text = fixtureText(fixture);
      const problems = problemsOf(fixture);
      for (const p of problems) assert.ok(p.message.length > 20, `a message that says what to do: ${p.message}`);
      const got = problems.map((p) => `${p.range.start.line}:${p.code}`).sort();
      assert.deepEqual(got, expectations(text), `${fixture}:\n${problems.map((p) => `  ${p.range.start.line}: ${p.code}: ${p.message}`).join("\n")}`);
    });
  }

  it("every problem code the code declares is found by some fixture, in process too", () => {
    const found = new Set(allFixtures().flatMap((f) => problemsOf(f).map((p) => p.code)));
    assert.deepEqual(PROBLEM_CODES.filter((c) => !found.has(c)), []);
  });
});

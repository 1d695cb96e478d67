// Every fixture under test/fixtures/analysis, opened in the real server over
// LSP, produces exactly the diagnostics its `// expect:` comments name.
import assert from "node:assert/strict";
import { pathToFileURL } from "node:url";
import { PROBLEM_CODES } from "../../runtime/src/graph/model.js";
import { ensureServerBuilt, LspClient } from "./support/client.js";
import { allFixtures, expectations, fixturePath, fixturesDir, fixtureText } from "./support/fixtures.js";

describe("language server diagnostics (fixtures over LSP)", function () {
  this.timeout(60_000);
  let client: LspClient;

  before(async () => {
    await ensureServerBuilt();
    client = await LspClient.start(fixturesDir);
  });
  after(async () => client?.stop());

  async function check(fixture: string): Promise<void> {
    const text = fixtureText(fixture);
    const uri = pathToFileURL(fixturePath(fixture)).href;
    const diagnostics = await client.open(uri, text);
    for (const d of diagnostics) {
      assert.equal(d.source, "burr");
      const message = typeof d.message === "string" ? d.message : d.message.value;
      assert.ok(message.length > 20, `a message that says what to do: ${message}`);
    }
    const got = diagnostics.map((d) => `${d.range.start.line}:${String(d.code)}`).sort();
    assert.deepEqual(got, expectations(text), `${fixture}:\n${diagnostics.map((d) => `  ${d.range.start.line}: ${d.message}`).join("\n")}`);
  }

  for (const fixture of allFixtures()) {
    it(`${fixture}`, () => check(fixture));
  }

  it("covers every problem code the code declares (PROBLEM_CODES) with at least one fixture", () => {
    const codes = new Set(allFixtures().flatMap((f) => expectations(fixtureText(f)).map((e) => e.split(":")[1])));
    assert.ok(PROBLEM_CODES.length >= 13);
    for (const code of PROBLEM_CODES) {
      assert.ok(codes.has(code), `no fixture expects ${code}`);
    }
  });

  it("a clean app produces zero diagnostics", async () => {
    const uri = pathToFileURL(fixturePath("clean-app.ts")).href;
    const diagnostics = await client.change(uri, fixtureText("clean-app.ts"), 2);
    assert.deepEqual(diagnostics, []);
  });
});

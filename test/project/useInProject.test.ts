// README's "Use it in your project", run as written: a fresh temporary
// directory, the section's shell blocks and files in order, the runtime from
// `npm pack ./runtime`, then the app and tsc. Offline: the dev tools the
// section installs from the registry (typescript, tsx, @types/node) are
// linked from this repository's node_modules instead; nothing else changes.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { appTemplate, TSCONFIG } from "../../extension/src/scaffold/template.js";

const REPO = join(__dirname, "../..");
const DEV_TOOLS_LINE = "npm install -D typescript tsx @types/node";
const TARBALL_IN_README = "/path/to/burr-ts/burr-ts-0.1.0.tgz";

interface Block {
  marker: string;
  lang: string;
  text: string;
}

/** The fenced blocks of the section, each with the `<!-- … -->` marker just above it. */
function sectionBlocks(): Block[] {
  const readme = readFileSync(join(REPO, "README.md"), "utf8");
  const start = readme.indexOf("\n## Use it in your project\n");
  assert.ok(start >= 0, 'README has no "## Use it in your project" section');
  const end = readme.indexOf("\n## ", start + 5);
  const section = readme.slice(start, end);
  const blocks: Block[] = [];
  const fence = /<!-- ([^>]+) -->\n```(\w+)\n([\s\S]*?)\n```/g;
  for (let m = fence.exec(section); m; m = fence.exec(section)) blocks.push({ marker: m[1].trim(), lang: m[2], text: m[3] + "\n" });
  return blocks;
}

describe("README: use it in your project", function () {
  this.timeout(300_000);
  let dir = "";
  after(() => dir && rmSync(dir, { recursive: true, force: true }));

  it("shows the files the New Application command writes", () => {
    const files = new Map(sectionBlocks().filter((b) => b.marker.startsWith("file:")).map((b) => [b.marker.slice(5).trim(), b.text]));
    assert.equal(files.get("src/app.ts"), appTemplate("my-burr-app", "src/app.ts"));
    assert.equal(files.get("tsconfig.json"), TSCONFIG);
  });

  it("works verbatim on a fresh directory: install from the packed runtime, run the app, type-check it", () => {
    assert.ok(existsSync(join(REPO, "runtime/dist/index.js")), "runtime/dist is missing: run node scripts/build.mjs first");
    const blocks = sectionBlocks();
    const repoBlock = blocks.find((b) => b.marker === "repo");
    assert.match(repoBlock?.text ?? "", /npm pack \.\/runtime/);
    dir = mkdtempSync(join(tmpdir(), "burr-own-project-"));
    const home = join(dir, "home");
    mkdirSync(home);
    // The repository step this test can take offline: pack the runtime.
    const pack = spawnSync("npm", ["pack", "./runtime", "--pack-destination", dir], { cwd: REPO, encoding: "utf8" });
    assert.equal(pack.status, 0, pack.stderr);
    const tarball = join(dir, pack.stdout.trim().split("\n").pop()!);
    assert.ok(existsSync(tarball), tarball);

    // One script, in the README's order: shell blocks as they are, files as heredocs.
    const script: string[] = ["set -euo pipefail"];
    for (const block of blocks) {
      if (block.marker === "run") {
        for (const line of block.text.trimEnd().split("\n")) {
          if (line.trim() === DEV_TOOLS_LINE) script.push(linkDevTools());
          else script.push(line.replaceAll(TARBALL_IN_README, tarball));
        }
      } else if (block.marker.startsWith("file:")) {
        const file = block.marker.slice(5).trim();
        script.push(`mkdir -p "$(dirname ${file})"`, `cat > ${file} <<'BURR_README_EOF'`, block.text.trimEnd(), "BURR_README_EOF");
      }
    }
    const r = spawnSync("bash", ["-c", script.join("\n")], {
      cwd: dir,
      encoding: "utf8",
      // A fresh user: its own home (the tracker writes ~/.burr), npm cache and no registry.
      env: { ...process.env, HOME: home, npm_config_cache: join(dir, "npm-cache"), npm_config_offline: "true", npm_config_audit: "false", npm_config_fund: "false", npm_config_update_notifier: "false" },
    });
    assert.equal(r.status, 0, `the section's commands failed:\n${r.stdout}\n${r.stderr}\n--- script ---\n${script.join("\n")}`);
    assert.match(r.stdout, /Hello, Burr -> You said: Hello, Burr/);
    assert.match(r.stdout, /Something unsafe -> I can't help with that\./);
    const project = join(dir, "my-burr-app");
    assert.equal(JSON.parse(readFileSync(join(project, "node_modules/burr-ts/package.json"), "utf8")).name, "burr-ts");
    const runs = readdirSync(join(home, ".burr", "my-burr-app"));
    assert.equal(runs.length, 1, "the run is tracked under ~/.burr/my-burr-app");
  });
});

/** The registry install, done offline: links to this repository's copies (and their bins). */
function linkDevTools(): string {
  const nm = join(REPO, "node_modules");
  return [
    "mkdir -p node_modules/@types node_modules/.bin",
    `ln -s ${nm}/typescript node_modules/typescript`,
    `ln -s ${nm}/tsx node_modules/tsx`,
    `ln -s ${nm}/@types/node node_modules/@types/node`,
    `ln -s ../typescript/bin/tsc node_modules/.bin/tsc`,
    `ln -s ../tsx/dist/cli.mjs node_modules/.bin/tsx`,
  ].join("\n");
}

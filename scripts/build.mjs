// One build for the whole repository: tsc for the runtime package (so
// `import "burr-ts"` resolves from the root through the npm workspace), esbuild
// for everything VS Code loads (extension, language server, debug adapter,
// webview bundles).
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, copyFileSync, cpSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(import.meta.url);
const args = new Set(process.argv.slice(2));
const production = args.has("--production");

function buildRuntime() {
  const tsc = require.resolve("typescript/bin/tsc");
  execFileSync(process.execPath, [tsc, "-p", join(root, "runtime/tsconfig.json")], { stdio: "inherit" });
}

const nodeBundles = [
  { entry: "extension/src/extension.ts", out: "dist/extension.js", external: ["vscode", "better-sqlite3", "pg-native"] }, // pg is bundled: the .vsix ships no node_modules
  { entry: "server/src/server.ts", out: "dist/server.js", external: ["better-sqlite3", "pg", "pg-native"] },
  { entry: "extension/src/debug/debugAdapter.ts", out: "dist/debugAdapter.js", external: ["vscode", "better-sqlite3", "pg", "pg-native"] },
  // Started with tsx before a launch, to become the debugged program (extension/src/debug/prewarm.ts).
  { entry: "extension/src/debug/programHost.ts", out: "dist/programHost.js", external: [] },
];
const browserBundles = [
  { entry: "webview/src/graph/main.ts", out: "dist/webview/graph.js" },
  { entry: "webview/src/runs/main.ts", out: "dist/webview/runs.js" },
  { entry: "webview/src/layout/worker.ts", out: "dist/webview/layoutWorker.js" },
  // The browser runs UI (`burr-ts ui`): its shell page and the shim that hosts the bundles above in frames.
  // It reaches the runtime's pure stateAt through the public tracking entry, whose Node-only modules
  // (tracker, reader) are never used by the page: left external, they are dropped as unused imports.
  { entry: "webview/src/browser/shell.ts", out: "dist/webview/shell.js", external: ["node:*"] },
  { entry: "webview/src/browser/frame.ts", out: "dist/webview/frame.js" },
];

const stylesheets = ["webview/src/graph/graph.css", "webview/src/runs/runs.css", "webview/src/browser/shell.css", "webview/src/browser/theme.css"];

/** A missing entry is a moved or deleted file the build must not quietly leave out of the .vsix. */
function checkInputs() {
  const missing = [...nodeBundles, ...browserBundles].map((b) => b.entry).concat(stylesheets).filter((f) => !existsSync(join(root, f)));
  if (missing.length) {
    console.error(`build: missing input file${missing.length > 1 ? "s" : ""} ${missing.join(", ")}: update the lists in scripts/build.mjs if ${missing.length > 1 ? "they were" : "it was"} moved or removed`);
    process.exit(1);
  }
}

async function buildBundles() {
  checkInputs();
  const esbuild = await import("esbuild");
  const common = { bundle: true, sourcemap: !production, minify: production, logLevel: "warning", absWorkingDir: root };
  const jobs = [];
  for (const b of nodeBundles) {
    jobs.push(esbuild.build({ ...common, entryPoints: [b.entry], outfile: b.out, platform: "node", format: "cjs", target: "node20", external: b.external, mainFields: ["module", "main"] }));
  }
  for (const b of browserBundles) {
    jobs.push(esbuild.build({ ...common, entryPoints: [b.entry], outfile: b.out, platform: "browser", format: "iife", target: "es2022", external: b.external ?? [] }));
  }
  await Promise.all(jobs);
  mkdirSync(join(root, "dist/webview"), { recursive: true });
  for (const f of stylesheets) copyFileSync(join(root, f), join(root, "dist/webview", f.split("/").pop()));
  // `burr-ts ui` serves these from the runtime package (runtime/dist/webview), which is what npm ships.
  cpSync(join(root, "dist/webview"), join(root, "runtime/dist/webview"), { recursive: true, filter: (p) => !p.endsWith(".map") });
  // sql.js's WebAssembly, loaded by the Tracked Runs SQLite source (the .vsix has no node_modules).
  copyFileSync(join(root, "node_modules/sql.js/dist/sql-wasm.wasm"), join(root, "dist/sql-wasm.wasm"));
}

buildRuntime();
if (!args.has("--runtime-only")) await buildBundles();

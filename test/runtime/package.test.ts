import { execFileSync } from "node:child_process";
// burr-ts resolves from the repository root as a user's import would: the
// built ESM package with its type declarations.
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";

const repo = join(__dirname, "../..");

describe("runtime: the burr-ts package", () => {
  it("import(\"burr-ts\") from the repository root gives the built package's public API", async () => {
    const mod = (await import("burr-ts")) as Record<string, unknown>;
    for (const name of [
      "action",
      "streamingAction",
      "Action",
      "StreamingAction",
      "State",
      "ApplicationBuilder",
      "Application",
      "GraphBuilder",
      "when",
      "expr",
      "condition",
      "always",
      "BurrError",
      "ActionError",
      "HookError",
      "InvalidGraphError",
      "MissingInputError",
      "InMemoryPersister",
      "SQLitePersister",
      "ConcurrentStepError",
      "LocalTrackingClient",
      "TrackingReader",
      "validateGraph",
      "toMermaid",
      "toDot",
      "MapStates",
      "MapActions",
      "MapActionsAndStates",
      "mapActionsAndStates",
      "trace",
    ]) {
      assert.ok(mod[name] !== undefined, `burr-ts exports ${name}`);
    }
  });

  it("resolves to runtime/dist with declarations next to it", () => {
    const resolved = createRequire(join(repo, "package.json")).resolve("burr-ts");
    assert.equal(resolved, join(repo, "runtime/dist/index.js"));
    assert.ok(existsSync(join(repo, "runtime/dist/index.d.ts")));
    const pkg = JSON.parse(readFileSync(join(repo, "runtime/package.json"), "utf8")) as { type: string; name: string };
    assert.equal(pkg.name, "burr-ts");
    assert.equal(pkg.type, "module");
  });

  it("importing the core does not load the optional database drivers or OpenTelemetry", () => {
    // A fresh process: other suites in this one load the drivers on purpose.
    const probe = 'import("burr-ts").then(() => console.log(JSON.stringify(Object.keys(require.cache))))';
    const out = execFileSync(process.execPath, ["-e", probe], { cwd: repo, encoding: "utf8" });
    const loaded = JSON.parse(out) as string[];
    const optional = ["/node_modules/better-sqlite3/", "/node_modules/pg/", "/node_modules/@opentelemetry/"];
    assert.ok(!loaded.some((p) => optional.some((o) => p.includes(o))), `better-sqlite3/pg/@opentelemetry not loaded: ${loaded.join(", ")}`);
  });

  it("burr-ts/opentelemetry is a subpath export of the built package that loads @opentelemetry/api", () => {
    const resolved = createRequire(join(repo, "package.json")).resolve("burr-ts/opentelemetry");
    assert.equal(resolved, join(repo, "runtime/dist/integrations/opentelemetry.js"));
    assert.ok(existsSync(join(repo, "runtime/dist/integrations/opentelemetry.d.ts")));
    // The probe above would miss an ESM-only load; this shows @opentelemetry/api is seen through require.cache.
    const probe = 'import("burr-ts/opentelemetry").then((m) => console.log(JSON.stringify([typeof m.OpenTelemetryHooks, Object.keys(require.cache).some((p) => p.includes("/node_modules/@opentelemetry/api/"))])))';
    const out = execFileSync(process.execPath, ["-e", probe], { cwd: repo, encoding: "utf8" });
    assert.deepEqual(JSON.parse(out), ["function", true]);
  });
});

// Getting the app from `--program app.ts`: the program is imported (never
// read as source) and exports its ApplicationBuilder, or a function of no
// arguments returning one (sync or async). Replay builds the app itself from
// it, without the program's trackers, persisters or debugger. The export used
// is `--export NAME`, else `default`. A program whose main code runs on
// import should guard it (`if (require.main === module)` or an entry file of
// its own): replay imports the module, it does not run it.
import { extname, resolve } from "node:path";
import { existsSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { createRequire } from "node:module";
import type { ReplayableBuilder } from "./engine.js";
import { ReplayInputError } from "./sources.js";

const TS = new Set([".ts", ".mts", ".cts", ".tsx"]);

function isBuilder(v: unknown): v is ReplayableBuilder {
  return v !== null && typeof v === "object" && typeof (v as { buildForReplay?: unknown }).buildForReplay === "function";
}

function isApplication(v: unknown): boolean {
  return v !== null && typeof v === "object" && typeof (v as { step?: unknown }).step === "function" && typeof (v as { nextAction?: unknown }).nextAction === "function";
}

let tsxRegistered = false;

/** Registers tsx's ESM and CommonJS hooks (tsx is the program's dev dependency, beside burr-ts); once per process. */
async function registerTsx(file: string): Promise<void> {
  if (tsxRegistered) return;
  const esm = "tsx/esm/api"; // names in variables: resolved at run time, not by the compiler
  const cjs = "tsx/cjs/api";
  let apis: { register: () => unknown }[];
  try {
    apis = [(await import(esm)) as { register: () => unknown }, createRequire(import.meta.url)(cjs) as { register: () => unknown }];
  } catch {
    throw new ReplayInputError(`${file} is TypeScript and tsx is not installed: run "npm install -D tsx" (or run the CLI under another TypeScript loader with a .js program)`);
  }
  for (const api of apis) api.register();
  tsxRegistered = true;
}

async function importProgram(file: string): Promise<Record<string, unknown>> {
  if (TS.has(extname(file))) await registerTsx(file);
  return (await import(pathToFileURL(file).href)) as Record<string, unknown>;
}

/** Imports the program and returns its builder; ReplayInputError says what to export when it cannot. */
export async function loadProgram(program: string, exportName?: string): Promise<ReplayableBuilder> {
  const file = resolve(program);
  if (!existsSync(file)) throw new ReplayInputError(`--program ${program}: no such file`);
  let ns: Record<string, unknown>;
  try {
    ns = await importProgram(file);
  } catch (err) {
    if (err instanceof ReplayInputError) throw err;
    throw new ReplayInputError(`--program ${program} failed to load: ${(err as Error).message ?? String(err)}`);
  }
  // A CommonJS module imported from ESM: its exports object is `default` (and its own default is `default.default`).
  const def = ns.default;
  const cjs = def !== null && typeof def === "object" && !isBuilder(def) && !isApplication(def);
  const scope: Record<string, unknown> = cjs ? { ...ns, default: undefined, ...(def as Record<string, unknown>) } : ns;
  const name = exportName ?? "default";
  if (scope[name] === undefined) {
    const names = Object.keys(scope).filter((k) => k !== "default" && k !== "__esModule");
    throw new ReplayInputError(
      `--program ${program} has no export "${name}": export default your ApplicationBuilder (or a function of no arguments returning one), or name the export with --export (exports: ${names.join(", ") || "none"})`,
    );
  }
  let value: unknown = scope[name];
  if (typeof value === "function") {
    try {
      value = await (value as () => unknown)();
    } catch (err) {
      throw new ReplayInputError(`--program ${program}: calling export "${name}" failed: ${(err as Error).message ?? String(err)}`);
    }
  }
  if (isBuilder(value)) return value;
  if (isApplication(value)) {
    throw new ReplayInputError(`--program ${program}: export "${name}" is a built Application; export its ApplicationBuilder instead (replay builds the app itself, without your trackers and persisters)`);
  }
  throw new ReplayInputError(`--program ${program}: export "${name}" is not an ApplicationBuilder (nor a function returning one)`);
}

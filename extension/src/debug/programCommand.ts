// How a launch configuration becomes a command line. TypeScript runs through
// tsx, found from the program's folder, the cwd, then the extension's own
// folder; without tsx, Node's built-in type stripping (Node 22.6+) is used.
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { dirname, extname, isAbsolute, join, resolve } from "node:path";
import { homedir } from "node:os";
import { pathToFileURL } from "node:url";
import { DEBUG_FORK_ENV } from "../../../runtime/src/debug/protocol.js";

/** Must match contributes.debuggers[burr].configurationAttributes.launch in package.json. */
export interface BurrLaunchArguments {
  /** The program that builds and runs a burr-ts app. */
  program?: string;
  /** A tracked app directory, or "project/appId" under trackingDir, to replay. */
  replay?: string;
  /** Where replay looks for "project/appId" (default ~/.burr). */
  trackingDir?: string;
  /** Replay: the folders a recorded source may be shown from (default: cwd); a run from elsewhere is placed inside them. */
  sourceRoots?: string[];
  /** Replay: recorded source file → workspace file (null: do not show one), as the editor resolved them. */
  sourceMap?: Record<string, string | null>;
  args?: string[];
  cwd?: string;
  env?: Record<string, string>;
  stopOnEntry?: boolean;
  /** With "replay": the program's export holding its ApplicationBuilder (default: the default export). */
  export?: string;
  /** The node executable (default: node on PATH inside VS Code, this node otherwise). */
  runtimeExecutable?: string;
  /** Fork a tracked step: the runtime starts the program's first app there ("Fork and Debug from Here"). */
  fork?: ForkLaunch;
}

export interface ForkLaunch {
  /** The tracking directory of the run (default ~/.burr). */
  trackingDir?: string;
  project: string;
  appId: string;
  partitionKey?: string | null;
  sequenceId: number;
}

export interface ProgramCommand {
  /** The program file, absolute. */
  program: string;
  executable: string;
  args: string[];
  cwd: string;
  env: Record<string, string>;
  /** How TypeScript is run, for the debug console. */
  note: string;
  /** The fork the runtime is asked to apply, if any. */
  fork: Required<ForkLaunch> | null;
  /** "replay" with "program": the run replayed and how to re-run one step (the runner with `rerun`). */
  replay?: { run: string; rerunArgs(sequenceId: number): string[] };
}

/**
 * "replay" plus "program": the program's own burr-ts runs the replay
 * (dist/replay/debugRunner.js), so its app, its trace() and the replay engine
 * are one copy of the runtime. The runner loads TypeScript with tsx itself.
 */
export function resolveReplayProgramCommand(config: BurrLaunchArguments, adapterDir: string): ProgramCommand {
  if (!config.program || !config.replay) throw new Error('replaying with the current code needs both "replay" and "program"');
  const cwd = config.cwd ?? dirname(resolve(config.program));
  const program = isAbsolute(config.program) ? config.program : resolve(cwd, config.program);
  if (!existsSync(program)) throw new Error(`program ${program} does not exist: check "program" in the launch configuration`);
  const runner = findReplayRunner([dirname(program), cwd, adapterDir]);
  if (!runner) {
    throw new Error(
      `cannot replay through ${program}: no burr-ts with the replay runner (dist/replay/debugRunner.js) was found next to it or in ${cwd}. ` +
        "Install or update burr-ts in the program's project (npm install burr-ts).",
    );
  }
  const executable = config.runtimeExecutable ?? (process.versions.electron ? "node" : process.execPath);
  const run = isAbsolute(config.replay) || existsSync(resolve(cwd, config.replay)) ? resolve(cwd, config.replay) : config.replay;
  const shared = ["--program", program, "--run", run];
  if (config.trackingDir) shared.push("--tracking-dir", config.trackingDir.replace(/^~(?=$|[\\/])/, homedir()));
  if (config.export) shared.push("--export", config.export);
  return {
    program,
    executable,
    args: [runner, "session", ...shared],
    cwd,
    env: config.env ?? {},
    note: `replaying ${config.replay} with burr-ts from ${dirname(dirname(dirname(runner)))}`,
    fork: null,
    replay: { run: config.replay, rerunArgs: (sequenceId) => [runner, "rerun", ...shared, "--step", String(sequenceId)] },
  };
}

/** dist/replay/debugRunner.js of the first burr-ts found walking up from each folder. */
export function findReplayRunner(from: string[]): string | null {
  for (const start of from) {
    for (let dir = resolve(start); ; dir = dirname(dir)) {
      const runner = join(dir, "node_modules", "burr-ts", "dist", "replay", "debugRunner.js");
      if (existsSync(runner)) return runner;
      if (dirname(dir) === dir) break;
    }
  }
  return null;
}

const typescriptExtensions = new Set([".ts", ".mts", ".cts", ".tsx"]);

export function resolveProgramCommand(config: BurrLaunchArguments, adapterDir: string): ProgramCommand {
  if (!config.program) throw new Error('the launch configuration needs "program" (a .ts or .js file) or "replay"');
  const cwd = config.cwd ?? dirname(resolve(config.program));
  const program = isAbsolute(config.program) ? config.program : resolve(cwd, config.program);
  if (!existsSync(program)) throw new Error(`program ${program} does not exist: check "program" in the launch configuration`);
  const executable = config.runtimeExecutable ?? (process.versions.electron ? "node" : process.execPath);
  const fork = config.fork ? checkFork(config.fork) : null;
  const env = fork ? { ...config.env, [DEBUG_FORK_ENV]: JSON.stringify(fork) } : (config.env ?? {});
  const userArgs = config.args ?? [];
  const base = { program, executable, cwd, env, fork };
  if (!typescriptExtensions.has(extname(program))) {
    return { ...base, args: [program, ...userArgs], note: "JavaScript" };
  }
  const tsx = findTsx([dirname(program), cwd, adapterDir]);
  if (tsx) return { ...base, args: ["--import", pathToFileURL(tsx).href, program, ...userArgs], note: `tsx from ${tsx}` };
  if (nodeStripsTypes(executable)) {
    return { ...base, args: ["--experimental-strip-types", "--no-warnings", program, ...userArgs], note: "Node's type stripping" };
  }
  throw new Error(
    `cannot run TypeScript program ${program}: tsx was not found next to it or in ${cwd}, and ${executable} cannot strip types (Node 22.6+ can). ` +
      "Install tsx in the workspace (npm install --save-dev tsx) or use Node 22.6 or newer.",
  );
}

function checkFork(fork: ForkLaunch): Required<ForkLaunch> {
  const f = fork as Partial<Record<keyof ForkLaunch, unknown>>;
  if (typeof f.project !== "string" || typeof f.appId !== "string" || !f.appId || typeof f.sequenceId !== "number" || !Number.isInteger(f.sequenceId) || f.sequenceId < 0) {
    throw new Error('"fork" in the launch configuration needs project, appId and sequenceId (a whole number ≥ 0)');
  }
  const trackingDir = typeof f.trackingDir === "string" && f.trackingDir ? f.trackingDir.replace(/^~(?=$|[\\/])/, homedir()) : join(homedir(), ".burr");
  return { trackingDir, project: f.project, appId: f.appId, partitionKey: typeof f.partitionKey === "string" ? f.partitionKey : null, sequenceId: f.sequenceId };
}

/**
 * tsx's ESM entry, looked up afresh on every launch. Node's require.resolve
 * caches a missing package.json for the life of the process, so a tsx
 * installed after a failed launch would stay invisible until a window reload.
 */
export function findTsx(from: string[]): string | null {
  for (const start of from) {
    for (let dir = resolve(start); ; dir = dirname(dir)) {
      const entry = tsxEntry(join(dir, "node_modules", "tsx"));
      if (entry) return entry;
      if (dirname(dir) === dir) break;
    }
  }
  return null;
}

function tsxEntry(packageDir: string): string | null {
  let manifest: { exports?: unknown; main?: unknown };
  try {
    manifest = JSON.parse(readFileSync(join(packageDir, "package.json"), "utf8")) as typeof manifest;
  } catch {
    return null; // not installed here (or unreadable): keep looking
  }
  const relative = exportedEntry(manifest.exports) ?? (typeof manifest.main === "string" ? manifest.main : null);
  if (!relative) return null;
  const entry = resolve(packageDir, relative);
  return existsSync(entry) ? entry : null;
}

/** The "." export for `import`: a string, or conditions (import/node/default), possibly nested. */
function exportedEntry(exports: unknown): string | null {
  if (typeof exports === "string") return exports;
  if (!exports || typeof exports !== "object" || Array.isArray(exports)) return null;
  const map = exports as Record<string, unknown>;
  const dot = "." in map ? map["."] : map;
  if (typeof dot === "string") return dot;
  if (!dot || typeof dot !== "object") return null;
  const conditions = dot as Record<string, unknown>;
  for (const key of ["import", "node", "default"]) {
    const found = exportedEntry(conditions[key]);
    if (found) return found;
  }
  return null;
}

/** Whether the node that will run the program can strip TypeScript types itself (22.6+). */
function nodeStripsTypes(executable: string): boolean {
  let version: string;
  try {
    version = execFileSync(executable, ["--version"], { encoding: "utf8", timeout: 5000 }).trim().replace(/^v/, "");
  } catch {
    return false;
  }
  const [major, minor] = version.split(".").map(Number);
  return major > 22 || (major === 22 && minor >= 6);
}

// dist/programHost.js: a program's process started before the program is
// known. The extension spawns `node --import tsx programHost.js` as soon as a
// launch configuration is resolved, so Node and tsx load while VS Code sets up
// the session (about a second); at launch the adapter writes one JSON line on
// fd 3 and this process becomes the program: its environment, its argv, and
// Node's own entry-point path (Module.runMain, so `require.main === module`
// holds as it does under `node --import tsx program.ts`). If fd 3 closes with
// no line, nobody wants it: it exits. Meanwhile it loads the burr-ts runtime the
// expected program (its argv[2]) will import, so that is in Node's module cache
// when the program asks.
import { createReadStream, readFileSync } from "node:fs";
import Module, { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";

/** What the adapter sends; must match extension/src/debug/prewarm.ts. */
export interface HostOrder {
  program: string;
  args: string[];
  /** Added to the environment the process was started with (the debug port and token). */
  env: Record<string, string>;
}

const runtimeLoaded = preloadRuntime(process.argv[2]);

const runMain = (Module as unknown as { runMain?: (main?: string) => void }).runMain;
const orders = createReadStream("", { fd: 3, encoding: "utf8" });
let text = "";
let started = false;
orders.on("data", (chunk: string | Buffer) => {
  text += String(chunk);
  const end = text.indexOf("\n");
  if (end < 0 || started) return;
  started = true;
  orders.destroy();
  const order = JSON.parse(text.slice(0, end)) as HostOrder;
  // The program would wait for the runtime's modules anyway; starting it after they are in saves loading them twice over.
  void runtimeLoaded.then(() => become(order));
});
orders.on("error", () => process.exit(1));
orders.on("close", () => {
  if (!started) process.exit(0);
});

function become(order: HostOrder): void {
  if (typeof runMain !== "function") {
    process.stderr.write("burr-ts debugger: this Node has no Module.runMain; launch again\n");
    process.exit(1);
  }
  Object.assign(process.env, order.env);
  process.argv = [process.argv[0]!, order.program, ...order.args];
  runMain(order.program);
}

/**
 * Loads `burr-ts` as `program` will: resolved from its folder, and required or imported as the
 * program itself is loaded (tsx gives a CommonJS program a required copy, an ESM one the imported
 * copy; loading the other would only load it twice). The runtime reads the debug port and token
 * when an app is built, after the handover. Any failure is left for the program to meet and report.
 */
function preloadRuntime(program: string | undefined): Promise<unknown> {
  if (!program) return Promise.resolve();
  try {
    const load = createRequire(program);
    const entry = load.resolve("burr-ts");
    if (!isModule(program)) {
      load(entry);
      return Promise.resolve();
    }
    return import(pathToFileURL(entry).href).catch(() => undefined);
  } catch {
    return Promise.resolve(); // not installed where the program runs: nothing to warm
  }
}

/** Whether Node loads `program` as an ES module: .mts/.mjs, or the nearest package.json says "type": "module". */
function isModule(program: string): boolean {
  if (/\.m[jt]s$/.test(program)) return true;
  if (/\.c[jt]s$/.test(program)) return false;
  for (let dir = dirname(program); ; dir = dirname(dir)) {
    try {
      return (JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { type?: unknown }).type === "module";
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "ENOENT") return false;
    }
    if (dirname(dir) === dir) return false;
  }
}

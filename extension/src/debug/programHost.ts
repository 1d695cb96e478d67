// dist/programHost.js: a program's process started before the program is
// known. The extension spawns `node --import tsx programHost.js` as soon as a
// launch configuration is resolved, so Node and tsx load while VS Code sets up
// the session (about a second); at launch the adapter writes one JSON line on
// fd 3 and this process becomes the program: its environment, its argv, and
// Node's own entry-point path (Module.runMain, so `require.main === module`
// holds as it does under `node --import tsx program.ts`). If fd 3 closes with
// no line, nobody wants it: it exits.
import { createReadStream } from "node:fs";
import Module from "node:module";

/** What the adapter sends; must match extension/src/debug/prewarm.ts. */
export interface HostOrder {
  program: string;
  args: string[];
  /** Added to the environment the process was started with (the debug port and token). */
  env: Record<string, string>;
}

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
  become(JSON.parse(text.slice(0, end)) as HostOrder);
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

// Where a user defined an action or called a builder method: the first stack
// frame outside this package, as a point (file, line, column). The runtime never
// reads the user's files (it must run where there is no file system); the
// debugger asks the language server to widen a point to the declaration around
// it (burr/definitionRange in server/src/protocol.ts). Capturing an Error is
// cheap (V8 formats the stack only when .stack is read), so the Error is kept
// and parsed only when the graph model is built.
import { fileURLToPath } from "node:url";
import type { SourceRange } from "../graph/model.js";

// Everything under the package folder is ours: dist/ and, when a loader such as
// tsx maps stack frames through source maps, src/. The first frame outside is the user's.
const packageRoot = fileURLToPath(new URL("../..", import.meta.url));

export class CallSite {
  private resolved: SourceRange | null | undefined;
  constructor(private readonly error: Error) {}

  /** The user's call site as a point: start and end are the frame's line and column (zero-based). */
  get range(): SourceRange | undefined {
    if (this.resolved === undefined) this.resolved = firstUserFrame(this.error);
    return this.resolved ?? undefined;
  }
}

export function captureSite(): CallSite {
  return new CallSite(new Error("definition site"));
}

const framePattern = /\(?((?:file:\/\/)?[^\s()]+):(\d+):(\d+)\)?$/;

function firstUserFrame(error: Error): SourceRange | null {
  const stack = error.stack;
  if (!stack) return null;
  for (const line of stack.split("\n").slice(1)) {
    const m = framePattern.exec(line.trim());
    if (!m) continue;
    let file = m[1]!;
    if (file.startsWith("node:") || file.includes("/node_modules/tsx/")) continue;
    if (file.startsWith("file://")) file = fileURLToPath(file);
    if (file.startsWith(packageRoot)) continue;
    const start = { line: Number(m[2]) - 1, character: Number(m[3]) - 1 };
    return { file, start, end: start };
  }
  return null;
}

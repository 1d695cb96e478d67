// Type tests: the compiler itself checks a program that uses typed State and
// the typed action view. Each `@ts-expect-error` line must be an error (an
// unused one is itself an error), and everything else must compile.
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import ts from "typescript";

// mocha runs from the repository root (npm test); the built declarations live there.
const repo = process.cwd();

const program = `
import { State, asActionState, fromActionState, type ActionState } from "burr-ts";

type Message = { role: string; content: string };
type Chat = { chatHistory: Message[]; prompt: string; count: number; safe?: boolean };
const state = new State<Chat>({ chatHistory: [], prompt: "", count: 0 });

// get is typed per key; arrays come back readonly.
const prompt: string = state.get("prompt");
const history: readonly Message[] = state.get("chatHistory");
const withFallback: boolean | "none" = state.get("safe", "none");
// @ts-expect-error a key the state type does not have
state.get("missing");
// @ts-expect-error arrays from get are readonly
state.get("chatHistory").push({ role: "x", content: "y" });

// update/append/extend/increment accept only fitting values.
state.update({ prompt: "x", safe: true }).append({ chatHistory: { role: "user", content: "hi" } }).increment({ count: 1 });
state.extend({ chatHistory: history });
// @ts-expect-error wrong value type for a key
state.update({ prompt: 3 });
// @ts-expect-error append to a key that is not an array
state.append({ count: 1 });
// @ts-expect-error the item type must match the array's items
state.append({ chatHistory: "not a message" });
// @ts-expect-error increment a key that is not a number
state.increment({ prompt: 1 });

// subset and merge carry the type along.
const small = state.subset("prompt");
// @ts-expect-error subset dropped chatHistory
small.get("chatHistory");
const merged = state.merge(new State({ extra: 1 }));
const extra: number = merged.get("extra");

// A typed State flows into untyped APIs.
const untyped: State = state;

// The action view: reads ["prompt", "chatHistory"], writes ["chatHistory", "count"].
function aiResponse(view: ActionState<Chat, "prompt" | "chatHistory", "chatHistory" | "count">) {
  const question = view.get("prompt");
  // @ts-expect-error reading a key not declared in reads
  view.get("count");
  // @ts-expect-error writing a key not declared in writes
  view.update({ prompt: "x" });
  // @ts-expect-error appending to a key not declared in writes
  view.append({ safe: true });
  return view.append({ chatHistory: { role: "ai", content: question } }).increment({ count: 1 });
}
const after: State<Chat> = fromActionState(aiResponse(asActionState(state)));

// An untyped State accepts anything and returns unknown.
const loose = new State();
const value: unknown = loose.get("anything");
loose.append({ list: 1 }).update({ x: "y" });
// @ts-expect-error unknown is not a string
const notString: string = loose.get("x");

export { prompt, history, withFallback, extra, untyped, after, value, notString };
`;

describe("typed State (compile-time checks)", function () {
  this.timeout(120_000);

  it("accepts declared reads/writes and rejects undeclared ones at compile time", () => {
    assert.ok(existsSync(join(repo, "runtime/dist/index.d.ts")), "run from the repository root after npm run build:runtime");
    const dir = mkdtempSync(join(tmpdir(), "burr-types-"));
    try {
      const file = join(dir, "typed.ts");
      writeFileSync(file, program);
      const options: ts.CompilerOptions = {
        strict: true,
        noEmit: true,
        target: ts.ScriptTarget.ES2022,
        module: ts.ModuleKind.NodeNext,
        moduleResolution: ts.ModuleResolutionKind.NodeNext,
        skipLibCheck: true,
        types: [],
        paths: { "burr-ts": [join(repo, "runtime/dist/index.d.ts")] },
      };
      const result = ts.createProgram([file], options);
      const diagnostics = ts.getPreEmitDiagnostics(result).filter((d) => d.file?.fileName === file || d.file === undefined);
      const text = diagnostics.map((d) => {
        const where = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start).line + 1 : "?";
        return `line ${where}: ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`;
      });
      assert.deepEqual(text, []);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

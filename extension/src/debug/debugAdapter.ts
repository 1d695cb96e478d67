// dist/debugAdapter.js: the burr debug adapter over stdin/stdout, the same
// session the extension runs inline.
import { DebugSession } from "@vscode/debugadapter";
import { BurrDebugSession } from "./session.js";

// The session's host argument is optional, so the class fits run()'s constructor type.
DebugSession.run(BurrDebugSession as unknown as typeof DebugSession);

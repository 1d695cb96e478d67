#!/usr/bin/env node
// The `burr-ts` command. One subcommand today: replay.
import { replayCommand, REPLAY_USAGE } from "./replayCommand.js";
import { uiCommand, UI_USAGE } from "./ui/command.js";

const USAGE = `usage: burr-ts <command> [options]

commands:
  replay    re-run a recorded run with the current code (burr-ts replay --help)
  ui        browse tracked runs and persister databases in a browser (burr-ts ui --help)`;

export async function main(argv: readonly string[]): Promise<number> {
  const io = { out: (t: string) => process.stdout.write(`${t}\n`), err: (t: string) => process.stderr.write(`${t}\n`) };
  const [command, ...rest] = argv;
  if (command === "replay") return replayCommand(rest, io);
  if (command === "ui") return uiCommand(rest, io);
  if (command === undefined || command === "--help" || command === "help") {
    io.out(`${USAGE}\n\n${REPLAY_USAGE}\n\n${UI_USAGE}`);
    return command === undefined ? 2 : 0;
  }
  io.err(`burr-ts: unknown command "${command}"\n\n${USAGE}`);
  return 2;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    // Not a usage or record problem: the program or replay itself failed.
    process.stderr.write(`burr-ts: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 2;
  },
);

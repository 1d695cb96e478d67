#!/usr/bin/env node
// The `burr-ts` command: replay, test-case, dataset, export, ui.
import { replayCommand, REPLAY_USAGE } from "./replayCommand.js";
import { testCaseCommand, TEST_CASE_USAGE } from "./testCaseCommand.js";
import { datasetCommand, DATASET_USAGE } from "./datasetCommand.js";
import { exportCommand, EXPORT_USAGE } from "./exportCommand.js";
import { uiCommand, UI_USAGE } from "./ui/command.js";

const USAGE = `usage: burr-ts <command> [options]

commands:
  replay     re-run a recorded run with the current code (burr-ts replay --help)
  test-case  write a test from a tracked step or annotated steps (burr-ts test-case --help)
  dataset    export annotated steps as JSONL or CSV (burr-ts dataset --help)
  export     write a compact run in Burr's full form (burr-ts export --help)
  ui         browse tracked runs and persister databases in a browser (burr-ts ui --help)`;

export async function main(argv: readonly string[]): Promise<number> {
  const io = { out: (t: string) => process.stdout.write(`${t}\n`), err: (t: string) => process.stderr.write(`${t}\n`) };
  const [command, ...rest] = argv;
  if (command === "replay") return replayCommand(rest, io);
  if (command === "test-case") return testCaseCommand(rest, io);
  if (command === "dataset") return datasetCommand(rest, io);
  if (command === "export") return exportCommand(rest, io);
  if (command === "ui") return uiCommand(rest, io);
  if (command === undefined || command === "--help" || command === "help") {
    io.out([USAGE, REPLAY_USAGE, TEST_CASE_USAGE, DATASET_USAGE, EXPORT_USAGE, UI_USAGE].join("\n\n"));
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

// `burr-ts ui`: serves the runs UI until interrupted. Parses the options,
// opens the sources, prints the URL (with the token when --host is given).
import { homedir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs, UsageError } from "../args.js";
import { newToken } from "./auth.js";
import { isLoopback, startUiServer, type UiServer } from "./server.js";
import { databaseSource } from "./databaseSource.js";
import type { UiSource } from "./sources.js";
import { TrackingDirUiSource } from "./trackingDirSource.js";

export const UI_USAGE = `usage: burr-ts ui [--port 7241] [--tracking-dir DIR] [--db FILE|postgres://URL]... [--table NAME] [--host H]

Serves the Tracked Runs tree, run view, graph and annotations in a browser,
refreshing as runs are written.

  --port N            port to listen on (default 7241; 0 picks a free one)
  --tracking-dir DIR  the tracking directory (default ~/.burr)
  --db DB             a persister database to show too: a SQLite file or a
                      postgres:// URL; repeat for more
  --table NAME        the persister table in every --db (default: the persisters')
  --host H            listen on H instead of 127.0.0.1; every request then
                      needs the token printed at start`;

const SPEC = {
  port: { kind: "value" },
  "tracking-dir": { kind: "value" },
  db: { kind: "multi" },
  table: { kind: "value" },
  host: { kind: "value" },
  help: { kind: "flag" },
} as const;

export interface UiCommandIo {
  out(text: string): void;
  err(text: string): void;
}

export function expandHome(p: string): string {
  if (p === "~") return homedir();
  if (p.startsWith("~/")) return join(homedir(), p.slice(2));
  return p;
}

/** Starts the server; resolves once it listens (the process then stays up on the open socket). */
export async function startUiCommand(argv: readonly string[], io: UiCommandIo): Promise<UiServer | number> {
  let args;
  try {
    args = parseArgs(argv, SPEC, "burr-ts ui");
  } catch (err) {
    if (err instanceof UsageError) {
      io.err(`${err.message}\n\n${UI_USAGE}`);
      return 2;
    }
    throw err;
  }
  if (args.flags.has("help")) {
    io.out(UI_USAGE);
    return 0;
  }
  const portText = args.values.get("port") ?? "7241";
  const port = /^\d{1,5}$/.test(portText) ? Number(portText) : NaN;
  if (!(port >= 0 && port <= 65535)) {
    io.err(`burr-ts ui: --port must be a number from 0 to 65535, not "${portText}"`);
    return 2;
  }
  const host = args.values.get("host") ?? "127.0.0.1";
  const sources: UiSource[] = [new TrackingDirUiSource("dir", resolve(expandHome(args.values.get("tracking-dir") ?? "~/.burr")))];
  const table = args.values.get("table");
  for (const [i, spec] of (args.lists.get("db") ?? []).entries()) {
    try {
      sources.push(await databaseSource(`db${i + 1}`, spec, table));
    } catch (err) {
      io.err(`burr-ts ui: --db ${spec.replace(/\/\/[^@/]*@/, "//***@")}: ${(err as Error).message}`);
      for (const s of sources) await s.close?.();
      return 2;
    }
  }
  const token = isLoopback(host) ? null : newToken();
  let server: UiServer;
  try {
    server = await startUiServer({ sources, host, port, token });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    io.err(`burr-ts ui: cannot listen on ${host}:${port}: ${code === "EADDRINUSE" ? "the port is in use (pick another with --port)" : (err as Error).message}`);
    for (const s of sources) await s.close?.();
    return 2;
  }
  for (const s of sources) io.out(`source ${s.kind}: ${s.label}`);
  if (token !== null) io.out(`listening on ${host}: every request needs the token in the URL below (open it once; it is kept in a cookie)`);
  io.out(`Burr runs UI: ${server.openUrl}`);
  return server;
}

/** `burr-ts ui` as a command: serves until SIGINT or SIGTERM, then closes cleanly. */
export async function uiCommand(argv: readonly string[], io: UiCommandIo): Promise<number> {
  const started = await startUiCommand(argv, io);
  if (typeof started === "number") return started;
  await new Promise<void>((resolveStop) => {
    const stop = () => {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      resolveStop();
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
  });
  await started.close();
  return 0;
}

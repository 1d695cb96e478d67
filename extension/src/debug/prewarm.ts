// A TypeScript program's process, started when its launch configuration is
// resolved instead of at the launch request: VS Code takes about a second
// between the two (the session's views, the adapter, initialize), and Node plus
// tsx take 0.3–0.6 s of CPU to load, so they load meanwhile. The process runs
// dist/programHost.js, which becomes the program when the launch hands it over.
// Only an exact match is used (same node, tsx, cwd and environment); anything
// else is spawned at launch as before, and an unused process ends after 30 s.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { mark } from "../timing.js";
import type { HostOrder } from "./programHost.js";
import type { ProgramCommand } from "./programCommand.js";

const UNUSED_MS = 30_000;

/** A started process waiting for its program. */
export interface Prewarmed {
  child: ChildProcess;
  /** Hands the program over: the process runs it with `env` added to its environment. */
  run(env: Record<string, string>): void;
}

/** What ProgramSource asks for at launch. */
export interface PrewarmedPrograms {
  take(command: ProgramCommand): Prewarmed | null;
}

export class ProgramPrewarmer implements PrewarmedPrograms {
  private waiting: { key: string; child: ChildProcess; timer: NodeJS.Timeout } | null = null;

  constructor(private readonly adapterDir: string) {}

  /** Starts Node and tsx for `command` now, if it runs TypeScript through tsx and none is waiting for it. */
  prepare(command: ProgramCommand): void {
    const key = keyOf(command);
    const host = join(this.adapterDir, "programHost.js");
    if (!key || !existsSync(host)) return;
    if (this.waiting?.key === key && isRunning(this.waiting.child)) return;
    this.dispose();
    // Exactly the launch's command line up to the program (node --import <tsx>), with the host in its place;
    // the host is told the program it expects, to load the runtime that program will import.
    const child = spawn(command.executable, [...command.args.slice(0, 2), host, command.program], {
      cwd: command.cwd,
      env: { ...process.env, ...command.env },
      stdio: ["ignore", "pipe", "pipe", "pipe"],
    });
    const forget = () => {
      if (this.waiting?.child !== child) return;
      clearTimeout(this.waiting.timer);
      this.waiting = null;
    };
    child.on("error", forget);
    child.on("exit", forget);
    this.waiting = { key, child, timer: setTimeout(() => this.dispose(), UNUSED_MS) };
    this.waiting.timer.unref?.();
    mark("debug.prewarmed");
  }

  take(command: ProgramCommand): Prewarmed | null {
    const waiting = this.waiting;
    if (!waiting || waiting.key !== keyOf(command) || !isRunning(waiting.child)) return null;
    clearTimeout(waiting.timer);
    this.waiting = null;
    const orders = waiting.child.stdio[3] as NodeJS.WritableStream | null;
    if (!orders) {
      waiting.child.kill();
      return null;
    }
    return {
      child: waiting.child,
      run(env) {
        const order: HostOrder = { program: command.program, args: command.args.slice(3), env };
        orders.end(`${JSON.stringify(order)}\n`);
      },
    };
  }

  /** Ends the waiting process (its pipe closing tells it nobody wants it; the kill makes sure). */
  dispose(): void {
    const waiting = this.waiting;
    this.waiting = null;
    if (!waiting) return;
    clearTimeout(waiting.timer);
    (waiting.child.stdio[3] as NodeJS.WritableStream | null)?.end();
    waiting.child.kill();
  }
}

/** Which prepared process can serve `command`: TypeScript through tsx (`--import <tsx> program …`) only. */
function keyOf(command: ProgramCommand): string | null {
  if (command.replay || command.args[0] !== "--import" || command.args[2] !== command.program) return null;
  return JSON.stringify([command.executable, command.args[1], command.cwd, command.env, command.program]);
}

function isRunning(child: ChildProcess): boolean {
  return child.exitCode === null && child.signalCode === null && !child.killed;
}

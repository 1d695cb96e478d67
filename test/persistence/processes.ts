import { join } from "node:path";
// Starting worker processes and reading their lines, for the multi-process suites.
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { createInterface } from "node:readline";

export const stepperScript = join(__dirname, "workers/stepper.ts");

export interface Worker {
  child: ChildProcessWithoutNullStreams;
  /** Resolves with the first line matching `re` (rejects if the process exits first). */
  waitFor(re: RegExp): Promise<string>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>;
  lines: string[];
}

export function startWorker(args: string[]): Worker {
  const child = spawn(process.execPath, ["--import", "tsx", stepperScript, ...args], { stdio: ["pipe", "pipe", "pipe"] });
  const lines: string[] = [];
  const waiters: Array<{ re: RegExp; resolve: (l: string) => void; reject: (e: Error) => void }> = [];
  let stderr = "";
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  createInterface({ input: child.stdout }).on("line", (line) => {
    lines.push(line);
    for (const w of [...waiters]) {
      if (w.re.test(line)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(line);
      }
    }
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve) =>
    child.on("exit", (code, signal) => {
      for (const w of waiters.splice(0)) w.reject(new Error(`worker exited (${code ?? signal}) before printing ${w.re}: ${stderr}`));
      resolve({ code, signal, stderr });
    }),
  );
  return {
    child,
    lines,
    exited,
    waitFor: (re) => {
      const seen = lines.find((l) => re.test(l));
      if (seen) return Promise.resolve(seen);
      if (child.exitCode !== null || child.signalCode !== null) return Promise.reject(new Error(`worker already exited: ${stderr}`));
      return new Promise((resolve, reject) => waiters.push({ re, resolve, reject }));
    },
  };
}

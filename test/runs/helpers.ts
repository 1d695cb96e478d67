// Shared helpers for the runs suites: fixture paths and temp tracking dirs.
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Real runs written by Python Burr 0.40 (a storage dir: <project>/<appId>/...). */
export const pythonRuns = join(__dirname, "../tracking/fixtures/burr-python-runs");

export function tempDir(prefix: string): { dir: string; dispose: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `burr-runs-${prefix}-`));
  return { dir, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A writable copy of the Python fixtures. */
export function copyOfPythonRuns(): { dir: string; dispose: () => void } {
  const t = tempDir("py");
  cpSync(pythonRuns, t.dir, { recursive: true });
  return t;
}

// A lock file beside a file several processes rewrite (annotations.jsonl:
// the editor, `burr-ts ui`, scripts). `<path>.lock` names its holder as
// pid@host; a lock whose holder on this machine has died, or older than 30 s,
// is taken over, so a writer killed mid-write never blocks the others.
import { promises as fsp } from "node:fs";
import { hostname } from "node:os";

const LOCK_STALE_MS = 30_000;
const LOCK_WAIT_MS = 15_000;

/** True when the lock names a process of this machine that no longer runs (killed while writing). */
async function holderIsGone(lock: string): Promise<boolean> {
  const text = await fsp.readFile(lock, "utf8").catch(() => "");
  const [pid, host] = text.split("@");
  if (!pid || !/^\d+$/.test(pid) || host !== hostname()) return false;
  try {
    process.kill(Number(pid), 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "ESRCH";
  }
}

/**
 * Creates the lock already holding `pid@host`: written to a file of our own,
 * then hard-linked to the lock name (atomic, fails if it exists), so a writer
 * killed at any moment leaves either no lock or one that names it.
 */
async function takeLock(lock: string): Promise<void> {
  const owner = `${process.pid}@${hostname()}`;
  const mine = `${lock}.${process.pid}.${Math.random().toString(36).slice(2)}`;
  await fsp.writeFile(mine, owner);
  try {
    await fsp.link(mine, lock);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "EEXIST") throw err;
    // No hard links here (some network or FUSE filesystems): create it directly.
    const h = await fsp.open(lock, "wx");
    await h.writeFile(owner);
    await h.close();
  } finally {
    await fsp.rm(mine, { force: true });
  }
}

/** Runs `fn` holding `<path>.lock`; waits for another holder, takes over a dead one's lock. */
export async function withFileLock<T>(path: string, fn: () => Promise<T>): Promise<T> {
  const lock = `${path}.lock`;
  const deadline = Date.now() + LOCK_WAIT_MS;
  let delay = 2;
  for (;;) {
    try {
      await takeLock(lock);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw new Error(`Cannot lock ${path} (${lock}): ${(err as Error).message}`);
      const st = await fsp.stat(lock).catch(() => null);
      if (st && (Date.now() - st.mtimeMs > LOCK_STALE_MS || (await holderIsGone(lock)))) {
        await fsp.rm(lock, { force: true });
        continue;
      }
      if (Date.now() > deadline) throw new Error(`${path} is locked by another writer (${lock}); if no other burr-ts process is writing it, delete that lock file and retry`);
      await new Promise((r) => setTimeout(r, delay));
      delay = Math.min(delay * 2, 50);
    }
  }
  try {
    return await fn();
  } finally {
    await fsp.rm(lock, { force: true });
  }
}

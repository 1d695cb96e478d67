// One app's log.jsonl: records are buffered and written with one append per
// flush, so a reader only ever sees whole lines. Descriptors are opened lazily
// and the least recently used are closed past a limit (servers with many apps).
import { closeSync, openSync, writeSync } from "node:fs";
import { toJsonLine } from "./format.js";

const MAX_OPEN = 64;
const open = new Map<AppLog, true>();

export class AppLog {
  private fd: number | null = null;
  private buffer: string[] = [];

  constructor(readonly path: string) {}

  append(record: object): void {
    this.buffer.push(toJsonLine(record));
  }

  /** Writes buffered lines; throws on I/O errors (the client turns that into one warning). */
  flush(): void {
    if (!this.buffer.length) return;
    const text = this.buffer.join("\n") + "\n";
    this.buffer = [];
    if (this.fd === null) {
      this.fd = openSync(this.path, "a");
      if (open.size >= MAX_OPEN) open.keys().next().value?.close();
    }
    open.delete(this);
    open.set(this, true);
    const bytes = Buffer.from(text, "utf8");
    let off = 0;
    while (off < bytes.length) off += writeSync(this.fd, bytes, off);
  }

  discard(): void {
    this.buffer = [];
  }

  close(): void {
    open.delete(this);
    if (this.fd !== null) {
      try {
        closeSync(this.fd);
      } catch {
        // already closed: nothing to release
      }
      this.fd = null;
    }
  }
}

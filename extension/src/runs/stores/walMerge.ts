// Folds a SQLite write-ahead log into the main database bytes, as a reader
// would see the database: sql.js loads one file's bytes and cannot see the
// `-wal` a running persister (journal_mode=WAL) is still appending to.
// Follows the documented file format (sqlite.org/fileformat2.html, "The WAL
// File Format"): the same validity rules SQLite applies when it rebuilds its
// wal-index from the file. Pure: no file access, no vscode.

const WAL_HEADER = 32;
const FRAME_HEADER = 24;
const WAL_VERSION = 3007000;

export interface WalGeneration {
  salt1: number;
  salt2: number;
  checkpointSeq: number;
}

export interface MergedDatabase {
  /** The database image, marked as a rollback-journal database (header bytes 18/19 = 1). */
  image: Uint8Array;
  /** Frames applied: up to and including the last valid commit frame. */
  framesApplied: number;
  /** Why the log was left out as a whole (the image is then the main file's), else null. */
  problem: string | null;
}

interface Header extends WalGeneration {
  bigEndian: boolean;
  pageSize: number;
  checksum: [number, number];
}

/** The log's generation (its salts change when a checkpoint restarts it), or null if the header is invalid. */
export function walGeneration(wal: Uint8Array): WalGeneration | null {
  const h = parseHeader(wal);
  return typeof h === "string" ? null : { salt1: h.salt1, salt2: h.salt2, checkpointSeq: h.checkpointSeq };
}

/** main: the database file's bytes (may be empty); wal: the `-wal` file's bytes (may be empty). */
export function mergeWal(main: Uint8Array, wal: Uint8Array): MergedDatabase {
  const fromMain = (problem: string | null): MergedDatabase => ({ image: asRollbackJournal(main, true), framesApplied: 0, problem });
  if (wal.length === 0) return fromMain(null);
  const h = parseHeader(wal);
  if (typeof h === "string") return fromMain(h);
  const mainPageSize = pageSizeOf(main);
  if (mainPageSize !== null && mainPageSize !== h.pageSize) {
    return fromMain(`its page size (${h.pageSize}) differs from the database's (${mainPageSize})`);
  }

  // Pass 1: the frames SQLite would accept, and the last commit among them.
  const view = new DataView(wal.buffer, wal.byteOffset, wal.byteLength);
  const frameSize = FRAME_HEADER + h.pageSize;
  let sum = h.checksum;
  let lastCommit = -1;
  let dbPages = 0;
  for (let i = 0, off = WAL_HEADER; off + frameSize <= wal.length; i++, off += frameSize) {
    const pgno = view.getUint32(off);
    if (pgno === 0 || view.getUint32(off + 8) !== h.salt1 || view.getUint32(off + 12) !== h.salt2) break;
    sum = checksum(view, off, 8, h.bigEndian, sum);
    sum = checksum(view, off + FRAME_HEADER, h.pageSize, h.bigEndian, sum);
    if (sum[0] !== view.getUint32(off + 16) || sum[1] !== view.getUint32(off + 20)) break;
    const commitSize = view.getUint32(off + 4);
    if (commitSize !== 0) {
      lastCommit = i;
      dbPages = commitSize;
    }
  }
  if (lastCommit < 0) return fromMain(null);

  // Pass 2: the main file cut or grown to the committed size, then each frame's page in log order.
  const image = new Uint8Array(dbPages * h.pageSize);
  image.set(main.subarray(0, Math.min(main.length, image.length)));
  for (let i = 0, off = WAL_HEADER; i <= lastCommit; i++, off += frameSize) {
    const pgno = view.getUint32(off);
    if (pgno <= dbPages) image.set(wal.subarray(off + FRAME_HEADER, off + frameSize), (pgno - 1) * h.pageSize);
  }
  return { image: asRollbackJournal(image, false), framesApplied: lastCommit + 1, problem: null };
}

function parseHeader(wal: Uint8Array): Header | string {
  if (wal.length < WAL_HEADER) return `its header is cut short (${wal.length} bytes)`;
  const view = new DataView(wal.buffer, wal.byteOffset, wal.byteLength);
  const magic = view.getUint32(0);
  if (magic !== 0x377f0682 && magic !== 0x377f0683) return `it is not a write-ahead log (magic 0x${magic.toString(16)})`;
  const bigEndian = magic === 0x377f0683;
  const version = view.getUint32(4);
  if (version !== WAL_VERSION) return `its format version ${version} is not ${WAL_VERSION}`;
  const pageSize = view.getUint32(8);
  if (pageSize < 512 || pageSize > 65536 || (pageSize & (pageSize - 1)) !== 0) return `its page size ${pageSize} is invalid`;
  const sum = checksum(view, 0, 24, bigEndian, [0, 0]);
  if (sum[0] !== view.getUint32(24) || sum[1] !== view.getUint32(28)) return "its header checksum does not match";
  return { bigEndian, pageSize, checkpointSeq: view.getUint32(12), salt1: view.getUint32(16), salt2: view.getUint32(20), checksum: sum };
}

/** SQLite's WAL checksum over `length` bytes (a multiple of 8), continuing from `seed`. */
function checksum(view: DataView, offset: number, length: number, bigEndian: boolean, seed: [number, number]): [number, number] {
  let [s0, s1] = seed;
  const le = !bigEndian;
  for (let p = offset, end = offset + length; p < end; p += 8) {
    s0 = (s0 + view.getUint32(p, le) + s1) >>> 0;
    s1 = (s1 + view.getUint32(p + 4, le) + s0) >>> 0;
  }
  return [s0, s1];
}

/** The page size in the database header (offset 16; 1 means 65536), or null for an empty/short file. */
function pageSizeOf(main: Uint8Array): number | null {
  if (main.length < 100) return null;
  const raw = (main[16] << 8) | main[17];
  return raw === 1 ? 65536 : raw;
}

/**
 * Header bytes 18/19 (write/read format version) are 2 in WAL mode. The log is
 * folded in already, so mark the image as a rollback-journal database: sql.js
 * then reads it as a plain file instead of setting up WAL in its in-memory FS
 * (sql.js's own export() does the same). The caller's bytes are never changed.
 */
function asRollbackJournal(image: Uint8Array, copy: boolean): Uint8Array {
  if (image.length < 100 || (image[18] !== 2 && image[19] !== 2)) return image;
  const out = copy ? image.slice() : image;
  if (out[18] === 2) out[18] = 1;
  if (out[19] === 2) out[19] = 1;
  return out;
}

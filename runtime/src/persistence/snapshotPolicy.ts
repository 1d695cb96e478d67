// When to store a full snapshot instead of a delta, so saving stays O(change)
// while loading any sequence id replays a bounded number of deltas.
import type { StepChanges } from "../lifecycle/hooks.js";

export interface SnapshotOptions {
  /** A snapshot is written once the deltas since the last one outweigh it this many times. Default 1. */
  deltaToSnapshotRatio?: number;
  /** Never replay more than this many deltas to load a step. Default 10,000: a lower cap forces an O(state) snapshot every N steps, which makes the cost per step grow with the state. */
  maxDeltaChain?: number;
  /** Deltas below this many bytes in total never force a snapshot. Default 16 KiB. */
  minSnapshotBytes?: number;
}

interface Track {
  branch: number;
  lastSequenceId: number;
  snapshotBytes: number;
  deltaBytes: number;
  chain: number;
}

const MAX_TRACKED = 10_000;

export type Decision = { kind: "full" } | { kind: "delta"; text: string };

export class SnapshotPolicy {
  private readonly tracks = new Map<string, Track>();
  private readonly ratio: number;
  private readonly maxChain: number;
  private readonly minBytes: number;

  constructor(options: SnapshotOptions = {}) {
    this.ratio = options.deltaToSnapshotRatio ?? 1;
    this.maxChain = options.maxDeltaChain ?? 10_000;
    this.minBytes = options.minSnapshotBytes ?? 16 * 1024;
  }

  static key(partitionKey: string | null, appId: string): string {
    return `${partitionKey ?? ""}\u0000${appId}`;
  }

  /** A delta is only safe relative to the step this writer saved just before, on the same branch. */
  decide(key: string, branch: number, sequenceId: number, changes: StepChanges | undefined, failed: boolean, encode: (c: StepChanges) => string): Decision {
    const t = this.tracks.get(key);
    if (!t || !changes || failed || t.branch !== branch || t.lastSequenceId !== sequenceId - 1) return { kind: "full" };
    if (t.chain + 1 > this.maxChain) return { kind: "full" };
    const text = encode(changes);
    if (t.deltaBytes + text.length > Math.max(this.minBytes, t.snapshotBytes * this.ratio)) return { kind: "full" };
    return { kind: "delta", text };
  }

  /** Records a write that committed. */
  committed(key: string, branch: number, sequenceId: number, kind: "full" | "delta", bytes: number): void {
    const t = this.tracks.get(key);
    if (kind === "full" || !t) {
      // A server saves for many apps: past MAX_TRACKED the oldest is forgotten (its next save is a snapshot).
      if (!t && this.tracks.size >= MAX_TRACKED) this.tracks.delete(this.tracks.keys().next().value!);
      this.tracks.set(key, { branch, lastSequenceId: sequenceId, snapshotBytes: bytes, deltaBytes: 0, chain: 0 });
      return;
    }
    t.lastSequenceId = sequenceId;
    t.deltaBytes += bytes;
    t.chain += 1;
  }

  branchOf(key: string): number | undefined {
    return this.tracks.get(key)?.branch;
  }

  /** Forget an app (after a conflict or a rewind): the next save writes a snapshot. */
  forget(key: string): void {
    this.tracks.delete(key);
  }

  /** After a rewind this writer continues on the new branch; the next save is a snapshot. */
  moveTo(key: string, branch: number): void {
    this.tracks.set(key, { branch, lastSequenceId: Number.NaN, snapshotBytes: 0, deltaBytes: 0, chain: 0 });
  }

  clear(): void {
    this.tracks.clear();
  }
}

// Branches of one app's history. Branch 0 is the original; a rewind to step N
// opens branch b+1 whose steps up to N are those of the branch it left.
export interface BranchRecord {
  branch: number;
  parentBranch: number | null;
  forkSequenceId: number | null;
  createdAt: Date;
}

export const ROOT_BRANCH = 0;

export function rootBranch(createdAt: Date = new Date(0)): BranchRecord {
  return { branch: ROOT_BRANCH, parentBranch: null, forkSequenceId: null, createdAt };
}

/** The branch whose own rows hold `sequenceId`, seen from `from`. */
export function branchHolding(branches: Map<number, BranchRecord>, from: number, sequenceId: number): number {
  let b = branches.get(from);
  while (b && b.parentBranch !== null && b.forkSequenceId !== null && sequenceId <= b.forkSequenceId) {
    b = branches.get(b.parentBranch);
  }
  return b ? b.branch : ROOT_BRANCH;
}

/** Branches from `from` back to the root, each with the highest sequence id visible through it. */
export function lineage(branches: Map<number, BranchRecord>, from: number): Array<{ branch: number; upTo: number }> {
  const out: Array<{ branch: number; upTo: number }> = [];
  let upTo = Number.POSITIVE_INFINITY;
  let b = branches.get(from);
  while (b) {
    out.push({ branch: b.branch, upTo });
    if (b.parentBranch === null || b.forkSequenceId === null) break;
    upTo = Math.min(upTo, b.forkSequenceId);
    b = branches.get(b.parentBranch);
  }
  return out;
}

export function headOf(branches: Map<number, BranchRecord>): number {
  let head = ROOT_BRANCH;
  for (const b of branches.keys()) if (b > head) head = b;
  return head;
}

/**
 * Whether step `sequenceId` may be stored after the app's stored history.
 * `latest` is the highest step visible on the current branch (null when none):
 * a step must follow it directly. With no step at all, a new (or forked) app
 * may start anywhere, and an app rewound to before its first step starts at 0.
 * Returns null when it continues the history, else the reason it does not
 * (undefined reason: the sequence id is already taken).
 */
export function predecessorMismatch(sequenceId: number, latest: number | null, head: number): { reason?: string } | null {
  if (latest === null) {
    return head === ROOT_BRANCH || sequenceId === 0 ? null : { reason: `the app was rewound to before its first step, so its next step is 0` };
  }
  if (latest === sequenceId - 1) return null;
  if (latest >= sequenceId) return {};
  return { reason: `the stored history ends at step ${latest}, so step ${sequenceId} does not continue it (another writer stepped or rewound the app since this one loaded it)` };
}

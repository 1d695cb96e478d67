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

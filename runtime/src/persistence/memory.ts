// InMemoryPersister: keeps State objects as they are (State shares structure,
// so a step costs what it changed), with the same branch/rewind semantics as
// the SQL persisters.
import type { BranchInfo, HistoryHead, LoadOptions, PersistedStep, RewindArgs, RewindableStatePersister, SaveArgs, StepSummary } from "./types.js";
import { ConcurrentStepError, PersistenceError } from "./errors.js";
import { type BranchRecord, branchHolding, headOf, lineage, predecessorMismatch, rootBranch } from "./lineage.js";

interface AppHistory {
  branches: Map<number, BranchRecord>;
  /** branch -> sequence id -> step */
  steps: Map<number, Map<number, PersistedStep>>;
  /** branch -> its highest own sequence id (the predecessor check is O(1)) */
  top: Map<number, number>;
  /** app ids in order of last write, for listAppIds */
  lastWrite: number;
}

export class InMemoryPersister implements RewindableStatePersister {
  private readonly apps = new Map<string, Map<string, AppHistory>>();
  private writes = 0;

  async initialize(): Promise<void> {}

  private history(partitionKey: string | null, appId: string, create: boolean): AppHistory | undefined {
    const pk = partitionKey ?? "";
    let byApp = this.apps.get(pk);
    if (!byApp && create) this.apps.set(pk, (byApp = new Map()));
    let h = byApp?.get(appId);
    if (!h && create && byApp) {
      h = { branches: new Map([[0, rootBranch(new Date())]]), steps: new Map([[0, new Map()]]), top: new Map(), lastWrite: 0 };
      byApp.set(appId, h);
    }
    return h;
  }

  async save(args: SaveArgs): Promise<void> {
    const h = this.history(args.partitionKey, args.appId, true)!;
    const branch = headOf(h.branches);
    const own = h.steps.get(branch)!;
    const fork = h.branches.get(branch)!.forkSequenceId;
    const latest = h.top.get(branch) ?? (fork === null || fork < 0 ? null : fork);
    const mismatch = own.has(args.sequenceId) ? {} : predecessorMismatch(args.sequenceId, latest, branch);
    if (mismatch) throw new ConcurrentStepError({ partitionKey: args.partitionKey, appId: args.appId, sequenceId: args.sequenceId, reason: mismatch.reason });
    own.set(args.sequenceId, {
      partitionKey: args.partitionKey,
      appId: args.appId,
      sequenceId: args.sequenceId,
      position: args.position,
      state: args.state,
      status: args.status,
      createdAt: new Date(),
      branch,
    });
    h.top.set(branch, Math.max(h.top.get(branch) ?? -1, args.sequenceId));
    h.lastWrite = ++this.writes;
  }

  async load(partitionKey: string | null, appId: string, sequenceId?: number, options: LoadOptions = {}): Promise<PersistedStep | null> {
    const h = this.history(partitionKey, appId, false);
    if (!h) return null;
    const from = options.branch ?? headOf(h.branches);
    if (!h.branches.has(from)) return null;
    if (sequenceId !== undefined) return h.steps.get(branchHolding(h.branches, from, sequenceId))?.get(sequenceId) ?? null;
    return latestStep(h, from);
  }

  async listAppIds(partitionKey: string | null): Promise<string[]> {
    const byApp = this.apps.get(partitionKey ?? "");
    if (!byApp) return [];
    return [...byApp.entries()].sort((a, b) => b[1].lastWrite - a[1].lastWrite).map(([id]) => id);
  }

  async rewind(args: RewindArgs): Promise<BranchInfo> {
    const h = this.history(args.partitionKey, args.appId, false);
    const head = h ? headOf(h.branches) : 0;
    if (!h || (args.toSequenceId !== -1 && !h.steps.get(branchHolding(h.branches, head, args.toSequenceId))?.has(args.toSequenceId))) {
      throw new PersistenceError(`InMemoryPersister: cannot rewind app "${args.appId}" to step ${args.toSequenceId}: no such step on its current history.`);
    }
    const rec: BranchRecord = { branch: head + 1, parentBranch: head, forkSequenceId: args.toSequenceId, createdAt: new Date() };
    h.branches.set(rec.branch, rec);
    h.steps.set(rec.branch, new Map());
    return { ...rec, lastSequenceId: null, current: true };
  }

  async head(partitionKey: string | null, appId: string): Promise<HistoryHead> {
    const h = this.history(partitionKey, appId, false);
    if (!h) return { branch: 0, lastSequenceId: null };
    const branch = headOf(h.branches);
    return { branch, lastSequenceId: h.top.get(branch) ?? null };
  }

  async listBranches(partitionKey: string | null, appId: string): Promise<BranchInfo[]> {
    const h = this.history(partitionKey, appId, false);
    if (!h) return [];
    const head = headOf(h.branches);
    return [...h.branches.values()].map((b) => {
      const seqs = [...h.steps.get(b.branch)!.keys()];
      return { ...b, lastSequenceId: seqs.length ? Math.max(...seqs) : null, current: b.branch === head };
    });
  }

  async listSteps(partitionKey: string | null, appId: string, options: LoadOptions = {}): Promise<StepSummary[]> {
    const h = this.history(partitionKey, appId, false);
    if (!h) return [];
    const out: StepSummary[] = [];
    for (const { branch, upTo } of lineage(h.branches, options.branch ?? headOf(h.branches))) {
      for (const s of h.steps.get(branch)?.values() ?? []) {
        if (s.sequenceId <= upTo) out.push({ sequenceId: s.sequenceId, position: s.position, status: s.status, createdAt: s.createdAt, branch });
      }
    }
    return out.sort((a, b) => a.sequenceId - b.sequenceId);
  }

  async close(): Promise<void> {}
}

/** The newest step visible from branch `from` (its own steps, then its ancestors' up to each fork). */
function latestStep(h: AppHistory, from: number): PersistedStep | null {
  for (const { branch, upTo } of lineage(h.branches, from)) {
    let best: PersistedStep | null = null;
    for (const step of h.steps.get(branch)!.values()) {
      if (step.sequenceId <= upTo && (!best || step.sequenceId > best.sequenceId)) best = step;
    }
    if (best) return best;
  }
  return null;
}

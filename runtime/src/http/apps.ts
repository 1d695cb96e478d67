// Where the handler gets an app: every request builds it from the user's
// builder and resumes it from the persister, so any server process sharing
// the database can serve any app id. A per-process busy set answers a second
// turn on a running app with 409 at once; across processes the persister's
// unique sequence ids do the same (ConcurrentStepError), so history is never
// written twice. Apps that finished a turn here stay built in a small LRU
// cache; one is reused only while the persister says nobody else has stepped
// or rewound it since (its history head: newest branch and newest step there).
import type { Application } from "../application/application.js";
import type { ApplicationBuilder } from "../application/builder.js";
import { isRewindable, type HistoryHead, type PersistedStep, type RewindableStatePersister, type StatePersister } from "../persistence/types.js";
import type { StateValues } from "../state/types.js";
import { HttpError } from "./errors.js";

export interface AppIds {
  appId: string;
  partitionKey: string | null;
}

/** Returns the app's builder as written for a new app: actions, transitions, state, entrypoint. */
export type BuildApp<S extends StateValues = StateValues> = (ids: AppIds) => ApplicationBuilder<S> | Promise<ApplicationBuilder<S>>;

interface Cached<S extends StateValues> {
  app: Application<S>;
  /** The head branch when the app was opened; its sequence id says the rest. */
  branch: number;
}

const keyOf = (ids: AppIds) => `${ids.partitionKey ?? ""}\u0000${ids.appId}`;

export class AppStore<S extends StateValues> {
  private readonly busy = new Set<string>();
  private readonly cache = new Map<string, Cached<S>>();
  private readonly opened = new WeakMap<Application<S>, number>();
  private readonly headOf: ((ids: AppIds) => Promise<HistoryHead>) | null;

  constructor(
    private readonly build: BuildApp<S>,
    readonly persister: StatePersister,
    private readonly maxCached = 1000,
  ) {
    this.headOf = isRewindable(persister) ? headReader(persister) : null;
  }

  /** The app's latest saved step, or null when it has none. */
  latest(ids: AppIds, sequenceId?: number): Promise<PersistedStep | null> {
    return this.persister.load(ids.partitionKey, ids.appId, sequenceId);
  }

  async list(partitionKey: string | null): Promise<string[]> {
    return this.persister.listAppIds(partitionKey);
  }

  /** The app resumed from its last saved step (or new, as the builder writes it). */
  async open(ids: AppIds): Promise<Application<S>> {
    if (this.maxCached <= 0 || !this.headOf) return this.load(ids);
    const key = keyOf(ids);
    const head = await this.headOf(ids);
    const hit = this.cache.get(key);
    this.cache.delete(key);
    if (hit && hit.branch === head.branch && hit.app.sequenceId === head.lastSequenceId) return hit.app;
    const app = await this.load(ids);
    this.opened.set(app, head.branch);
    return app;
  }

  private async load(ids: AppIds): Promise<Application<S>> {
    const builder = await this.build(ids);
    return builder.withIdentifiers(ids).withStatePersister(this.persister).resumeFrom(this.persister).build();
  }

  /** After a turn that ended cleanly: keep the app built for the next one. */
  keep(ids: AppIds, app: Application<S>): void {
    if (this.maxCached <= 0) return;
    const branch = this.opened.get(app);
    if (branch === undefined) return;
    this.cache.set(keyOf(ids), { app, branch });
    if (this.cache.size > this.maxCached) this.cache.delete(this.cache.keys().next().value!);
  }

  /** A new app `to` that starts from step `sequenceId` of `from`. */
  async fork(from: AppIds, sequenceId: number, to: AppIds): Promise<Application<S>> {
    const builder = await this.build(to);
    return builder
      .withIdentifiers(to)
      .withStatePersister(this.persister)
      .resumeFrom(this.persister, { forkFromAppId: from.appId, forkFromPartitionKey: from.partitionKey, forkFromSequenceId: sequenceId })
      .build();
  }

  /** Marks the app as running in this process; throws 409 when it already is. Returns the release. */
  claim(ids: AppIds): () => void {
    const key = keyOf(ids);
    if (this.busy.has(key)) {
      throw new HttpError(
        409,
        "ConcurrentStepError",
        `App "${ids.appId}" is already running a turn; wait for it to finish (or its stream to end) and send the request again`,
      );
    }
    this.busy.add(key);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.busy.delete(key);
    };
  }
}

/** The persister's cheap head read, or one derived from listBranches for a persister without it. */
function headReader(persister: RewindableStatePersister): (ids: AppIds) => Promise<HistoryHead> {
  if (typeof persister.head === "function") return (ids) => persister.head!(ids.partitionKey, ids.appId);
  return async (ids) => {
    const branches = await persister.listBranches(ids.partitionKey, ids.appId);
    const current = branches.find((b) => b.current);
    return { branch: current?.branch ?? 0, lastSequenceId: current?.lastSequenceId ?? null };
  };
}

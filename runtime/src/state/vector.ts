// A persistent append-only vector: many versions share one backing array.
// Appending to the newest version pushes in place (O(1) amortized); appending
// to an older version, or to one whose array was handed out frozen, copies once.

let nextStoreId = 1;

/** A store this one was copied from, and how many leading items they share. */
interface Ancestor {
  readonly id: number;
  readonly upTo: number;
}

// How far back prefix checks can see; beyond it a diff falls back to "set".
const MAX_ANCESTORS = 8;

class Store {
  readonly id = nextStoreId++;
  /** True once `items` was handed out frozen: no more pushes into it. */
  frozen = false;
  constructor(
    readonly items: unknown[],
    readonly ancestors: readonly Ancestor[],
  ) {}
}

// Plain arrays that seeded a vector get an id like a store's, so a diff can tell
// "appended to the initial array" from "replaced it". State's arrays are frozen, so ids stay true.
const arrayIds = new WeakMap<readonly unknown[], number>();
function arrayId(items: readonly unknown[]): number {
  let id = arrayIds.get(items);
  if (id === undefined) {
    id = nextStoreId++;
    arrayIds.set(items, id);
  }
  return id;
}

// Frozen arrays toArray() handed out, with the store and length they show, so
// knownPrefix() can tell in O(1) that one starts with another (argsDigest.ts).
const snapshotOrigins = new WeakMap<readonly unknown[], { store: Store; length: number }>();

function ownPrefix(shorter: readonly unknown[], longer: readonly unknown[]): boolean {
  const a = snapshotOrigins.get(shorter);
  const b = snapshotOrigins.get(longer);
  if (!a || !b || a.length > b.length) return false;
  if (a.store === b.store) return true; // a store only grows at its end
  return b.store.ancestors.some((x) => x.id === a.store.id && x.upTo >= a.length);
}

// The runtime can be loaded twice in one process: `burr-ts replay` (ESM) runs a
// CommonJS program whose require("burr-ts") gets tsx's copy, so the program's
// state arrays come from the other copy. Each copy registers its own test;
// ids are never compared across copies.
type PrefixTest = (shorter: readonly unknown[], longer: readonly unknown[]) => boolean;
const PREFIX_TESTS = Symbol.for("burr-ts.knownPrefixTests");
const prefixTests: PrefixTest[] = ((globalThis as { [PREFIX_TESTS]?: PrefixTest[] })[PREFIX_TESTS] ??= []);
prefixTests.push(ownPrefix);

/** True when both arrays came from state and `shorter` holds exactly the first items of `longer`; false when that is not known. */
export function knownPrefix(shorter: readonly unknown[], longer: readonly unknown[]): boolean {
  for (const test of prefixTests) if (test(shorter, longer)) return true;
  return false;
}

/**
 * The first `n` items of `items` as a new array. V8 (Node 20) has no fast path
 * for Array.prototype.slice on frozen arrays (~60x slower than spread), and a
 * store's array is frozen once toArray() hands it out: a chat history read and
 * then appended to every turn. Spread then truncate is fast; a loop (~15x
 * slower per item than spread) only when a few items are wanted from many.
 */
function copyPrefix(items: readonly unknown[], n: number): unknown[] {
  if (!Object.isFrozen(items)) return items.slice(0, n);
  if (n * 16 < items.length) {
    const out: unknown[] = [];
    for (let i = 0; i < n; i++) out.push(items[i]);
    return out;
  }
  const out = [...items];
  out.length = n;
  return out;
}

/** Counts backing-array copies, so tests (and curious users) can see that appends share storage. */
const vectorStats = { copies: 0, copiedItems: 0 };

/** How many times, and how many items, append/extend copied a backing array since the process started. */
export function stateStorageStats(): { copies: number; copiedItems: number } {
  return { ...vectorStats };
}

export class AppendVector {
  private snapshot: readonly unknown[] | undefined;

  private constructor(
    private readonly store: Store,
    readonly length: number,
  ) {}

  /** A vector starting with a copy of `items` (a plain array already in state, which it remembers as its origin). */
  static of(items: readonly unknown[]): AppendVector {
    vectorStats.copies++;
    vectorStats.copiedItems += items.length;
    return new AppendVector(new Store(copyPrefix(items, items.length), [{ id: arrayId(items), upTo: items.length }]), items.length);
  }

  /** True when the plain array `items` (a value in an older state) is the start of `other`. */
  static isPrefixArray(items: readonly unknown[], other: AppendVector): boolean {
    const id = arrayIds.get(items);
    if (id === undefined || items.length > other.length) return false;
    return other.store.ancestors.some((ancestor) => ancestor.id === id && ancestor.upTo >= items.length);
  }

  append(item: unknown): AppendVector {
    const store = this.writableStore();
    store.items.push(item);
    return new AppendVector(store, this.length + 1);
  }

  extend(items: readonly unknown[]): AppendVector {
    if (items.length === 0) return this;
    const store = this.writableStore();
    for (const item of items) store.items.push(item);
    return new AppendVector(store, this.length + items.length);
  }

  /** A real frozen array of this version's items, made once per version. */
  toArray(): readonly unknown[] {
    if (this.snapshot !== undefined) return this.snapshot;
    const { store } = this;
    if (store.items.length === this.length) {
      // The newest version: freezing is O(1) in V8; later appends copy once.
      store.frozen = true;
      this.snapshot = Object.freeze(store.items);
    } else {
      this.snapshot = Object.freeze(copyPrefix(store.items, this.length));
    }
    snapshotOrigins.set(this.snapshot, { store, length: this.length });
    return this.snapshot;
  }

  /** The frozen array if toArray() already made it. */
  toArrayIfMade(): readonly unknown[] | undefined {
    return this.snapshot;
  }

  /** Items from `start` to the end of this version (a fresh array). */
  itemsFrom(start: number): unknown[] {
    return this.store.items.slice(start, this.length);
  }

  /** True when `this` holds exactly the first `this.length` items of `other`. */
  isPrefixOf(other: AppendVector): boolean {
    if (this.length > other.length) return false;
    if (this.store === other.store) return true;
    const mine = this.store.id;
    for (const ancestor of other.store.ancestors) {
      if (ancestor.id === mine) return ancestor.upTo >= this.length;
    }
    return false;
  }

  private writableStore(): Store {
    const { store } = this;
    if (!store.frozen && store.items.length === this.length) return store;
    vectorStats.copies++;
    vectorStats.copiedItems += this.length;
    const ancestors: Ancestor[] = [{ id: store.id, upTo: this.length }];
    for (const older of store.ancestors) {
      if (ancestors.length >= MAX_ANCESTORS) break;
      ancestors.push({ id: older.id, upTo: Math.min(older.upTo, this.length) });
    }
    return new Store(copyPrefix(store.items, this.length), ancestors);
  }
}

// Type helpers shared by State and the typed action views.

/** The shape of a state: key → value. */
export type StateValues = Record<string, unknown>;

/** The string keys of a state type. */
export type StateKey<S> = keyof S & string;

/** What `get` returns: arrays come back readonly (they are frozen); never undefined (state cannot hold it). */
export type ReadValue<T> = T extends undefined ? never : T extends readonly (infer E)[] ? readonly E[] : T;

/** What `update` accepts for a key: the value, or a readonly array of its items. */
export type UpdateInput<S> = { [K in keyof S]?: S[K] | ReadValue<S[K]> };

/** The item type of an array-valued key; `unknown` for an untyped key, never for a non-array. */
export type ElementOf<T> = unknown extends T ? unknown : T extends readonly (infer E)[] ? E : never;

/** What `append` accepts: one item per array-valued key. */
export type AppendInput<S> = { [K in keyof S]?: ElementOf<S[K]> };

/** What `extend` accepts: items per array-valued key. */
export type ExtendInput<S> = { [K in keyof S]?: readonly ElementOf<S[K]>[] };

/** `number` for numeric (or untyped) keys, never otherwise. */
export type IncrementValue<T> = unknown extends T ? number : NonNullable<T> extends number ? number : never;

/** What `increment` accepts: a delta per numeric key. */
export type IncrementInput<S> = { [K in keyof S]?: IncrementValue<S[K]> };

/** Which keys `wipe` removes (`delete`) or retains (`keep`); exactly one. */
export type WipeInput<S> =
  | { delete: readonly StateKey<S>[]; keep?: undefined }
  | { keep: readonly StateKey<S>[]; delete?: undefined };

/** The state type after `a.merge(b)`: b's keys win. */
export type Merged<A, B> = Omit<A, keyof B> & B;

// Calls that bypass trace() run live during replay; those that can be seen
// are reported: network requests through fetch, and (in the engine) code
// inside tracer.span() blocks.
export interface LiveCall {
  sequenceId: number;
  action: string;
  /** What ran live, e.g. `fetch https://api.openai.com/v1/chat/completions`. */
  what: string;
}

/** Watches globalThis.fetch until the returned function is called; requests still go out. */
export function watchLiveCalls(seen: (what: string) => void): () => void {
  const original = globalThis.fetch;
  if (typeof original !== "function") return () => undefined;
  const watched: typeof fetch = (input, init) => {
    const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
    seen(`fetch ${url.split("?")[0]}`);
    return original(input, init);
  };
  globalThis.fetch = watched;
  return () => {
    if (globalThis.fetch === watched) globalThis.fetch = original;
  };
}

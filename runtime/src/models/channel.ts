// Runs a producer inside a tracer span while the caller iterates what it
// pushes: a span is a callback, a stream is a loop the caller owns.
import type { Span, Tracer } from "../application/tracer.js";

export async function* inSpan<T>(
  tracer: Tracer | undefined,
  name: string,
  produce: (push: (item: T) => void, span: Span | null) => Promise<void>,
): AsyncGenerator<T, void, undefined> {
  const queue: T[] = [];
  let wake: (() => void) | null = null;
  let finished = false;
  let failure: { error: unknown } | null = null;
  const push = (item: T) => {
    queue.push(item);
    wake?.();
  };
  const run = tracer ? tracer.span(name, (span) => produce(push, span)) : produce(push, null);
  run.then(
    () => {
      finished = true;
      wake?.();
    },
    (error: unknown) => {
      failure = { error };
      finished = true;
      wake?.();
    },
  );
  for (;;) {
    if (queue.length) {
      yield queue.shift()!;
      continue;
    }
    if (finished) break;
    await new Promise<void>((resolve) => (wake = resolve));
    wake = null;
  }
  if (failure) throw (failure as { error: unknown }).error;
}

// Calls the hooks of one hook point in registration order. Sync hooks cost no
// await; the first hook that returns a promise switches the rest to async, so
// order is kept either way. A throwing hook becomes a HookError (never eaten).
import { BurrError, HookError, type BurrErrorContext } from "../errors.js";
import type { LifecycleHooks } from "./hooks.js";

export type HookPoint = Exclude<keyof LifecycleHooks, never>;

type HookFn = (args: never) => unknown;

interface BoundHook {
  fn: HookFn;
  owner: LifecycleHooks;
  label: string;
}

const HOOK_POINTS: HookPoint[] = [
  "postApplicationCreate",
  "preRunStep",
  "postRunStep",
  "preStartSpan",
  "postEndSpan",
  "doLogAttribute",
  "preStartStream",
  "postStreamItem",
  "postEndStream",
  "preApplicationExecuteCall",
  "postApplicationExecuteCall",
];

function isThenable(v: unknown): v is PromiseLike<unknown> {
  return v !== null && typeof v === "object" && typeof (v as { then?: unknown }).then === "function";
}

function labelOf(hook: LifecycleHooks, index: number): string {
  const ctorName = (hook as { constructor?: { name?: string } }).constructor?.name;
  return ctorName && ctorName !== "Object" ? ctorName : `hooks[${index}]`;
}

type HookArgs<P extends HookPoint> = Parameters<NonNullable<LifecycleHooks[P]>>[0];

export class HookRunner {
  private readonly byPoint = new Map<HookPoint, BoundHook[]>();
  readonly hooks: readonly LifecycleHooks[];

  constructor(hooks: readonly LifecycleHooks[]) {
    this.hooks = hooks;
    for (const point of HOOK_POINTS) {
      const list: BoundHook[] = [];
      hooks.forEach((hook, i) => {
        const fn = hook[point];
        if (typeof fn === "function") list.push({ fn: fn as HookFn, owner: hook, label: labelOf(hook, i) });
      });
      if (list.length) this.byPoint.set(point, list);
    }
  }

  has(point: HookPoint): boolean {
    return this.byPoint.has(point);
  }

  /** Runs every hook of `point`; returns a promise only if some hook was async. */
  call<P extends HookPoint>(point: P, args: HookArgs<P>, ctx: BurrErrorContext = {}): void | Promise<void> {
    const list = this.byPoint.get(point);
    if (!list) return;
    for (let i = 0; i < list.length; i++) {
      const h = list[i];
      let r: unknown;
      try {
        r = h.fn.call(h.owner, args as never);
      } catch (e) {
        throw wrap(point, h.label, e, ctx);
      }
      if (isThenable(r)) return this.finishAsync(point, list, i, r, args, ctx);
    }
  }

  private async finishAsync(
    point: HookPoint,
    list: BoundHook[],
    index: number,
    pending: PromiseLike<unknown>,
    args: unknown,
    ctx: BurrErrorContext,
  ): Promise<void> {
    try {
      await pending;
    } catch (e) {
      throw wrap(point, list[index].label, e, ctx);
    }
    for (let i = index + 1; i < list.length; i++) {
      const h = list[i];
      try {
        await h.fn.call(h.owner, args as never);
      } catch (e) {
        throw wrap(point, h.label, e, ctx);
      }
    }
  }
}

// A BurrError from a hook (e.g. a persister's ConcurrentStepError) already says
// what happened and callers test its class, so it passes through unwrapped.
function wrap(point: string, label: string, e: unknown, ctx: BurrErrorContext): Error {
  if (e instanceof BurrError) return e;
  return new HookError(point, label, e, ctx);
}

// The page's side of the layout worker. Webview resources are served through a
// service worker that does not serve Worker scripts, so the script is fetched
// and started from a blob: URL (the CSP allows `worker-src blob:`).
import { markPage } from "../shared/timing.js";
import type { FromLayoutWorker, LayoutRequest, LayoutResult, ToLayoutWorker } from "./types.js";

export class LayoutClient {
  private worker: Promise<Worker> | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve(r: LayoutResult): void; reject(e: Error): void }>();

  constructor(private readonly workerUrl: string) {}

  layout(request: LayoutRequest): Promise<LayoutResult> {
    const id = this.nextId++;
    return new Promise<LayoutResult>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.start().then(
        (worker) => worker.postMessage({ id, request } satisfies ToLayoutWorker),
        (err: unknown) => {
          this.pending.delete(id);
          reject(err instanceof Error ? err : new Error(String(err)));
        },
      );
    });
  }

  /**
   * Starts the worker now (fetching its script and loading elkjs take most of
   * a first layout), so that the graph, which the host sends after the page's
   * `ready`, finds it running. Failures surface on the first layout instead.
   */
  warm(): void {
    this.start().catch(() => undefined);
  }

  private start(): Promise<Worker> {
    this.worker ??= this.spawn();
    return this.worker;
  }

  private async spawn(): Promise<Worker> {
    const response = await fetch(this.workerUrl);
    if (!response.ok) throw new Error(`cannot load the layout worker (${response.status} from ${this.workerUrl})`);
    const blob = new Blob([await response.text()], { type: "text/javascript" });
    markPage("workerFetched");
    const worker = new Worker(URL.createObjectURL(blob));
    worker.onmessage = (event: MessageEvent<FromLayoutWorker>) => this.settle(event.data);
    worker.onerror = (event) => {
      const err = new Error(`layout worker failed: ${event.message}`);
      for (const p of this.pending.values()) p.reject(err);
      this.pending.clear();
      this.worker = null;
    };
    return worker;
  }

  private settle(reply: FromLayoutWorker): void {
    const waiting = this.pending.get(reply.id);
    if (!waiting) return;
    this.pending.delete(reply.id);
    if ("error" in reply) waiting.reject(new Error(`elkjs could not lay out the graph: ${reply.error}`));
    else waiting.resolve(reply.result);
  }
}

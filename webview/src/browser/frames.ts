// One embedded webview (run view or graph) as the shell hosts it: an iframe of
// the same bundle the editor loads, spoken to with the same messages. Like the
// extension, the host sends nothing until the view says `ready`, then the
// latest message of each kind (again after the frame reloads).
export class FrameHost<In extends { type: string }, Out extends { type: string }> {
  readonly element: HTMLIFrameElement;
  private ready = false;
  private readonly latest = new Map<string, In>();

  constructor(
    private readonly src: string,
    title: string,
    private readonly onMessage: (m: Out) => void,
    /** Load the page only when first shown (the graph's layout engine is large). */
    lazy = false,
  ) {
    this.element = document.createElement("iframe");
    if (!lazy) this.element.src = src;
    this.element.title = title;
    this.element.className = "frame";
    window.addEventListener("message", (event: MessageEvent<unknown>) => {
      if (event.source !== this.element.contentWindow || event.origin !== location.origin) return;
      const m = event.data as Out;
      if (!m || typeof m !== "object" || typeof m.type !== "string") return;
      if (m.type === "ready") {
        this.ready = true;
        for (const q of this.latest.values()) this.deliver(q);
      }
      this.onMessage(m);
    });
  }

  /** Loads the view's page if it is not loading yet. */
  load(): void {
    if (!this.element.getAttribute("src")) this.element.src = this.src;
  }

  /** Sends now if the view is ready; the latest message of each type is also kept for when it (re)loads. */
  post(message: In): void {
    this.latest.set(message.type, message);
    if (this.ready) this.deliver(message);
  }

  private deliver(message: In): void {
    this.element.contentWindow?.postMessage(message, location.origin);
  }
}

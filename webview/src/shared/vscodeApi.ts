// The one channel between a view (graph, run view) and its host, generic over
// the messages each way. In VS Code the host is the extension, reached through
// the injected `acquireVsCodeApi`; in a plain browser page (`npx burr-ts ui`)
// a script that runs before the view installs a HostTransport factory on
// `window.burrHostTransport` (fetch + EventSource there). The view code is the
// same in both: it only sees HostChannel.

/** Which view asks for a channel; lets one browser page host several views. */
export type ViewName = "graph" | "runs";

/**
 * What a host must provide. Messages are untyped here: the channel types them.
 * `subscribe` delivers every host → view message to `listener` and returns an
 * unsubscribe function; `post` sends view → host; state survives a reload of
 * the view (VS Code keeps it while the panel is hidden; a browser may use
 * sessionStorage).
 */
export interface HostTransport {
  post(message: unknown): void;
  subscribe(listener: (message: unknown) => void): () => void;
  getState(): unknown;
  setState(state: unknown): void;
}

/** Installed by a browser shell before any view bundle runs. */
export type HostTransportFactory = (view: ViewName) => HostTransport;

declare global {
  interface Window {
    burrHostTransport?: HostTransportFactory;
  }
}

/** The typed face a view uses: `In` host → view, `Out` view → host. */
export interface HostChannel<In, Out, State = unknown> {
  post(message: Out): void;
  /** Calls `listener` for each host message; returns an unsubscribe function. */
  onMessage(listener: (message: In) => void): () => void;
  getState(): State | undefined;
  setState(state: State): void;
}

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

// acquireVsCodeApi may be called once per page: keep the first result.
let vscodeApi: VsCodeApi | undefined;

/** The transport inside a VS Code webview: postMessage out, window `message` events in. */
export function vscodeTransport(): HostTransport {
  vscodeApi ??= acquireVsCodeApi();
  const api = vscodeApi;
  return {
    post: (message) => api.postMessage(message),
    subscribe(listener) {
      const handler = (event: MessageEvent<unknown>) => listener(event.data);
      window.addEventListener("message", handler);
      return () => window.removeEventListener("message", handler);
    },
    getState: () => api.getState(),
    setState: (state) => api.setState(state),
  };
}

/**
 * The channel for `view`: the given transport, else the page's installed
 * factory (browser), else VS Code's API.
 */
export function hostChannel<In, Out, State = unknown>(view: ViewName, transport?: HostTransport): HostChannel<In, Out, State> {
  const t = transport ?? window.burrHostTransport?.(view) ?? vscodeTransport();
  return {
    post: (message) => t.post(message),
    // The host is trusted to send `In`; views still ignore a `type` they do not know.
    onMessage: (listener) => t.subscribe((message) => listener(message as In)),
    getState: () => t.getState() as State | undefined,
    setState: (state) => t.setState(state),
  };
}

// The typed face of the webview API VS Code injects (`acquireVsCodeApi`).
import type { GraphToHostMessage } from "../../../extension/src/protocol/webview.js";

interface VsCodeApi<State> {
  postMessage(message: unknown): void;
  getState(): State | undefined;
  setState(state: State): void;
}

declare function acquireVsCodeApi<State>(): VsCodeApi<State>;

export interface HostChannel<State> {
  post(message: GraphToHostMessage): void;
  getState(): State | undefined;
  setState(state: State): void;
}

export function connectToHost<State>(): HostChannel<State> {
  const api = acquireVsCodeApi<State>();
  return {
    post: (message) => api.postMessage(message),
    getState: () => api.getState(),
    setState: (state) => api.setState(state),
  };
}

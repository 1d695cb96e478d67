// Loaded before a webview bundle when it runs inside the browser runs UI (an
// iframe of the shell page) instead of VS Code: supplies the same
// `acquireVsCodeApi` VS Code injects, posting to the shell, which plays the
// extension host. Messages from anything but the shell are dropped before the
// bundle's own listener sees them. View state lives in sessionStorage.
interface FrameApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

const stateKey = `burr-view-state:${location.pathname}`;
let api: FrameApi | null = null;

function acquire(): FrameApi {
  api ??= {
    postMessage: (message) => window.parent.postMessage(message, location.origin),
    getState: () => {
      const text = sessionStorage.getItem(stateKey);
      if (text === null) return undefined;
      try {
        return JSON.parse(text) as unknown;
      } catch {
        return undefined;
      }
    },
    setState: (state) => sessionStorage.setItem(stateKey, JSON.stringify(state)),
  };
  return api;
}

// Capture phase, registered before the bundle loads: runs before its listener.
window.addEventListener(
  "message",
  (event) => {
    if (event.origin !== location.origin || event.source !== window.parent) event.stopImmediatePropagation();
  },
  true,
);

(globalThis as unknown as { acquireVsCodeApi: () => FrameApi }).acquireVsCodeApi = acquire;

// VS Code marks the body with its theme kind; follow the browser's colour scheme instead.
const dark = window.matchMedia("(prefers-color-scheme: dark)");
const mark = () => {
  document.body.classList.toggle("vscode-dark", dark.matches);
  document.body.classList.toggle("vscode-light", !dark.matches);
};
if (document.body) mark();
else document.addEventListener("DOMContentLoaded", mark);
dark.addEventListener("change", mark);

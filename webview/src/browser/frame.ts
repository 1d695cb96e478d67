// Loaded before a view bundle (run view, graph) when it runs in the browser
// runs UI: installs the HostTransport the bundle's hostChannel() picks up
// (webview/src/shared/vscodeApi.ts). The view lives in a frame of the shell
// page, which is its host (it reads runs over fetch and the server's event
// stream and answers like the extension does); messages go to and come from
// that page only. View state lives in sessionStorage, per view.
import type { HostTransport, ViewName } from "../shared/vscodeApi.js";

function frameTransport(view: ViewName): HostTransport {
  const stateKey = `burr-view-state:${view}`;
  return {
    post: (message) => window.parent.postMessage(message, location.origin),
    subscribe(listener) {
      const handler = (event: MessageEvent<unknown>) => {
        // Only the shell page (same origin, our parent) is the host.
        if (event.origin === location.origin && event.source === window.parent) listener(event.data);
      };
      window.addEventListener("message", handler);
      return () => window.removeEventListener("message", handler);
    },
    getState() {
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
}

window.burrHostTransport = frameTransport;

// VS Code marks the body with its theme kind; here the browser's colour scheme decides.
const dark = window.matchMedia("(prefers-color-scheme: dark)");
const mark = () => {
  document.body.classList.toggle("vscode-dark", dark.matches);
  document.body.classList.toggle("vscode-light", !dark.matches);
};
if (document.body) mark();
else document.addEventListener("DOMContentLoaded", mark);
dark.addEventListener("change", mark);

// Loads the built run view (dist/webview/runs.js) in headless Chromium in the
// page pageHtml builds (same CSP), talking to a host in this Node process
// through a browser HostTransport (window.burrHostTransport), the way the
// `burr-ts ui` page does. The host answers with the extension's own
// StepAnnotationSession over a real tracking directory.
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { AnnotationIndex } from "../../extension/src/runs/annotations/index.js";
import { StepAnnotationSession } from "../../extension/src/runs/annotations/session.js";
import { buildStepView } from "../../extension/src/runs/views/stepView.js";
import { TrackingDirStore } from "../../extension/src/runs/stores/trackingDirStore.js";
import type { HostToRunView, RunViewToHost, StepViewData } from "../../webview/src/protocol/runs.js";
import { makeNonce, pageHtml } from "../../webview/src/shared/page.js";

const root = join(__dirname, "../..");
const types: Record<string, string> = { ".js": "text/javascript", ".css": "text/css" };

/** Serves dist/webview/* and the run view page (with the test transport as its pre-script). */
export async function serveRunView(): Promise<{ origin: string; close(): Promise<void> }> {
  let origin = "";
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    if (url.pathname === "/runs.html") {
      const html = pageHtml({ view: "runs", cspSource: origin, nonce: makeNonce(), asset: (f) => `${origin}/dist/webview/${f}`, title: "Burr run", preScripts: [`${origin}/transport.js`] });
      res.writeHead(200, { "content-type": "text/html" }).end(html);
      return;
    }
    if (url.pathname === "/transport.js") {
      res.writeHead(200, { "content-type": "text/javascript" }).end(TRANSPORT);
      return;
    }
    try {
      if (!url.pathname.startsWith("/dist/webview/")) throw new Error("not ours");
      const path = join(root, url.pathname);
      res.writeHead(200, { "content-type": types[path.slice(path.lastIndexOf("."))] ?? "application/octet-stream" }).end(readFileSync(path));
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { origin, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

// A HostTransport for the page: posts go to the Node binding, host messages come from `__deliver`.
const TRANSPORT = `
window.__posted = [];
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => window.__cspViolations.push(e.violatedDirective + " " + e.blockedURI));
const listeners = new Set();
let state;
window.__deliver = (m) => listeners.forEach((l) => l(m));
window.burrHostTransport = (view) => ({
  post: (m) => { window.__posted.push(m); window.__toHost(m); },
  subscribe: (l) => { listeners.add(l); return () => listeners.delete(l); },
  getState: () => state,
  setState: (s) => { state = s; },
});
`;

export interface RunViewPage {
  page: Page;
  index: AnnotationIndex;
  source: TrackingDirStore;
  step: StepViewData;
  /** Every message the host sent, in order. */
  sent: HostToRunView[];
  /** Requests the host has finished answering. */
  answered(): number;
  errors: string[];
}

/** Opens step `sequenceId` of a tracked run, with its annotations, as the editor would. */
export async function openRunView(browser: Browser, origin: string, storageDir: string, project: string, appId: string, sequenceId: number, size = { width: 1100, height: 900 }): Promise<RunViewPage> {
  const source = new TrackingDirStore(storageDir);
  const index = new AnnotationIndex();
  const run = await source.readApp(project, appId);
  const i = run.steps.findIndex((s) => s.sequenceId === sequenceId);
  const step = buildStepView({ storeLabel: storageDir, project, appId, run, step: run.steps[i], previous: i > 0 ? run.steps[i - 1] : null, actions: ["copyState", "openGraph"] });
  const context = await browser.newContext({ viewport: size, deviceScaleFactor: 1 });
  const page = await context.newPage();
  const sent: HostToRunView[] = [];
  const errors: string[] = [];
  let answered = 0;
  page.on("pageerror", (e) => errors.push(e.message));
  const send = (m: HostToRunView) => {
    sent.push(m);
    void page.evaluate((msg) => (window as unknown as { __deliver(m: unknown): void }).__deliver(msg), m).catch(() => undefined);
  };
  const session = new StepAnnotationSession(index, { store: source, project, appId, partitionKey: run.partitionKey ?? null, sequenceId, action: step.action }, send);
  await page.exposeFunction("__toHost", async (m: RunViewToHost) => {
    if (m.type === "ready") {
      send({ type: "step", data: step });
      await session.refresh();
    } else if (m.type !== "command") {
      await session.handle(m);
      answered++;
    }
  });
  await page.goto(`${origin}/runs.html`);
  await page.waitForSelector(".annotations .card-head h2");
  await page.waitForFunction(() => !document.querySelector(".annotations")?.textContent?.includes("Loading annotations"));
  return { page, index, source, step, sent, answered: () => answered, errors };
}

// The runs UI server: node:http, a small JSON API over the run sources, an
// event stream (SSE) saying what changed, and the pages and bundles. Every
// failure is a JSON error { error: { type, message } }; an unexpected one is a
// 500 carrying an id that is also logged with its stack (never sent).
import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { authorize } from "./auth.js";
import { CSP, PAGES, defaultAssetsDir, readAsset, type Asset } from "./pages.js";
import { NotFoundError, type ChangeEvent, type UiSource } from "./sources.js";
import { RunCache, stepWithPrevious, summarizeRun } from "./runs.js";
import { HttpError, integerParam, textId } from "./validate.js";
import { handleAnnotations } from "./annotationRoutes.js";

export interface UiServerOptions {
  sources: UiSource[];
  /** Default 127.0.0.1. Any other host requires `token`. */
  host?: string;
  /** Default 7241; 0 picks a free port. */
  port?: number;
  /** Required for a non-loopback host; null serves loopback without one. */
  token?: string | null;
  assetsDir?: string;
  /** Where unexpected errors are logged (default stderr). */
  log?: (line: string) => void;
}

export interface UiServer {
  url: string;
  /** The URL to open (with the token when there is one). */
  openUrl: string;
  server: Server;
  close(): Promise<void>;
}

const MAX_URL = 8192;
const HEARTBEAT_MS = 15_000;

export function isLoopback(host: string): boolean {
  return host === "127.0.0.1" || host === "localhost" || host === "::1" || host.startsWith("127.");
}

export async function startUiServer(options: UiServerOptions): Promise<UiServer> {
  const host = options.host ?? "127.0.0.1";
  const token = options.token ?? null;
  if (!isLoopback(host) && token === null) throw new Error(`Serving on ${host} needs a token (the CLI makes one with --host).`);
  const assetsDir = options.assetsDir ?? defaultAssetsDir();
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const sources = new Map(options.sources.map((s) => [s.id, s]));
  const assets = new Map<string, Asset | null>();
  const streams = new Set<ServerResponse>();
  const runs = new RunCache();
  const readRun = (url: URL) => {
    const source = sourceOf(url);
    const project = textId(url.searchParams.get("project"), "project");
    const app = textId(url.searchParams.get("app"), "app");
    source.touch?.(project, app);
    const read = () => source.readApp(project, app);
    return runs.get(`${source.id}\u0000${project}\u0000${app}`, source.runVersion?.(project, app) ?? null, read);
  };

  const broadcast = (e: ChangeEvent) => {
    const frame = `data: ${JSON.stringify({ type: "changed", ...e })}\n\n`;
    for (const res of streams) res.write(frame);
  };
  const unwatch = options.sources.map((s) => s.watch(broadcast));
  const heartbeat = setInterval(() => {
    for (const res of streams) res.write(": keep-alive\n\n");
  }, HEARTBEAT_MS);
  heartbeat.unref();

  const sourceOf = (url: URL): UiSource => {
    const id = url.searchParams.get("source");
    const s = id === null ? undefined : sources.get(id);
    if (!s) throw new HttpError(404, "not_found", id === null ? 'The "source" parameter is required.' : `No source "${id}" (GET /api/sources lists them).`);
    return s;
  };

  const api = async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> => {
    const route = url.pathname;
    if (route === "/api/events") {
      if (req.method !== "GET") throw new HttpError(405, "method_not_allowed", "GET /api/events only.");
      res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-store", connection: "keep-alive", "x-accel-buffering": "no" });
      res.write("retry: 1000\n: connected\n\n");
      streams.add(res);
      req.on("close", () => streams.delete(res));
      return;
    }
    if (route === "/api/annotations") {
      const { status, body } = await handleAnnotations(req, url, sourceOf(url));
      return json(res, status, body);
    }
    if (req.method !== "GET") throw new HttpError(405, "method_not_allowed", `${req.method} ${route} is not allowed (GET only).`);
    switch (route) {
      case "/api/sources":
        return json(res, 200, options.sources.map((s) => ({ id: s.id, label: s.label, kind: s.kind })));
      case "/api/projects":
        return json(res, 200, await sourceOf(url).listProjects());
      case "/api/apps":
        return json(res, 200, await sourceOf(url).listApps(textId(url.searchParams.get("project"), "project")));
      case "/api/run":
        return json(res, 200, summarizeRun(await readRun(url)));
      case "/api/step": {
        const seq = integerParam(url.searchParams.get("seq"), "seq");
        const run = await readRun(url);
        const { step, previous } = stepWithPrevious(run, seq, `App "${url.searchParams.get("app")}"`);
        return json(res, 200, { step, previous });
      }
      default:
        throw new HttpError(404, "not_found", `No API route ${route}.`);
    }
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    res.setHeader("content-security-policy", CSP);
    res.setHeader("x-content-type-options", "nosniff");
    res.setHeader("referrer-policy", "no-referrer");
    if ((req.url ?? "").length > MAX_URL) throw new HttpError(414, "uri_too_long", `Request URLs are limited to ${MAX_URL} characters.`);
    let url: URL;
    try {
      url = new URL(req.url ?? "/", "http://burr.invalid");
    } catch {
      throw new HttpError(400, "bad_request", "The request URL does not parse.");
    }
    const auth = authorize(req, url, token);
    if (!auth.ok) throw new HttpError(auth.status, auth.status === 401 ? "unauthorized" : "forbidden", auth.message);
    if ("setCookie" in auth) {
      res.writeHead(303, { "set-cookie": auth.setCookie, location: auth.redirectTo, "cache-control": "no-store" }).end();
      return;
    }
    if (url.pathname.startsWith("/api/")) return api(req, res, url);
    if (req.method !== "GET" && req.method !== "HEAD") throw new HttpError(405, "method_not_allowed", `${req.method} is not allowed on pages.`);
    const page = Object.hasOwn(PAGES, url.pathname) ? PAGES[url.pathname] : undefined;
    if (page !== undefined) {
      res.writeHead(200, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" }).end(req.method === "HEAD" ? undefined : page);
      return;
    }
    if (url.pathname.startsWith("/assets/")) {
      const name = url.pathname.slice("/assets/".length);
      let asset = assets.get(name);
      if (asset === undefined) {
        asset = readAsset(assetsDir, name);
        if (asset) assets.set(name, asset);
      }
      if (!asset) throw new HttpError(404, "not_found", `No asset "${name}" in ${assetsDir}${name === "shell.js" ? " (run node scripts/build.mjs)" : ""}.`);
      res.writeHead(200, { "content-type": asset.type, "cache-control": "no-cache" }).end(req.method === "HEAD" ? undefined : asset.body);
      return;
    }
    throw new HttpError(404, "not_found", `Nothing at ${url.pathname}.`);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      if (err instanceof HttpError) return json(res, err.status, { error: { type: err.type, message: err.message } });
      if (err instanceof NotFoundError) return json(res, 404, { error: { type: "not_found", message: err.message } });
      const id = randomBytes(6).toString("hex");
      log(`burr-ts ui: error ${id} on ${req.method} ${req.url}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      json(res, 500, { error: { type: "internal", message: `Internal error ${id} (logged by the server).`, id } });
    });
  });
  server.headersTimeout = 30_000;
  server.requestTimeout = 60_000;
  await new Promise<void>((resolvePromise, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 7241, host, () => {
      server.off("error", reject);
      resolvePromise();
    });
  });
  const { port } = server.address() as AddressInfo;
  const shown = host.includes(":") ? `[${host}]` : host;
  const url = `http://${shown}:${port}/`;
  return {
    url,
    openUrl: token === null ? url : `${url}?token=${encodeURIComponent(token)}`,
    server,
    close: async () => {
      clearInterval(heartbeat);
      for (const stop of unwatch) stop();
      for (const res of streams) res.end();
      streams.clear();
      const closed = new Promise<void>((r) => server.close(() => r()));
      server.closeAllConnections();
      await closed;
      for (const s of options.sources) await s.close?.();
    },
  };
}

function json(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "cache-control": "no-store", "content-length": Buffer.byteLength(text) }).end(text);
}

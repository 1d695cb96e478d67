// createHandler: a burr-ts app behind HTTP as one web-standard function
// (Request → Response), mountable in Node's http, Hono, Next.js or Express.
// Five routes, matched by plain code: a router would add a dependency and
// still leave the body limit, the error mapping and the SSE work to us.
import type { StatePersister } from "../persistence/types.js";
import type { StateValues } from "../state/types.js";
import { AppStore, type AppIds, type BuildApp } from "./apps.js";
import { defaultErrorLogger, errorReply, HttpError, jsonReply, type ErrorLogger } from "./errors.js";
import { fromRequest, NODE_ENTRY, toResponse, type Incoming, type Reply } from "./incoming.js";
import { checkAppId, checkInputs, checkNameList, checkPartitionKey, checkSequenceId, readJsonBody, type JsonObject } from "./request.js";
import { checkDeclaredInputs, doneOf, runTurn, turnEvents } from "./run.js";
import { burrEventStream, uiMessageStream, type UiTextOptions } from "./sse.js";
import { randomUUID } from "node:crypto";

/** Return false (403), a Response (sent as is, e.g. a 401), or nothing/true to allow. */
export type Authorize = (request: Request, target: { appId: string | null; partitionKey: string | null }) => boolean | void | Response | Promise<boolean | void | Response>;

export interface HandlerOptions<S extends StateValues = StateValues> {
  /** The app's builder as written for a new app; the handler adds the persister and resumes saved apps. */
  build: BuildApp<S>;
  /** Where every app lives (SQLitePersister for one server; PostgreSQLPersister for many sharing a database). */
  persister: StatePersister;
  /** Halts used when a run request gives none (e.g. `{ haltAfter: ["aiResponse", "unsafeResponse"] }`). */
  defaultHalts?: { haltBefore?: string[]; haltAfter?: string[] };
  authorize?: Authorize;
  /** Largest request body in bytes (413 past it). Default 1 MiB. */
  maxBodyBytes?: number;
  /** Apps kept built between turns in this process (reused only while the persister shows no other writer). Default 1000; 0 turns it off. */
  cacheApps?: number;
  /** Steps one run request may take before it is stopped. Default 1000. */
  maxStepsPerRun?: number;
  /** Mount point, e.g. "/api/burr" when the handler serves below it. */
  basePath?: string;
  /** The UI message stream dialect (`?protocol=ui-message-stream`): how a useChat request becomes inputs, and the reply's text. */
  uiMessages?: UiTextOptions & { inputs: (text: string, messages: readonly unknown[]) => JsonObject };
  /** Where 500s are logged with their error id (default: console.error). */
  logError?: ErrorLogger;
}

export type Handler = (request: Request) => Promise<Response>;

interface Route {
  appId: string | null;
  action: "apps" | "app" | "run" | "fork";
}

const METHODS: Record<Route["action"], string[]> = { apps: ["GET", "POST"], app: ["GET"], run: ["POST"], fork: ["POST"] };

function matchRoute(pathname: string, basePath: string): Route | null {
  if (basePath && !pathname.startsWith(basePath)) return null;
  const parts = pathname.slice(basePath.length).split("/").filter((p) => p !== "");
  if (parts[0] !== "apps" || parts.length > 3) return null;
  if (parts.length === 1) return { appId: null, action: "apps" };
  let id: string;
  try {
    id = decodeURIComponent(parts[1]!);
  } catch {
    throw new HttpError(400, "BadRequest", "The app id in the URL is not valid percent-encoding");
  }
  if (parts.length === 2) return { appId: checkAppId(id, "The app id in the URL"), action: "app" };
  if (parts[2] === "run" || parts[2] === "fork") return { appId: checkAppId(id, "The app id in the URL"), action: parts[2] };
  return null;
}

export function createHandler<S extends StateValues = StateValues>(options: HandlerOptions<S>): Handler {
  if (!options || typeof options.build !== "function") throw new TypeError("createHandler needs { build }: a function returning the app's ApplicationBuilder");
  if (!options.persister || typeof options.persister.load !== "function") {
    throw new TypeError("createHandler needs { persister }: e.g. new SQLitePersister({ dbPath })");
  }
  const store = new AppStore<S>(options.build, options.persister, options.cacheApps ?? 1000);
  const log = options.logError ?? defaultErrorLogger;
  const limit = options.maxBodyBytes ?? 1024 * 1024;
  const maxSteps = options.maxStepsPerRun ?? 1000;
  const basePath = (options.basePath ?? "").replace(/\/+$/, "");

  async function handle(request: Incoming): Promise<Reply> {
    const url = request.url;
    const route = matchRoute(url.pathname, basePath);
    if (!route) throw new HttpError(404, "NotFound", `No route ${url.pathname}; the routes are /apps, /apps/:appId, /apps/:appId/run and /apps/:appId/fork`);
    const allowed = METHODS[route.action];
    if (!allowed.includes(request.method)) {
      return jsonReply(405, { error: { type: "MethodNotAllowed", message: `${request.method} is not allowed on ${url.pathname}; use ${allowed.join(" or ")}` } }, { allow: allowed.join(", ") });
    }
    const body = request.method === "POST" ? await readJsonBody(request, limit) : {};
    const fromQuery = url.searchParams.get("partitionKey");
    const partitionKey = checkPartitionKey(fromQuery ?? (route.action === "apps" ? body.partitionKey : undefined), "partitionKey");
    let appId = route.appId;
    if (route.action === "apps" && request.method === "POST" && body.appId !== undefined) appId = checkAppId(body.appId, "appId");
    if (options.authorize) {
      const verdict = await options.authorize(request.request(), { appId, partitionKey });
      if (verdict instanceof Response) return verdict;
      if (verdict === false) throw new HttpError(403, "Forbidden", "This request may not use that app or partition");
    }
    const ids = (id: string): AppIds => ({ appId: id, partitionKey });
    switch (route.action) {
      case "apps":
        if (request.method === "GET") return jsonReply(200, { partitionKey, appIds: await store.list(partitionKey) });
        return createApp(ids(appId ?? randomUUID()));
      case "app":
        return describeApp(ids(appId!));
      case "run":
        return runApp(ids(appId!), body, request, url);
      case "fork":
        return forkApp(ids(appId!), body);
    }
  }

  async function createApp(ids: AppIds): Promise<Reply> {
    const saved = await store.latest(ids);
    const app = await store.open(ids);
    return jsonReply(saved ? 200 : 201, { appId: ids.appId, partitionKey: ids.partitionKey, sequenceId: app.sequenceId, nextAction: app.nextAction(), state: doneOf(app, null, null).state });
  }

  async function describeApp(ids: AppIds): Promise<Reply> {
    const saved = await store.latest(ids);
    if (!saved) throw unknownApp(ids);
    const app = await store.open(ids);
    const done = doneOf(app, null, null);
    return jsonReply(200, { appId: ids.appId, partitionKey: ids.partitionKey, sequenceId: done.sequenceId, nextAction: done.nextAction, state: done.state, status: saved.status });
  }

  async function forkApp(from: AppIds, body: JsonObject): Promise<Reply> {
    const sequenceId = checkSequenceId(body.sequenceId);
    const to: AppIds = { appId: body.appId === undefined ? randomUUID() : checkAppId(body.appId, "appId"), partitionKey: from.partitionKey };
    if (to.appId === from.appId) throw new HttpError(400, "BadRequest", `A fork needs a new app id, not "${from.appId}" itself`);
    if (!(await store.latest(from))) throw unknownApp(from);
    if (!(await store.latest(from, sequenceId))) throw new HttpError(404, "NotFound", `App "${from.appId}" has no step ${sequenceId} to fork from`);
    if (await store.latest(to)) throw new HttpError(409, "AppExists", `App "${to.appId}" already exists; fork into a new app id`);
    const app = await store.fork(from, sequenceId, to);
    const done = doneOf(app, null, null);
    return jsonReply(201, { appId: to.appId, partitionKey: to.partitionKey, sequenceId: done.sequenceId, nextAction: done.nextAction, state: done.state, parent: app.parent });
  }

  async function runApp(ids: AppIds, body: JsonObject, request: Incoming, url: URL): Promise<Reply> {
    const ui = url.searchParams.get("protocol") === "ui-message-stream";
    let inputs = checkInputs(body.inputs);
    if (ui) {
      if (!options.uiMessages) throw new HttpError(400, "BadRequest", "This server does not speak the UI message stream protocol (createHandler's uiMessages option)");
      inputs = options.uiMessages.inputs(lastUserText(body.messages), body.messages as unknown[]);
    }
    const haltBefore = checkNameList(body.haltBefore, "haltBefore");
    const haltAfter = checkNameList(body.haltAfter, "haltAfter");
    const halts = haltBefore || haltAfter ? { haltBefore, haltAfter } : (options.defaultHalts ?? {});
    const turn = { inputs, ...halts, maxSteps };
    const unclaim = store.claim(ids);
    let streaming = false;
    try {
      const app = await store.open(ids);
      checkDeclaredInputs(app, inputs);
      const wantsEvents = ui || (request.header("accept") ?? "").includes("text/event-stream");
      if (!wantsEvents) {
        const done = await runTurn(app, turn);
        store.keep(ids, app);
        return jsonReply(200, done);
      }
      // The first event is awaited here, so a turn refused at once (a missing input, a 409) gets its real status.
      const events = turnEvents(app, turn);
      const first = await events.next();
      streaming = true;
      // An app whose turn failed or was abandoned is rebuilt from the persister next time.
      const release = (completed: boolean) => {
        if (completed) store.keep(ids, app);
        unclaim();
      };
      return ui ? uiMessageStream({ events, first, release, log }, options.uiMessages!) : burrEventStream({ events, first, release, log });
    } finally {
      if (!streaming) unclaim();
    }
  }

  const answer = async (request: Incoming): Promise<Reply> => {
    try {
      return await handle(request);
    } catch (error) {
      return errorReply(error, log);
    }
  };
  const handler: Handler = async (request) => {
    let incoming: Incoming;
    try {
      incoming = fromRequest(request);
    } catch {
      return toResponse(errorReply(new HttpError(400, "BadRequest", "The request URL could not be read"), log));
    }
    return toResponse(await answer(incoming));
  };
  // toNodeListener calls this instead, building no Request or Response for a JSON turn.
  Object.defineProperty(handler, NODE_ENTRY, { value: answer });
  return handler;
}

function unknownApp(ids: AppIds): HttpError {
  const where = ids.partitionKey === null ? "" : ` in partition "${ids.partitionKey}"`;
  return new HttpError(404, "NotFound", `No app "${ids.appId}"${where}; create it with POST /apps or check the id`);
}

/** The text of the last user message of a useChat request (`{ messages: UIMessage[] }`). */
function lastUserText(messages: unknown): string {
  if (!Array.isArray(messages)) throw new HttpError(400, "BadRequest", "A UI message stream request needs { messages: [...] } as useChat sends it");
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i] as { role?: unknown; parts?: unknown };
    if (m?.role !== "user" || !Array.isArray(m.parts)) continue;
    return m.parts.map((p: { type?: unknown; text?: unknown }) => (p?.type === "text" && typeof p.text === "string" ? p.text : "")).join("");
  }
  throw new HttpError(400, "BadRequest", "The UI message stream request has no user message with text");
}

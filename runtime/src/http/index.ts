// burr-ts/http: serve burr-ts apps over HTTP (the routes: handler.ts; the events a turn streams: run.ts and sse.ts).
export { createHandler, type Authorize, type Handler, type HandlerOptions } from "./handler.js";
export { serve, toNodeListener, toRequest, writeResponse, type RunningServer, type ServeOptions } from "./node.js";
export { HttpError, type ErrorBody, type ErrorLogger } from "./errors.js";
export type { AppIds, BuildApp } from "./apps.js";
export type { ChunkEvent, DoneEvent, StepEvent, TurnEvent } from "./run.js";
export type { UiTextOptions } from "./sse.js";

// How the handler answers failures: JSON `{ error: { type, message } }` with
// the contract's status codes. Anything unexpected is a 500 carrying an error
// id that is also logged with the full error, so no stack reaches a client.
import { randomUUID } from "node:crypto";
import { BurrError, ConfigurationError, MissingInputError, StateSerializationError } from "../errors.js";
import { ConcurrentStepError } from "../persistence/errors.js";

/** A JSON answer: the handler's own, before it becomes a Response or is written to a socket. */
export interface JsonReply {
  status: number;
  headers: Record<string, string>;
  text: string;
}

/** A failure the handler knows how to answer: status, a type name, a message safe to show. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
  ) {
    super(message);
    this.name = "HttpError";
  }
}

export interface ErrorBody {
  error: { type: string; message: string; errorId?: string };
}

export type ErrorLogger = (errorId: string, error: unknown) => void;

export const defaultErrorLogger: ErrorLogger = (errorId, error) => {
  console.error(`burr-ts/http: error ${errorId}:`, error);
};

/** Walks `cause` links: hooks and actions wrap the error that matters. */
function findCause<T>(error: unknown, match: (e: unknown) => e is T): T | null {
  for (let e: unknown = error, depth = 0; e !== undefined && e !== null && depth < 8; depth++) {
    if (match(e)) return e;
    e = (e as { cause?: unknown }).cause;
  }
  return null;
}

const isHttp = (e: unknown): e is HttpError => e instanceof HttpError;
const isConcurrent = (e: unknown): e is ConcurrentStepError => e instanceof ConcurrentStepError;
// A value state cannot hold (it would not survive the persister), usually straight from the request.
const isState = (e: unknown): e is StateSerializationError => e instanceof StateSerializationError;

/** The status and body for any error; logs (with a fresh id) only what is answered as 500. */
export function describeError(error: unknown, log: ErrorLogger): { status: number; body: ErrorBody } {
  const http = findCause(error, isHttp);
  if (http) return { status: http.status, body: { error: { type: http.type, message: http.message } } };
  const concurrent = findCause(error, isConcurrent);
  if (concurrent) return { status: 409, body: { error: { type: "ConcurrentStepError", message: concurrent.message } } };
  const state = findCause(error, isState);
  // The outer error's words name the app and the action; the inner one's type says what went wrong.
  if (state) return { status: 400, body: { error: { type: state.name, message: error instanceof BurrError ? error.message : state.message } } };
  // The caller's mistakes the runtime reports: a missing input, a bad halt list, a reserved input name.
  if (error instanceof MissingInputError || error instanceof ConfigurationError) {
    return { status: 400, body: { error: { type: (error as BurrError).name, message: error.message } } };
  }
  const errorId = randomUUID();
  try {
    log(errorId, error);
  } catch {
    // A failing logger must not turn an answer into a crash.
  }
  return {
    status: 500,
    body: { error: { type: "InternalError", message: `The server failed to handle the request; quote error id ${errorId} to find it in the server's log`, errorId } },
  };
}

/** The JSON reply for any error (see describeError). */
export function errorReply(error: unknown, log: ErrorLogger): JsonReply {
  const { status, body } = describeError(error, log);
  return jsonReply(status, body);
}

export function jsonReply(status: number, body: unknown, headers: Record<string, string> = {}): JsonReply {
  return { status, headers: { "content-type": "application/json; charset=utf-8", ...headers }, text: JSON.stringify(body) };
}

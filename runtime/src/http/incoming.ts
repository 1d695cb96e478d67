// What the handler's routes read from a request and what they answer, apart
// from the web Request/Response classes: a web Request and Node's
// IncomingMessage both provide an Incoming, so under node:http a turn builds
// no Request, no body stream and, for a JSON answer, no Response.
import type { IncomingMessage } from "node:http";
import { HttpError, type JsonReply } from "./errors.js";

// Declared with the replies errors.ts makes; the request side names it too.
export type { JsonReply };

export interface Incoming {
  readonly method: string;
  readonly url: URL;
  header(name: string): string | null;
  /** The body's bytes, refusing more than `limit` with 413. */
  body(limit: number): Promise<Uint8Array>;
  /** A web Request for the authorize hook (its body is read by then, as it is on the web path). */
  request(): Request;
}

/** A stream of text frames (the SSE routes): pulled one event at a time, or made a Response. */
export interface StreamReply {
  readonly status: number;
  readonly headers: Record<string, string>;
  /** The next frames; null once the stream has ended. */
  next(): Promise<string[] | null>;
  /** The client went away. */
  cancel(): void;
  toResponse(): Response;
}

/** A JSON reply, a stream, or a Response (whatever an authorize hook returns). */
export type Reply = JsonReply | StreamReply | Response;

export function isStreamReply(reply: Reply): reply is StreamReply {
  return !(reply instanceof Response) && typeof (reply as Partial<StreamReply>).next === "function";
}

/** The handler's Node entry point, found on a createHandler handler by toNodeListener. */
export const NODE_ENTRY = Symbol.for("burr-ts.http.nodeEntry");
export type NodeEntry = (incoming: Incoming) => Promise<Reply>;

export function tooLarge(limit: number): HttpError {
  return new HttpError(413, "PayloadTooLarge", `The request body is larger than the server's limit of ${limit} bytes`);
}

export function fromRequest(request: Request): Incoming {
  return {
    method: request.method,
    url: new URL(request.url),
    header: (name) => request.headers.get(name),
    body: (limit) => readStream(request, limit),
    request: () => request,
  };
}

export function fromNode(req: IncomingMessage, origin: string): Incoming {
  const url = new URL(req.url ?? "/", origin);
  const method = req.method ?? "GET";
  let made: Request | null = null;
  return {
    method,
    url,
    header(name) {
      const value = req.headers[name];
      return value === undefined ? null : Array.isArray(value) ? value.join(", ") : value;
    },
    body: (limit) => readNode(req, limit),
    request: () => (made ??= new Request(url, { method, headers: headersOf(req) })),
  };
}

export function headersOf(req: IncomingMessage): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const v of value) headers.append(name, v);
    else headers.set(name, value);
  }
  return headers;
}

async function readStream(request: Request, limit: number): Promise<Uint8Array> {
  if (!request.body) return new Uint8Array(0);
  const reader = request.body.getReader();
  const parts: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge(limit);
    }
    parts.push(value);
  }
  return join(parts, size);
}

// Past the limit it stops collecting; the Node adapter then answers with
// `connection: close`, so the rest of an oversized body is never read.
function readNode(req: IncomingMessage, limit: number): Promise<Uint8Array> {
  if (req.readableEnded) return Promise.resolve(new Uint8Array(0));
  return new Promise((resolve, reject) => {
    const parts: Uint8Array[] = [];
    let size = 0;
    const done = () => {
      req.off("data", onData).off("end", onEnd).off("error", onError).off("close", onClose);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.byteLength;
      if (size > limit) {
        done();
        req.pause();
        reject(tooLarge(limit));
      } else parts.push(chunk);
    };
    const onEnd = () => {
      done();
      resolve(join(parts, size));
    };
    const onError = () => {
      done();
      reject(new HttpError(400, "BadRequest", "The request body could not be read to its end"));
    };
    const onClose = () => {
      if (!req.complete) onError();
    };
    req.on("data", onData).on("end", onEnd).on("error", onError).on("close", onClose);
  });
}

function join(parts: Uint8Array[], size: number): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  const out = new Uint8Array(size);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
}

// The text of the JSON responses toResponse made, so the Node adapter can send it in one
// write instead of reading it back through the Response's stream.
const texts = new WeakMap<Response, string>();

/** A Response for a reply (a JSON reply's text is remembered for writeResponse). */
export function toResponse(reply: Reply): Response {
  if (reply instanceof Response) return reply;
  if (isStreamReply(reply)) return reply.toResponse();
  const response = new Response(reply.text, { status: reply.status, headers: reply.headers });
  texts.set(response, reply.text);
  return response;
}

/** The body of a response toResponse made from a JSON reply (undefined for any other). */
export function knownBodyText(response: Response): string | undefined {
  return texts.get(response);
}

// Node's http for a web-standard handler: toNodeListener adapts one request,
// serve() listens (on 127.0.0.1 unless told otherwise). A client that closes
// the connection cancels the response stream, which stops an SSE turn.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { Readable } from "node:stream";
import type { Handler } from "./handler.js";
import { fromNode, headersOf, isStreamReply, knownBodyText, NODE_ENTRY, type Incoming, type NodeEntry, type Reply, type StreamReply } from "./incoming.js";

export function toRequest(req: IncomingMessage, origin: string): Request {
  const method = req.method ?? "GET";
  const hasBody = method !== "GET" && method !== "HEAD";
  return new Request(new URL(req.url ?? "/", origin), {
    method,
    headers: headersOf(req),
    body: hasBody ? (Readable.toWeb(req) as ReadableStream<Uint8Array>) : undefined,
    // Node's fetch needs this for a streamed request body.
    ...(hasBody ? { duplex: "half" } : {}),
  } as RequestInit);
}

/** A createHandler reply on the socket: a JSON reply in one write, a stream frame by frame, a Response through writeResponse. */
async function writeReply(reply: Reply, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (reply instanceof Response) return writeResponse(reply, res);
  if (isStreamReply(reply)) return writeStream(reply, res);
  res.statusCode = reply.status;
  for (const name in reply.headers) res.setHeader(name, reply.headers[name]!);
  // A body left unread (one refused as too large) is not drained: the connection closes instead.
  if (!req.complete) res.setHeader("connection", "close");
  res.end(reply.text);
}

// Writes are held until the end of the current tick, so the headers go out with the
// first event and the events a turn produces together share one packet; each later
// tick's events still leave at once.
function holdUntilTickEnd(res: ServerResponse): () => void {
  let held = false;
  return () => {
    if (held) return;
    held = true;
    res.cork();
    process.nextTick(() => {
      held = false;
      if (res.writableCorked) res.uncork();
    });
  };
}

function drained(res: ServerResponse): Promise<void> {
  return new Promise<void>((resolve) => res.once("drain", resolve).once("close", resolve));
}

async function writeStream(reply: StreamReply, res: ServerResponse): Promise<void> {
  res.statusCode = reply.status;
  for (const name in reply.headers) res.setHeader(name, reply.headers[name]!);
  const onClose = () => {
    if (!res.writableFinished) reply.cancel();
  };
  res.on("close", onClose);
  const hold = holdUntilTickEnd(res);
  hold();
  res.flushHeaders();
  try {
    for (;;) {
      const frames = await reply.next();
      if (frames === null || res.destroyed) break;
      hold();
      let room = true;
      for (const f of frames) room = res.write(f) && room;
      if (!room) await drained(res);
    }
  } finally {
    res.off("close", onClose);
    if (!res.destroyed) res.end();
  }
}

export async function writeResponse(response: Response, res: ServerResponse): Promise<void> {
  res.statusCode = response.status;
  response.headers.forEach((value, name) => res.setHeader(name, value));
  // A JSON answer the handler made: headers and body leave in one write.
  const text = knownBodyText(response);
  if (text !== undefined || !response.body) {
    res.end(text);
    return;
  }
  const reader = response.body.getReader();
  const onClose = () => {
    if (!res.writableFinished) reader.cancel().catch(() => undefined);
  };
  res.on("close", onClose);
  const hold = holdUntilTickEnd(res);
  hold();
  res.flushHeaders();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      hold();
      if (!res.write(value)) await drained(res);
      if (res.destroyed) break;
    }
  } catch {
    // The stream was cancelled because the client left; nothing to answer.
  } finally {
    res.off("close", onClose);
    if (!res.destroyed) res.end();
  }
}

/** A `(req, res)` listener for node:http (and Express, which passes the same objects). */
export function toNodeListener(handler: Handler, options: { origin?: string } = {}): (req: IncomingMessage, res: ServerResponse) => void {
  // A createHandler handler is entered without building a web Request (and answers JSON without a Response).
  const entry = (handler as Handler & { [NODE_ENTRY]?: NodeEntry })[NODE_ENTRY];
  return (req, res) => {
    const origin = options.origin ?? `http://${req.headers.host ?? "localhost"}`;
    let pending: Promise<void>;
    try {
      if (entry) {
        const incoming: Incoming = fromNode(req, origin);
        pending = entry(incoming).then((reply) => writeReply(reply, req, res));
      } else {
        const request = toRequest(req, origin);
        pending = handler(request).then((response) => writeResponse(response, res));
      }
    } catch {
      res.statusCode = 400;
      res.setHeader("content-type", "application/json; charset=utf-8");
      res.end(JSON.stringify({ error: { type: "BadRequest", message: "The request line or headers could not be read" } }));
      return;
    }
    pending.catch(() => {
      // The handler answers its own errors; this is only a write to a socket already gone.
      if (!res.headersSent) res.statusCode = 500;
      if (!res.destroyed) res.end();
    });
  };
}

export interface ServeOptions {
  port?: number;
  /** Default 127.0.0.1: only this machine can connect unless you choose otherwise. */
  host?: string;
}

export interface RunningServer {
  server: Server;
  url: string;
  port: number;
  close(): Promise<void>;
}

/** Listens on `host:port` (port 0: any free port); resolves once it accepts connections. */
export function serve(handler: Handler, options: ServeOptions = {}): Promise<RunningServer> {
  const host = options.host ?? "127.0.0.1";
  const server = createServer(toNodeListener(handler));
  server.keepAliveTimeout = 5000;
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => {
      server.off("error", reject);
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : (options.port ?? 0);
      const shown = host.includes(":") ? `[${host}]` : host;
      resolve({
        server,
        port,
        url: `http://${shown}:${port}`,
        close: () =>
          new Promise<void>((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}

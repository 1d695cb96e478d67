// The server side of the serving bench, run as its own process: the chatbot
// behind createHandler ("handler"), or the same app driven by a bare node:http
// handler that keeps each app in memory and calls it directly ("floor").
// Both save every step to SQLite. GET /__mem (bench only) reports the heap after a GC.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { SQLitePersister, type Application } from "burr-ts";
import { createHandler, toNodeListener } from "burr-ts/http";
import type { ChatState } from "../examples/chatbot/app.js";
import { chatBuilder, CHAT_HALTS } from "../test/http/support.js";

const [mode, dbPath] = process.argv.slice(2);
const persister = new SQLitePersister({ dbPath: dbPath! });

function memory(res: ServerResponse): void {
  (globalThis as { gc?: () => void }).gc?.();
  res.setHeader("content-type", "application/json");
  res.end(JSON.stringify({ heapUsed: process.memoryUsage().heapUsed, rss: process.memoryUsage().rss }));
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c));
    req.on("end", () => resolve(body));
  });
}

function handlerListener() {
  const listener = toNodeListener(createHandler<ChatState>({ build: () => chatBuilder(), persister, defaultHalts: CHAT_HALTS }));
  return (req: IncomingMessage, res: ServerResponse) => (req.url === "/__mem" ? memory(res) : listener(req, res));
}

function floorListener() {
  const apps = new Map<string, Application<ChatState>>();
  return async (req: IncomingMessage, res: ServerResponse) => {
    if (req.url === "/__mem") return memory(res);
    const appId = req.url!.split("/")[2]!;
    const { inputs } = JSON.parse(await readBody(req)) as { inputs: { prompt: string } };
    let app = apps.get(appId);
    if (!app) apps.set(appId, (app = chatBuilder().withIdentifiers({ appId }).withStatePersister(persister).build()));
    if (!(req.headers.accept ?? "").includes("text/event-stream")) {
      const r = await app.run({ inputs, ...CHAT_HALTS });
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify({ action: r.action, result: r.result, state: r.state.getAll() }));
      return;
    }
    res.writeHead(200, { "content-type": "text/event-stream" });
    const { action, container } = await app.streamResult({ inputs, ...CHAT_HALTS });
    for await (const item of container) res.write(`event: chunk\ndata: ${JSON.stringify({ action, item })}\n\n`);
    const r = await container.get();
    res.end(`event: done\ndata: ${JSON.stringify({ action, result: r.result, state: r.state.getAll() })}\n\n`);
  };
}

const server = createServer(mode === "floor" ? floorListener() : handlerListener());
server.keepAliveTimeout = 30_000;
server.listen(0, "127.0.0.1", () => {
  const address = server.address();
  process.stdout.write(`${typeof address === "object" && address ? address.port : 0}\n`);
});
// Exit normally on SIGTERM, so `node --cpu-prof` writes its profile when the bench stops the server.
process.on("SIGTERM", () => server.close(() => process.exit(0)) && setTimeout(() => process.exit(0), 500).unref());

// `npm run demo:web`: the chatbot behind burr-ts/http with the SQLite
// persister and the local tracker, plus the chat page, on localhost.
//   PORT=7243 BURR_DEMO_DIR=.burr-demo BURR_DEMO_TRACKING_DIR=~/.burr
import { mkdirSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { SQLitePersister } from "burr-ts";
import { createHandler, serve, type RunningServer } from "burr-ts/http";
import type { ChatModel } from "burr-ts/models";
import type { ChatState } from "../app.js";
import { CHAT_HALTS, TRACKING_PROJECT, webChatBuilder, webModel } from "./app.js";

export interface WebDemoOptions {
  dir: string;
  trackingDir: string | null;
  port?: number;
  model?: ChatModel;
}

export interface WebDemo extends RunningServer {
  persister: SQLitePersister;
}

export async function startWebDemo(options: WebDemoOptions): Promise<WebDemo> {
  mkdirSync(options.dir, { recursive: true });
  const persister = new SQLitePersister({ dbPath: join(options.dir, "web-chat.db") });
  const model = options.model ?? webModel();
  const api = createHandler<ChatState>({
    build: () => webChatBuilder(model, options.trackingDir),
    persister,
    basePath: "/api",
    defaultHalts: CHAT_HALTS,
    uiMessages: { inputs: (text) => ({ prompt: text }), resultText: (done) => String(done.result?.response ?? "") },
  });
  const page = readFileSync(join(__dirname, "page.html"), "utf8")
    .replace("__MODEL__", model.name.replace(/[<>&"]/g, ""))
    .replace("__RUNS__", JSON.stringify(options.trackingDir ? join(options.trackingDir, TRACKING_PROJECT) : ""));
  const server = await serve(
    async (request) => {
      const { pathname } = new URL(request.url);
      if (pathname === "/" && request.method === "GET") return new Response(page, { headers: { "content-type": "text/html; charset=utf-8" } });
      if (pathname === "/favicon.ico") return new Response(null, { status: 204 });
      return api(request);
    },
    { port: options.port ?? 0 },
  );
  return {
    ...server,
    persister,
    close: async () => {
      await server.close();
      await persister.close();
    },
  };
}

async function main(): Promise<void> {
  const dir = process.env.BURR_DEMO_DIR ?? join(__dirname, "..", "..", "..", ".burr-demo");
  const trackingDir = process.env.BURR_DEMO_TRACKING_DIR ?? join(homedir(), ".burr");
  const port = Number(process.env.PORT ?? 7243);
  let demo: WebDemo;
  try {
    demo = await startWebDemo({ dir, trackingDir, port });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EADDRINUSE") throw err;
    demo = await startWebDemo({ dir, trackingDir, port: 0 });
  }
  const model = process.env.OPENAI_API_KEY ? "OpenAI" : "the offline model (set OPENAI_API_KEY for OpenAI)";
  console.log(`burr-ts chat: ${demo.url}/   (model: ${model})`);
  console.log(`conversations saved to ${join(dir, "web-chat.db")}; runs tracked in ${join(trackingDir, TRACKING_PROJECT)}`);
  console.log("Ctrl+C to stop.");
  const stop = () => void demo.close().then(() => process.exit(0));
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

if (require.main === module) {
  main().catch((e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  });
}

// Child process driven by the concurrency and crash suites:
//   race  <store> <appId> [table]    load the app, say "ready", wait for "go", take one step, report;
//                                    "again" steps once more, anything else ends
//   crash <dbPath> <appId>           step forever, printing "saved <sequenceId>" after every step
//   pg    <url> <table> <worker> <apps> <turns>   step <apps> apps concurrently, <turns> turns each
import { createInterface } from "node:readline";
import { ConcurrentStepError, PostgreSQLPersister, SQLitePersister } from "burr-ts";
import { buildChat, turn } from "../chatApp.js";

function say(line: string): void {
  process.stdout.write(line + "\n");
}

// <store> is a SQLite file, or a postgresql:// URL followed by a table name.
async function race(store: string, appId: string, table?: string): Promise<void> {
  const persister = store.startsWith("postgresql://") ? PostgreSQLPersister.fromUrl(store, { tableName: table }) : new SQLitePersister({ dbPath: store });
  const app = await buildChat({ appId, persister });
  say(`ready ${app.sequenceId}`);
  const rl = createInterface({ input: process.stdin });
  const lines = rl[Symbol.asyncIterator]();
  const nextCommand = async () => String((await lines.next()).value ?? "").trim();
  while ((await nextCommand()) !== "go");
  // After a lost race the app must still be where it was: "again" steps once more.
  for (let attempt = 0; ; attempt++) {
    try {
      const r = await app.step({ inputs: { prompt: `from pid ${process.pid} attempt ${attempt}` } });
      say(JSON.stringify({ ok: true, action: r?.action, sequenceId: app.sequenceId }));
    } catch (err) {
      const conflict = err instanceof ConcurrentStepError || (err as { cause?: unknown }).cause instanceof ConcurrentStepError;
      say(JSON.stringify({ ok: false, conflict, message: (err as Error).message, sequenceId: app.sequenceId, prompt: app.state.get("prompt") }));
    }
    if ((await nextCommand()) !== "again") break;
  }
  rl.close();
  await persister.close();
}

async function crash(dbPath: string, appId: string): Promise<void> {
  const inner = new SQLitePersister({ dbPath });
  // Announce a step only once it is committed.
  const persister = {
    initialize: () => inner.initialize(),
    close: () => inner.close(),
    load: inner.load.bind(inner),
    listAppIds: inner.listAppIds.bind(inner),
    save: async (args: Parameters<SQLitePersister["save"]>[0]) => {
      await inner.save(args);
      say(`saved ${args.sequenceId}`);
    },
  };
  const app = await buildChat({ appId, persister });
  for (let i = 0; ; i++) await turn(app, `message ${i} ${"x".repeat(200)}`);
}

async function pg(url: string, table: string, worker: string, apps: number, turns: number): Promise<void> {
  const persister = PostgreSQLPersister.fromUrl(url, { tableName: table, poolSize: 4 });
  await persister.initialize();
  let steps = 0;
  await Promise.all(
    Array.from({ length: apps }, async (_, i) => {
      const app = await buildChat({ appId: `w${worker}-app${i}`, partitionKey: `worker-${worker}`, persister, hooks: [{ postRunStep: () => void steps++ }] });
      for (let t = 0; t < turns; t++) await turn(app, `w${worker} app ${i} turn ${t}`);
    }),
  );
  await persister.close();
  say(`done ${steps}`);
}

async function main(): Promise<void> {
  const [mode, ...args] = process.argv.slice(2);
  if (mode === "race") await race(args[0], args[1], args[2]);
  else if (mode === "crash") await crash(args[0], args[1]);
  else if (mode === "pg") await pg(args[0], args[1], args[2], Number(args[3]), Number(args[4]));
  else throw new Error(`unknown mode ${mode}`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});

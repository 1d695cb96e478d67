// burr-ts/bullmq against the real services: Redis for the jobs, PostgreSQL
// for the state, worker processes started here on loopback.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, connect, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Queue } from "bullmq";
import { ApplicationBuilder, PostgreSQLPersister, TrackingReader, mapStates } from "burr-ts";
import { BullMQExecutor, enqueueRun } from "burr-ts/bullmq";
import { dropTables, pgUrl, requirePg, uniqueTable } from "../persistence/pgSupport.js";
import { square, tripleGraph } from "./apps.js";
import { dropQueue, redisConnection, requireRedis, startWorkerProcess, stopWorker, until, type WorkerProcess } from "./support.js";

const sumOfSquares = (executor?: BullMQExecutor) =>
  mapStates({
    reads: ["numbers"],
    writes: ["squares"],
    action: { square },
    executor,
    states: (s) => (s.get("numbers") as number[]).map((n) => ({ n })),
    reduce: (s, states) => s.update({ squares: states.map((x) => x.get("sq")) }),
  });

function fanApp(fan: ReturnType<typeof sumOfSquares> | ReturnType<typeof mapStates>, state: Record<string, unknown>, extra?: (b: ApplicationBuilder) => ApplicationBuilder) {
  const b = new ApplicationBuilder().withActions({ fan }).withTransitions(["fan", "fan"]).withEntrypoint("fan").withState(state).withIdentifiers({ appId: `parent-${process.pid}-${Date.now()}` });
  return (extra ? extra(b) : b).build();
}

describe("scale-out: burr-ts/bullmq on real Redis and PostgreSQL", function () {
  this.timeout(120_000);
  const table = uniqueTable("burr_scaleout");
  const queueName = `burr-test-${process.pid}-${Date.now().toString(36)}`;
  let storageDir: string;
  let workers: WorkerProcess[] = [];
  let persister: PostgreSQLPersister;
  const config = (extra: Record<string, unknown> = {}) => ({ queueName, pgUrl, table, storageDir, ...extra });

  before(async function () {
    await requireRedis(this);
    await requirePg(this);
    storageDir = mkdtempSync(join(tmpdir(), "burr-scaleout-"));
    persister = PostgreSQLPersister.fromUrl(pgUrl, { tableName: table });
    await persister.initialize();
  });

  afterEach(async () => {
    await Promise.all(workers.map((w) => stopWorker(w, "SIGKILL")));
    workers = [];
  });

  after(async () => {
    await persister?.close();
    if (storageDir) rmSync(storageDir, { recursive: true, force: true });
    await dropQueue(queueName).catch(() => undefined);
    await dropTables(table).catch(() => undefined);
  });

  it("a mapStates of 200 children over 3 workers matches the in-process result; children are tracked under the parent step", async () => {
    workers = await Promise.all([0, 1, 2].map(() => startWorkerProcess(config())));
    const executor = new BullMQExecutor({ connection: redisConnection, queueName });
    try {
      const numbers = Array.from({ length: 200 }, (_, i) => i - 50);
      const local = await fanApp(sumOfSquares(), { numbers }).step();
      const app = fanApp(sumOfSquares(executor), { numbers }, (b) => b.withTracker("local", { project: "scaleout", storageDir }));
      const remote = await app.step();
      assert.deepEqual(remote?.state.get("squares"), local?.state.get("squares"));
      const run = await new TrackingReader(storageDir).readApp("scaleout", app.uid);
      assert.equal(run.children.length, 200, "each child, run on a worker, is listed under the parent");
      assert.ok(run.children.every((c) => c.sequenceId === 0));
    } finally {
      await executor.close();
    }
  });

  it("SIGKILL of workers mid-job, many times: no child lost, no step committed twice", async function () {
    const kills = Number(process.env.BURR_SCALEOUT_KILLS ?? 8);
    const slow = config({ slowMs: 80, lockMs: 800, leaseMs: 800, concurrency: 2 });
    workers = await Promise.all([0, 1, 2].map(() => startWorkerProcess(slow)));
    const executor = new BullMQExecutor({ connection: redisConnection, queueName, attempts: 50, backoffMs: 50 });
    const children = 60;
    const fan = mapStates({
      reads: ["numbers"],
      writes: ["trails"],
      action: tripleGraph(0),
      executor,
      states: (s) => (s.get("numbers") as number[]).map((n) => ({ n, trail: [] })),
      reduce: (s, states) => s.update({ trails: states.map((x) => x.get("trail")) }),
    });
    const app = await new ApplicationBuilder()
      .withActions({ fan })
      .withTransitions(["fan", "fan"])
      .withStatePersister(persister)
      .initializeFrom(persister, { defaultEntrypoint: "fan", defaultState: { numbers: Array.from({ length: children }, (_, i) => i) }, resumeAtNextAction: true })
      .withIdentifiers({ appId: `killed-${Date.now()}` })
      .build();
    let killed = 0;
    let stop = false;
    const starting: Promise<unknown>[] = [];
    const killer = (async () => {
      while (!stop && killed < kills) {
        await new Promise((r) => setTimeout(r, 100 + Math.random() * 400)); // a random moment, not a wait for a result
        const live = workers.filter((w) => w.proc.exitCode === null && w.proc.signalCode === null);
        if (stop || live.length === 0) continue;
        await stopWorker(live[Math.floor(Math.random() * live.length)], "SIGKILL");
        killed++;
        starting.push(startWorkerProcess(slow).then((w) => void workers.push(w)));
      }
    })();
    try {
      const r = await app.step();
      stop = true;
      await killer;
      await Promise.allSettled(starting);
      assert.deepEqual(r?.state.get("trails"), Array.from({ length: children }, (_, n) => [`a${n}`, `b${n}`, `c${n}`]));
      assert.ok(killed >= 3, `killed ${killed} workers during the step`);
      console.log(`      (${killed} workers SIGKILLed during a ${children}-child step)`);
      const ids = (await persister.listAppIds(null)).filter((id) => id !== app.uid);
      assert.ok(ids.length >= children);
      for (const id of ids) {
        const steps = await persister.listSteps(null, id);
        const completed = steps.filter((s) => s.status === "completed");
        if (completed.length === 0) continue; // another test's app
        assert.deepEqual(completed.map((s) => s.position), ["a", "b", "c"], `child ${id}: each step committed once, in order`);
      }
    } finally {
      stop = true;
      await killer;
      await Promise.allSettled(starting);
      await executor.close();
    }
  });

  // 200 x 20 passes in ~90 s on this shared 2-core machine; CI runs 60 x 20 (BURR_SCALEOUT_APPS=200 for the full size).
  it("many apps x 20 turns enqueued across 3 workers end with exactly the expected histories", async function () {
    const apps = Number(process.env.BURR_SCALEOUT_APPS ?? 60);
    const turns = Number(process.env.BURR_SCALEOUT_TURNS ?? 20);
    workers = await Promise.all([0, 1, 2].map(() => startWorkerProcess(config({ concurrency: 8 }))));
    const queue = new Queue(queueName, { connection: redisConnection });
    try {
      const prefix = `turns-${Date.now()}`;
      for (let t = 1; t <= turns; t++) {
        await Promise.all(Array.from({ length: apps }, (_, a) => enqueueRun(queue, { app: "counter", appId: `${prefix}-${a}`, inputs: { item: t }, haltAfter: ["take"] })));
      }
      const expected = Array.from({ length: turns }, (_, i) => i + 1);
      await until("every turn to finish", async () => Object.values(await queue.getJobCounts("wait", "active", "delayed", "prioritized")).every((n) => n === 0), 110_000);
      for (let a = 0; a < apps; a++) {
        const last = await persister.load(null, `${prefix}-${a}`);
        assert.deepEqual(last?.state.get("history"), expected, `app ${a}`);
        assert.equal(last?.sequenceId, turns - 1, `app ${a}: one step per turn`);
      }
      assert.equal((await queue.getJobCounts("failed")).failed, 0);
    } finally {
      await queue.close();
    }
  });

  it("SIGKILL of workers during whole turns: every turn applied exactly once, in order", async () => {
    const slow = config({ slowMs: 30, lockMs: 800, leaseMs: 800, concurrency: 4 });
    workers = await Promise.all([0, 1, 2].map(() => startWorkerProcess(slow)));
    const queue = new Queue(queueName, { connection: redisConnection });
    const [apps, turns, kills] = [30, 8, 5];
    let killed = 0;
    const starting: Promise<unknown>[] = [];
    try {
      const prefix = `killturns-${Date.now()}`;
      for (let t = 1; t <= turns; t++) {
        for (let a = 0; a < apps; a++) await enqueueRun(queue, { app: "counter", appId: `${prefix}-${a}`, inputs: { item: t }, haltAfter: ["take"], attempts: 50, backoffMs: 50 });
      }
      const idle = async () => Object.values(await queue.getJobCounts("wait", "active", "delayed", "prioritized")).every((n) => n === 0);
      while (killed < kills && !(await idle())) {
        await new Promise((r) => setTimeout(r, 200 + Math.random() * 400)); // a random moment
        const live = workers.filter((w) => w.proc.exitCode === null && w.proc.signalCode === null);
        if (live.length < 2) continue;
        await stopWorker(live[Math.floor(Math.random() * live.length)], "SIGKILL");
        killed++;
        starting.push(startWorkerProcess(slow).then((w) => void workers.push(w)));
      }
      await Promise.allSettled(starting);
      await until("every turn to finish", idle, 90_000);
      for (let a = 0; a < apps; a++) {
        const id = `${prefix}-${a}`;
        const steps = await persister.listSteps(null, id);
        assert.deepEqual((await persister.load(null, id))?.state.get("history"), Array.from({ length: turns }, (_, i) => i + 1), `app ${a}`);
        assert.deepEqual(steps.filter((s) => s.status === "completed").map((s) => s.sequenceId), Array.from({ length: turns }, (_, i) => i), `app ${a}: one committed step per turn`);
      }
      assert.ok(killed >= 1, "a worker was killed while turns ran");
      console.log(`      (${killed} workers SIGKILLed during ${apps * turns} turns)`);
    } finally {
      await Promise.allSettled(starting);
      await queue.close();
    }
  });

  it("a worker that cannot reach PostgreSQL fails its jobs with a clear error; they are retried once it can", async () => {
    // A proxy in front of PostgreSQL that refuses connections until opened.
    const target = new URL(pgUrl);
    let open = false;
    const sockets = new Set<Socket>();
    const proxy: Server = createServer((client) => {
      if (!open) return client.destroy();
      const upstream = connect(Number(target.port || 5432), target.hostname);
      for (const s of [client, upstream]) {
        sockets.add(s);
        s.on("error", () => undefined);
        s.on("close", () => sockets.delete(s));
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((r) => proxy.listen(0, "127.0.0.1", r));
    const port = (proxy.address() as { port: number }).port;
    const viaProxy = `postgresql://${target.username || "postgres"}@127.0.0.1:${port}${target.pathname}`;
    workers = [await startWorkerProcess(config({ pgUrl: viaProxy }))];
    const queue = new Queue(queueName, { connection: redisConnection });
    try {
      const appId = `pgdown-${Date.now()}`;
      const { jobId } = await enqueueRun(queue, { app: "counter", appId, inputs: { item: 7 }, haltAfter: ["take"], attempts: 100, backoffMs: 50 });
      await until("a failed attempt", () => workers[0].output.some((l) => l.startsWith(`failed ${jobId} `)));
      const line = workers[0].output.find((l) => l.startsWith(`failed ${jobId} `))!;
      assert.match(line, new RegExp(`could not load app "${appId}" \\(counter\\) from its persister: .*check the database connection`));
      open = true;
      await until("the retried job to complete", async () => (await queue.getJob(jobId))?.finishedOn !== undefined && (await (await queue.getJob(jobId))!.isCompleted()));
      const last = await persister.load(null, appId);
      assert.deepEqual(last?.state.get("history"), [7]);
    } finally {
      await queue.close();
      for (const s of sockets) s.destroy();
      await new Promise((r) => proxy.close(r));
    }
  });
});

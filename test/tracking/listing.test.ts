// The sidebar lists apps without parsing whole logs: metadata.json plus the tail of each log.
import { strict as assert } from "node:assert";
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { TrackingReader } from "burr-ts";

describe("TrackingReader.listApps on a large project", function () {
  this.timeout(120000);
  let storageDir: string;
  before(() => {
    storageDir = mkdtempSync(join(tmpdir(), "burr-many-"));
    const big = "x".repeat(100_000);
    for (let i = 0; i < 10_000; i++) {
      const dir = join(storageDir, "many", `app-${i}`);
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, "metadata.json"), `{"type": "application_metadata", "partition_key": "user-${i % 7}", "parent_pointer": null, "spawning_parent_pointer": null}`);
      const steps = (i % 5) + 1;
      let log = "";
      for (let s = 0; s < steps; s++) {
        log += `{"type":"begin_entry","start_time":"2026-11-24T14:03:31.864504","action":"a","inputs":{},"sequence_id":${s}}\n`;
        const failed = i % 10 === 3 && s === steps - 1;
        // Every 1000th app has a last state bigger than the tail window.
        const state = i % 1000 === 0 ? `{"big":"${big}"}` : `{"n":${s}}`;
        log += `{"type":"end_entry","end_time":"2026-11-24T14:03:31.864615","action":"a","result":${failed ? "null" : "{}"},"exception":${failed ? '"Traceback: boom"' : "null"},"state":${state},"sequence_id":${s}}\n`;
      }
      if (i % 10 === 9) log += `{"type":"begin_entry","start_time":"2026-11-24T14:03:31.9","action":"a","inputs":{},"sequence_id":${steps}}\n`;
      writeFileSync(join(dir, "log.jsonl"), log);
    }
  });
  after(() => rmSync(storageDir, { recursive: true, force: true }));

  it("lists 10,000 apps with partition key, steps and status; a second listing reuses what did not change", async () => {
    const reader = new TrackingReader(storageDir);
    const t0 = performance.now();
    const apps = await reader.listApps("many");
    const first = performance.now() - t0;
    assert.equal(apps.length, 10_000);
    const byId = new Map(apps.map((a) => [a.appId, a]));
    assert.deepEqual(byId.get("app-0"), { appId: "app-0", partitionKey: "user-0", steps: 1, lastWritten: byId.get("app-0")!.lastWritten, status: "completed" });
    assert.deepEqual([byId.get("app-13")!.steps, byId.get("app-13")!.status], [4, "failed"]);
    assert.deepEqual([byId.get("app-19")!.steps, byId.get("app-19")!.status], [6, "running"]);
    assert.deepEqual([byId.get("app-3000")!.steps, byId.get("app-3000")!.status], [1, "completed"]);
    assert.equal(byId.get("app-4242")!.partitionKey, `user-${4242 % 7}`);
    appendFileSync(join(storageDir, "many", "app-4", "log.jsonl"), `{"type":"begin_entry","start_time":"2026-11-24T14:03:32","action":"a","inputs":{},"sequence_id":5}\n`);
    const t1 = performance.now();
    const again = await reader.listApps("many");
    const second = performance.now() - t1;
    assert.equal(again[0].appId, "app-4", "newest first");
    assert.deepEqual([again[0].steps, again[0].status], [6, "running"]);
    console.log(`      listApps over 10,000 apps: ${first.toFixed(0)} ms cold, ${second.toFixed(0)} ms warm`);
  });
});

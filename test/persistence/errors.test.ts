// Errors from reading stored runs name what they were reading and what to do:
// rows that cannot be rebuilt (persister codec) and an app the tracking
// directory does not hold (TrackingReader).
import { strict as assert } from "node:assert";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { TrackedAppNotFoundError, TrackingReader } from "burr-ts";
// The codec is internal: its error class is the same module graph's (the package's dist holds another copy).
import { encodeDelta, replay } from "../../runtime/src/persistence/codec.js";
import { PersistenceError } from "../../runtime/src/persistence/errors.js";

describe("errors reading stored runs name the app and the fix", () => {
  it("rows that start with a delta: a PersistenceError naming the app and table, saying what to do", () => {
    const rows = [{ kind: "delta" as const, state: encodeDelta({ set: { n: 1 }, appended: {}, deleted: [] }) }];
    assert.throws(
      () => replay(rows, { appId: "chat-1", partitionKey: "alice", table: "burr_state" }),
      (e: unknown) =>
        e instanceof PersistenceError &&
        e.appId === "chat-1" &&
        e.partitionKey === "alice" &&
        /app "chat-1" in burr_state: its stored rows start with a delta, not a full snapshot/.test(e.message) &&
        /restore the full row, or delete the app's rows/.test(e.message),
    );
    assert.throws(() => replay([]), (e: unknown) => e instanceof PersistenceError && /no stored rows were given/.test(e.message));
    assert.deepEqual(replay([{ kind: "full", state: '{"n":0}' }, ...rows]), { n: 1 });
  });

  it("readApp of an app that is not there: TrackedAppNotFoundError with the project, app and where to look", async () => {
    const dir = mkdtempSync(join(tmpdir(), "burr-errors-"));
    try {
      const reader = new TrackingReader(dir);
      await assert.rejects(
        reader.readApp("demo", "nope"),
        (e: unknown) =>
          e instanceof TrackedAppNotFoundError &&
          e.appId === "nope" &&
          e.project === "demo" &&
          e.storageDir === dir &&
          /listApps\("demo"\) lists the apps it holds/.test(e.message),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

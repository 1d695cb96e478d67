import { strict as assert } from "node:assert";
import { appendFileSync, mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { diffState } from "../../extension/src/runs/views/stateDiff.js";
import { buildStepView } from "../../extension/src/runs/views/stepView.js";
import { TrackingDirStore } from "../../extension/src/runs/stores/trackingDirStore.js";
import { RunsTreeModel, type RunsNode } from "../../extension/src/runs/views/treeModel.js";
import { TrackingWatcher } from "../../extension/src/runs/stores/watcher.js";
import { pathOf } from "../../extension/src/runs/views/runPath.js";
import { ageRefreshMs } from "../../extension/src/runs/views/format.js";
import { failureMessage, writeCapturedRun } from "./capturedRun.js";
import { pythonRuns, tempDir } from "./helpers.js";
import { chatbotSteps, stepLines, writeRun } from "./writeRun.js";

const now = Date.UTC(2026, 10, 24, 15, 0, 0);

describe("runs: tree model", () => {
  const model = new RunsTreeModel([new TrackingDirStore(pythonRuns)], () => now);
  const find = async (parent: RunsNode | undefined, label: string) => {
    const kids = await model.children(parent);
    const hit = kids.find((k) => model.view(k).label === label);
    assert.ok(hit, `no node "${label}" among ${kids.map((k) => model.view(k).label).join(", ")}`);
    return hit;
  };

  it("a project row's age is computed when drawn, and says when it next needs redrawing", async () => {
    let clock = now;
    const ticking = new RunsTreeModel([new TrackingDirStore(pythonRuns)], () => clock);
    const project = (await ticking.children(undefined)).find((k) => k.kind === "project");
    assert.ok(project && project.kind === "project");
    const written = project.project.lastWritten;
    clock = written + 2_000;
    assert.match(ticking.view(project).description, / · just now$/);
    assert.equal(ageRefreshMs(written, clock), 5_000, "under a minute: every 5 s");
    clock = written + 42_000;
    assert.match(ticking.view(project).description, / · 42 s ago$/, "the same row, drawn again later");
    clock = written + 10 * 60_000;
    assert.match(ticking.view(project).description, / · 10 min ago$/);
    assert.equal(ageRefreshMs(written, clock), 30_000);
    assert.equal(ageRefreshMs(written, written + 5 * 3_600_000), 600_000);
    assert.equal(ageRefreshMs(0, clock), 3_600_000, "never written: nothing to tick");
  });

  it("one tracking directory shows its projects at the top, then apps, then steps", async () => {
    const project = await find(undefined, "errors");
    assert.match(model.view(project).description, /^1 app · /);
    const app = await find(project, "counter-fails");
    const v = model.view(app);
    assert.equal(v.contextValue, "burr.app.trackingDir.failed");
    assert.match(v.description, /^failed · 3 steps/);
    assert.equal(v.icon, "error");
    const steps = await model.children(app);
    assert.deepEqual(steps.map((s) => model.view(s).label), ["0 · counter", "1 · counter", "2 · counter"]);
    const failed = model.view(steps[2]);
    assert.equal(failed.contextValue, "burr.step.failed");
    assert.equal(failed.description, "failed: ValueError: count too high: 2");
    assert.ok(model.view(steps[0]).contextValue.startsWith("burr.step"));
    assert.match(model.view(steps[0]).description, /µs|ms/);
  });

  it("shows the partition key and a run's warnings as nodes above its steps", async () => {
    const t = tempDir("tree");
    try {
      writeRun(t.dir, "demo", "older", chatbotSteps(1), { partitionKey: "user-1", t0: now - 3_600_000 });
      writeRun(t.dir, "demo", "newer", chatbotSteps(2), { graph: null });
      const m = new RunsTreeModel([new TrackingDirStore(t.dir)], () => now);
      const [project] = await m.children();
      const apps = await m.children(project);
      // Newest first (by the log's mtime): "newer" was written last.
      assert.deepEqual(apps.map((a) => m.view(a).label), ["newer", "older"]);
      assert.match(m.view(apps[1]).description, /completed · 3 steps · pk user-1/);
      const kids = await m.children(apps[0]);
      assert.equal(kids[0].kind, "message");
      assert.match(m.view(kids[0]).label, /graph.json: missing; the run is shown without its graph/);
      assert.equal(kids.filter((k) => k.kind === "step").length, 6);
    } finally {
      t.dispose();
    }
  });

  it("a missing tracking directory is an error node that says what to do", async () => {
    const m = new RunsTreeModel([new TrackingDirStore("/nonexistent/burr")]);
    const [node] = await m.children();
    assert.equal(node.kind, "message");
    assert.match(m.view(node).label, /No runs yet: .* does not exist\. Run an app with withTracker/);
  });

  it("diffs state: added, removed, changed and appended; internal keys left out", () => {
    const c = diffState({ a: 1, list: [1, 2], gone: true, __SEQUENCE_ID: 1, obj: { x: 1 } }, { a: 2, list: [1, 2, 3, 4], added: "n", __SEQUENCE_ID: 2, obj: { x: 1 } });
    assert.deepEqual(c, {
      added: [{ key: "added", value: "n" }],
      removed: [{ key: "gone", value: true }],
      changed: [{ key: "a", before: 1, after: 2 }],
      appended: [{ key: "list", items: [3, 4] }],
    });
    assert.deepEqual(diffState({ list: [1, 2] }, { list: [2] }).changed, [{ key: "list", before: [1, 2], after: [2] }]);
  });

  it("builds the step view: nested spans in order with offsets, stream figures", async () => {
    const run = await new TrackingDirStore(pythonRuns).readApp("tracing", "traced");
    const view = buildStepView({ storeLabel: "x", project: "tracing", appId: "traced", run, step: run.steps[1], previous: run.steps[0], actions: [] });
    assert.deepEqual(view.spans.map((s) => [s.name, s.depth]), [["compute", 0], ["inner", 1]]);
    assert.ok(view.spans[1].startOffset! >= view.spans[0].startOffset!);
    assert.deepEqual(view.spans[0].attributes, { n: 1 });
    assert.deepEqual(view.change.appended, [{ key: "squares", items: [1] }]);
    const streamed = await new TrackingDirStore(pythonRuns).readApp("streaming", "streaming");
    const sv = buildStepView({ storeLabel: "x", project: "s", appId: "s", run: streamed, step: streamed.steps[1], previous: streamed.steps[0], actions: [] });
    assert.equal(sv.stream?.items, 4);
    assert.ok(sv.stream!.timeToFirstItemMs! >= 0);
  });

  it("a step whose error was captured (a real run, LocalTrackingClient): its own icon and description, a record of its own in the step view", async () => {
    const t = tempDir("captured");
    try {
      const appId = await writeCapturedRun(t.dir);
      const m = new RunsTreeModel([new TrackingDirStore(t.dir)], () => now);
      const [project] = await m.children();
      const [app] = await m.children(project);
      assert.match(m.view(app).description, /^completed · 6 steps/);
      const steps = await m.children(app);
      const views = steps.map((s) => m.view(s));
      assert.deepEqual(views.map((v) => v.label), ["0 · fetchPage", "1 · retry", "2 · fetchPage", "3 · retry", "4 · fetchPage", "5 · summarize"]);
      const captured = views[2];
      assert.equal(captured.description, "error captured: TypeError");
      assert.equal(captured.icon, "warning");
      assert.equal(captured.iconColor, "list.warningForeground");
      assert.equal(captured.contextValue, "burr.step.captured", "still a burr.step for the step menus");
      assert.ok(captured.tooltip.endsWith(`\nerror captured into "error" (the step completed): TypeError: ${failureMessage(2)}`), captured.tooltip);
      for (const plain of [views[1], views[4], views[5]]) {
        assert.equal(plain.icon, "symbol-event");
        assert.equal(plain.contextValue, "burr.step");
        assert.doesNotMatch(plain.description, /captured/);
      }

      const run = await new TrackingDirStore(t.dir).readApp("capture", appId);
      const view = buildStepView({ storeLabel: t.dir, project: "capture", appId, run, step: run.steps[2], previous: run.steps[1], actions: [] });
      assert.equal(view.status, "completed");
      assert.equal(view.error, null);
      assert.deepEqual({ ...view.capturedError, stack: undefined }, { type: "TypeError", message: failureMessage(2), key: "error", stack: undefined });
      assert.match(view.capturedError!.stack!, /^TypeError: fetch failed \(attempt 2\)/);
      assert.deepEqual(view.attributes, {}, "shown as the record, not repeated as an attribute");
      assert.deepEqual(view.change.changed.map((c) => [c.key, c.before]), [["error", null]], "retry had cleared it");
      assert.equal(view.next.action, "retry");
      const ok = buildStepView({ storeLabel: t.dir, project: "capture", appId, run, step: run.steps[4], previous: run.steps[3], actions: [] });
      assert.equal(ok.capturedError, null);
    } finally {
      t.dispose();
    }
  });

  it("a captured_error attribute not shaped like the record stays an attribute; without burr-ts's graph the key is unknown", async () => {
    const t = tempDir("captured-odd");
    try {
      writeRun(t.dir, "demo", "odd", [
        { action: "humanInput", state: { prompt: "hi" }, attributes: { captured_error: "just a string a user logged" } },
        { action: "safetyCheck", state: { prompt: "hi", safe: true }, attributes: { captured_error: { type: "ValueError", message: "no model" } } },
      ]);
      const m = new RunsTreeModel([new TrackingDirStore(t.dir)], () => now);
      const [project] = await m.children();
      const [app] = await m.children(project);
      const [first, second] = (await m.children(app)).map((s) => m.view(s));
      assert.equal(first.contextValue, "burr.step");
      assert.equal(second.description, "error captured: ValueError");
      assert.doesNotMatch(second.tooltip, /into "/);
      const run = await new TrackingDirStore(t.dir).readApp("demo", "odd");
      const v0 = buildStepView({ storeLabel: "x", project: "demo", appId: "odd", run, step: run.steps[0], previous: null, actions: [] });
      assert.equal(v0.capturedError, null);
      assert.deepEqual(v0.attributes, { captured_error: "just a string a user logged" });
      const v1 = buildStepView({ storeLabel: "x", project: "demo", appId: "odd", run, step: run.steps[1], previous: run.steps[0], actions: [] });
      assert.deepEqual(v1.capturedError, { type: "ValueError", message: "no model", stack: null, key: null });
    } finally {
      t.dispose();
    }
  });

  it("counts transitions along the path for the graph view", () => {
    assert.deepEqual(pathOf(["a", "b", "a", "b", "c"]).edgeCounts, { "a->b": 2, "b->a": 1, "b->c": 1 });
  });
});

describe("runs: watcher", () => {
  it("notices the tracking directory being created by the first run", async () => {
    const t = tempDir("watch-new");
    const storage = join(t.dir, "burr");
    let resolve: (p: (string | null)[]) => void = () => undefined;
    const change = new Promise<(string | null)[]>((r) => (resolve = r));
    const watcher = new TrackingWatcher(storage, (p) => resolve(p), 50);
    try {
      watcher.follow([], []);
      writeRun(storage, "demo", "first", chatbotSteps(1));
      assert.deepEqual(await change, [null]);
    } finally {
      watcher.dispose();
      t.dispose();
    }
  });

  it("reports the project whose app log grew, and new projects, debounced", async () => {
    const t = tempDir("watch");
    const dir = writeRun(t.dir, "demo", "app-1", chatbotSteps(1));
    let resolve: (p: (string | null)[]) => void = () => undefined;
    const next = () => new Promise<(string | null)[]>((r) => (resolve = r));
    const watcher = new TrackingWatcher(t.dir, (p) => resolve(p), 50);
    try {
      watcher.follow(["demo"], [{ project: "demo", appIds: ["app-1"] }]);
      assert.equal(watcher.watchCount, 3);
      let change = next();
      appendFileSync(join(dir, "log.jsonl"), stepLines(3, chatbotSteps(2)[3], now).join("\n") + "\n");
      assert.deepEqual(await change, ["demo"]);
      change = next();
      mkdirSync(join(t.dir, "other"));
      assert.deepEqual(await change, [null]);
      watcher.follow([], []);
      assert.equal(watcher.watchCount, 1, "watches no longer needed are closed");
      rmSync(join(t.dir, "other"), { recursive: true });
    } finally {
      watcher.dispose();
      t.dispose();
    }
  });
});

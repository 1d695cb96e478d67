// The extension's annotation host without VS Code: the Tracked Runs tree's
// marks and tag filter (AnnotationMarks over RunsTreeModel), the run view's
// session answering requests, and changes made by another writer (Burr's UI
// appending to annotations.jsonl) showing up after the watcher's invalidate.
import { strict as assert } from "node:assert";
import { appendFileSync } from "node:fs";
import { join } from "node:path";
import { TrackingReader } from "burr-ts";
import { exportDataset } from "../../extension/src/runs/annotations/dataset.js";
import { AnnotationIndex } from "../../extension/src/runs/annotations/index.js";
import { StepAnnotationSession } from "../../extension/src/runs/annotations/session.js";
import { AnnotationMarks } from "../../extension/src/runs/annotations/treeMarks.js";
import { RunsTreeModel, type RunsNode } from "../../extension/src/runs/views/treeModel.js";
import { PostgresStore } from "../../extension/src/runs/stores/postgresStore.js";
import { TrackingDirStore } from "../../extension/src/runs/stores/trackingDirStore.js";
import type { RunStore } from "../../extension/src/runs/stores/types.js";
import type { HostToRunView } from "../../webview/src/protocol/runs.js";
import { dropTables, pgUrl, requirePg, uniqueTable } from "../persistence/pgSupport.js";
import { tempDir } from "./helpers.js";
import { chatbotSteps, writeRun } from "./writeRun.js";

describe("runs: annotations in the tree and the run view's host", () => {
  let t: { dir: string; dispose: () => void };
  let store: TrackingDirStore;
  let model: RunsTreeModel;
  let index: AnnotationIndex;
  let marks: AnnotationMarks;

  beforeEach(() => {
    t = tempDir("annot-tree");
    writeRun(t.dir, "demo", "app-a", chatbotSteps(1));
    writeRun(t.dir, "demo", "app-b", chatbotSteps(1));
    store = new TrackingDirStore(t.dir);
    model = new RunsTreeModel([store]);
    index = new AnnotationIndex();
    marks = new AnnotationMarks(index);
  });
  afterEach(() => t.dispose());

  /** Lists like the provider does: the model's children through the marks' filter. */
  async function children(node?: RunsNode): Promise<RunsNode[]> {
    return marks.filter(node, await model.children(node));
  }
  const labels = (nodes: RunsNode[]) => nodes.map((n) => model.view(n).label);

  it("marks annotated apps and steps with their tags, and the filter keeps only those with the tag", async () => {
    const reader = new TrackingReader(t.dir);
    await reader.annotate("demo", { appId: "app-a", partitionKey: null, stepSequenceId: 2, stepName: "aiResponse", tags: ["golden"], observations: [] });
    await reader.annotate("demo", { appId: "app-a", partitionKey: null, stepSequenceId: 0, stepName: "humanInput", tags: ["tone", "golden"], observations: [] });
    const [project] = await children();
    const apps = await children(project);
    assert.deepEqual(labels(apps).sort(), ["app-a", "app-b"]);
    const a = apps.find((n) => n.kind === "app" && n.app.appId === "app-a")!;
    const b = apps.find((n) => n.kind === "app" && n.app.appId === "app-b")!;
    assert.deepEqual(marks.mark(a), { description: "✎ 2", tooltip: "2 annotations on its steps: golden, tone" });
    assert.equal(marks.mark(b), null);
    const steps = await children(a);
    assert.deepEqual(steps.map((s) => marks.mark(s)?.description ?? null), ["✎ tone, golden", null, "✎ golden"]);

    marks.setFilter("tone");
    assert.deepEqual(labels(await children(project)), ["app-a"]);
    assert.deepEqual(labels(await children(a)), ["0 · humanInput"]);
    assert.deepEqual(labels(await children(b)), ['No step here is annotated with "tone"']);
    marks.setFilter(null);
    assert.equal((await children(a)).length, 3);
    assert.deepEqual(await marks.tagsOf([{ store, project: "demo" }]), ["golden", "tone"]);
  });

  it("answers the run view: annotate, update, delete, each followed by the step's annotations; refusals say why", async () => {
    const sent: HostToRunView[] = [];
    const session = new StepAnnotationSession(index, { store, project: "demo", appId: "app-b", partitionKey: null, sequenceId: 2, action: "aiResponse" }, (m) => sent.push(m));
    const lastAnnotations = () => [...sent].reverse().find((m): m is Extract<HostToRunView, { type: "annotations" }> => m.type === "annotations")!.data;
    const settle = async () => {
      // The change event's refresh runs after the answer; wait until it arrived.
      for (let i = 0; i < 100 && sent[sent.length - 1]?.type !== "annotations"; i++) await new Promise((r) => setTimeout(r, 10));
    };
    await session.refresh();
    assert.deepEqual(lastAnnotations().annotations, []);
    assert.equal(lastAnnotations().writable, true);

    const draft = { spanId: null, tags: ["golden"], observations: [{ data_fields: { note: "ok" }, thumbs_up_thumbs_down: true, data_pointers: [] }] };
    await session.handle({ type: "annotate", requestId: 1, draft });
    await settle();
    assert.deepEqual(sent.find((m) => m.type === "annotationResult"), { type: "annotationResult", requestId: 1, ok: true, error: null });
    const [created] = lastAnnotations().annotations;
    assert.equal(created.step_name, "aiResponse");
    assert.deepEqual(lastAnnotations().projectTags, ["golden"]);

    await session.handle({ type: "updateAnnotation", requestId: 2, id: created.id, draft: { ...draft, tags: ["fixed"] } });
    await settle();
    assert.deepEqual(lastAnnotations().annotations.map((a) => a.tags), [["fixed"]]);

    await session.handle({ type: "deleteAnnotation", requestId: 3, id: created.id });
    await settle();
    assert.deepEqual(lastAnnotations().annotations, []);

    await session.handle({ type: "deleteAnnotation", requestId: 4, id: 999 });
    const refused = sent.find((m) => m.type === "annotationResult" && m.requestId === 4);
    assert.ok(refused && refused.type === "annotationResult" && !refused.ok);
    assert.match(refused.error ?? "", /Could not delete annotation #999 on step 2 \(aiResponse\) of app app-b: /);

    await session.handle({ type: "annotate", requestId: 5, draft: { spanId: null, tags: "golden" as unknown as string[], observations: [] } });
    const bad = sent.find((m) => m.type === "annotationResult" && m.requestId === 5);
    assert.ok(bad && bad.type === "annotationResult" && /tags must be a list of strings/.test(bad.error ?? ""));
    session.dispose();
  });

  it("sees another writer's annotation once the watcher invalidates the project, in the tree and the open run view", async () => {
    const sent: HostToRunView[] = [];
    const session = new StepAnnotationSession(index, { store, project: "demo", appId: "app-b", partitionKey: null, sequenceId: 1, action: "safetyCheck" }, (m) => sent.push(m));
    await session.refresh();
    const [project] = await children();
    await children(project);
    // Burr's UI appends a record without our lock (apache/burr burr/tracking/server/backend.py).
    appendFileSync(join(t.dir, "demo", "annotations.jsonl"), JSON.stringify({
      id: 7, project_id: "demo", app_id: "app-b", partition_key: "", step_sequence_id: 1, span_id: null, step_name: "safetyCheck", tags: ["from-burr"],
      observations: [{ data_fields: { note: "seen in Burr" }, thumbs_up_thumbs_down: null, data_pointers: [] }], created: "2026-01-01T10:00:00", updated: "2026-01-01T10:00:00",
    }) + "\n");
    const before = sent.length;
    await index.invalidate(store.id, "demo");
    for (let i = 0; i < 100 && sent.length === before; i++) await new Promise((r) => setTimeout(r, 10));
    const data = (sent[sent.length - 1] as Extract<HostToRunView, { type: "annotations" }>).data;
    assert.deepEqual(data.annotations.map((a) => a.id), [7], "Burr's empty partition key matches a run without one");
    const apps = await children(project);
    const b = apps.find((n) => n.kind === "app" && n.app.appId === "app-b")!;
    assert.equal(marks.mark(b)?.description, "✎ 1");
    session.dispose();
  });

  it("a change in the project's folder that leaves annotations.jsonl alone (a running app's log) reads nothing again and tells no one", async () => {
    const reader = new TrackingReader(t.dir);
    const mine = await reader.annotate("demo", { appId: "app-a", partitionKey: null, stepSequenceId: 0, stepName: "humanInput", tags: ["x"], observations: [] });
    const notes = index.forProject(store, "demo")!;
    const first = notes.list();
    await first;
    const fired: (string | null)[] = [];
    index.onDidChange((_s, p) => fired.push(p));
    writeRun(t.dir, "demo", "app-a", chatbotSteps(2)); // the run grows; its annotations do not change
    await index.invalidate(store.id, "demo");
    assert.deepEqual(fired, []);
    assert.equal(notes.list(), first, "the cached listing is kept");
    appendFileSync(join(t.dir, "demo", "annotations.jsonl"), JSON.stringify({
      id: 9, project_id: "demo", app_id: "app-a", partition_key: null, step_sequence_id: 1, span_id: null, step_name: "safetyCheck", tags: ["y"],
      observations: [], created: "2026-01-01T10:00:00", updated: "2026-01-01T10:00:00",
    }) + "\n");
    await index.invalidate(store.id, "demo");
    assert.deepEqual(fired, ["demo"]);
    assert.deepEqual((await notes.list()).map((a) => a.id).sort(), [mine.id, 9]);
  });

  it("a SQLite persister database (read through a copy) cannot be annotated here: the run view is told why and where it can be, and the tree is unfiltered", async () => {
    const db: RunStore = { id: "db:/tmp/x.db", label: "/tmp/x.db", kind: "sqlite", listProjects: async () => [], listApps: async () => [], readApp: () => Promise.reject(new Error("unused")), deleteApp: async () => undefined };
    const sent: HostToRunView[] = [];
    const session = new StepAnnotationSession(index, { store: db, project: "p", appId: "a", partitionKey: null, sequenceId: 0, action: "x" }, (m) => sent.push(m));
    await session.refresh();
    const data = (sent[0] as Extract<HostToRunView, { type: "annotations" }>).data;
    assert.equal(data.writable, false);
    assert.match(data.readOnlyReason ?? "", /\/tmp\/x\.db is read here from a copy of the file.*npx burr-ts ui --db/);
    await session.handle({ type: "annotate", requestId: 1, draft: { spanId: null, tags: ["x"], observations: [] } });
    const answer = sent.find((m) => m.type === "annotationResult");
    assert.ok(answer && answer.type === "annotationResult" && !answer.ok && /copy of the file/.test(answer.error ?? ""));
    marks.setFilter("x");
    const node: RunsNode = { kind: "project", store: db, project: { name: "p", appCount: 0, lastWritten: 0 } };
    const kids: RunsNode[] = [{ kind: "message", severity: "info", text: "unchanged" }];
    assert.deepEqual(await marks.filter(node, kids), kids);
    session.dispose();
  });

  it("a PostgreSQL persister's runs are annotated in the table beside the persister's, the one burr-ts ui writes (real server)", async function () {
    await requirePg(this);
    const table = uniqueTable("burr_annot_ext");
    const db = new PostgresStore(`${pgUrl}#${table}`);
    try {
      const sent: HostToRunView[] = [];
      const fired: (string | null)[] = [];
      index.onDidChange((_s, p) => fired.push(p));
      const session = new StepAnnotationSession(index, { store: db, project: "user-1", appId: "a1", partitionKey: "user-1", sequenceId: 2, action: "aiResponse" }, (m) => sent.push(m));
      await session.refresh();
      const first = (sent[0] as Extract<HostToRunView, { type: "annotations" }>).data;
      assert.equal(first.writable, true);
      assert.deepEqual(first.annotations, []);
      await session.handle({ type: "annotate", requestId: 1, draft: { spanId: null, tags: ["golden"], observations: [{ data_fields: { note: "ok" }, thumbs_up_thumbs_down: true, data_pointers: [] }] } });
      const answer = sent.find((m) => m.type === "annotationResult");
      assert.ok(answer && answer.type === "annotationResult" && answer.ok, JSON.stringify(answer));
      assert.deepEqual(fired, ["user-1"]);
      const rows = await (await import("../persistence/pgSupport.js")).query<{ app_id: string; step_sequence_id: number; tags: string }>(`SELECT app_id, step_sequence_id, tags FROM ${table}_annotations`);
      assert.deepEqual(rows.map((r) => [r.app_id, Number(r.step_sequence_id), JSON.parse(r.tags)]), [["a1", 2, ["golden"]]]);
      const listed = await index.forProject(db, "user-1")!.list();
      assert.equal(listed.length, 1);
      await index.forProject(db, "user-1")!.delete(listed[0].id);
      assert.deepEqual(await index.forProject(db, "user-1")!.list(), []);
      session.dispose();
    } finally {
      await dropTables(table, `${table}_annotations`);
    }
  });

  it("Export Dataset: the steps annotated with a tag, across projects, as JSONL and CSV; a deleted run is skipped with a warning", async () => {
    writeRun(t.dir, "other", "app-c", chatbotSteps(1));
    const reader = new TrackingReader(t.dir);
    const pointer = [{ type: "state_field" as const, field_name: "response", span_id: null }];
    await reader.annotate("demo", { appId: "app-a", partitionKey: null, stepSequenceId: 2, stepName: "aiResponse", tags: ["golden"], observations: [{ data_fields: { note: "good, \"quoted\"", ground_truth: "Burr" }, thumbs_up_thumbs_down: true, data_pointers: pointer }] });
    await reader.annotate("demo", { appId: "app-b", partitionKey: null, stepSequenceId: 0, stepName: "humanInput", tags: ["tone"], observations: [] });
    await reader.annotate("other", { appId: "app-c", partitionKey: null, stepSequenceId: 2, stepName: "aiResponse", tags: ["golden"], observations: [] });
    await reader.annotate("other", { appId: "gone", partitionKey: null, stepSequenceId: 0, stepName: "x", tags: ["golden"], observations: [] });
    const jsonl = await exportDataset(index, [store], "golden", "jsonl");
    assert.equal(jsonl.annotations, 3);
    assert.equal(jsonl.rows, 2);
    assert.equal(jsonl.warnings.length, 1);
    assert.match(jsonl.warnings[0], /app "gone"/);
    const rows = jsonl.text.trim().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
    const a = rows.find((r) => r.app_id === "app-a")!;
    assert.equal(a.ground_truth, "Burr");
    assert.equal(a.thumbs_up_thumbs_down, true);
    assert.deepEqual(Object.keys(a.state_fields as object), ["response"]);
    assert.deepEqual(rows.map((r) => r.project).sort(), ["demo", "other"]);
    const csv = await exportDataset(index, [store], "golden", "csv");
    const lines = csv.text.trim().split("\r\n");
    assert.equal(lines.length, 3, "header and two rows");
    assert.match(lines[0], /^project,app_id,/);
    assert.ok(csv.text.includes('"good, ""quoted"""'), "CSV quotes a note with commas and quotes");
  });
});

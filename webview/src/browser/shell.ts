// The browser runs UI: the runs tree on the left, and on the right the run
// view and the graph, the very webview bundles the editor shows, in frames.
// This page plays the extension host for them (same messages, same
// buildStepView), reading runs from the server and following its change
// stream so a running app's steps appear as they are written.
import type { GraphToHostMessage, HostToGraphMessage } from "../protocol/graph.js";
import { pathOf } from "../../../extension/src/runs/views/runPath.js";
import { buildStepView } from "../../../extension/src/runs/views/stepView.js";
import { RunsTreeModel, type RunsNode } from "../../../extension/src/runs/views/treeModel.js";
import type { RunStore } from "../../../extension/src/runs/stores/types.js";
import type { AppRun, StepRecord } from "../../../runtime/src/tracking/types.js";
import type { HostToRunView, RunViewCommand, RunViewToHost } from "../protocol/runs.js";
import { BrowserAnnotations, type ShownStep } from "./annotations.js";
import { api, followChanges, type SourceInfo } from "./api.js";
import { FrameHost } from "./frames.js";
import { parseRoute, routeHash, type Route } from "./route.js";
import { RunsTree, type AppNode, type StepNode } from "./tree.js";

const shell = document.getElementById("shell")!;

function remoteSource(info: SourceInfo): RunStore {
  return {
    id: info.id,
    label: info.label,
    kind: info.kind,
    listProjects: () => api.projects(info.id),
    listApps: (project) => api.apps(info.id, project),
    readApp: (project, appId) => api.run(info.id, project, appId),
    deleteApp: () => Promise.reject(new Error("The browser runs UI does not delete runs.")),
  };
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text !== undefined) e.textContent = text;
  return e;
}

async function start(): Promise<void> {
  const header = el("header", "bar");
  const title = el("h1", undefined, "Burr runs");
  const filter = el("input", "filter");
  filter.type = "search";
  filter.placeholder = "Filter apps and steps (tag:name for annotated)";
  filter.setAttribute("aria-label", "Filter runs");
  const live = el("span", "live", "connecting…");
  header.append(title, filter, live);
  const treeBox = el("nav", "tree");
  const main = el("section", "main");
  const tabs = el("div", "tabs");
  const stepTab = el("button", "tab active", "Step");
  const graphTab = el("button", "tab", "Graph");
  const crumb = el("span", "crumb");
  tabs.append(stepTab, graphTab, crumb);
  const frames = el("div", "frames");
  main.append(tabs, frames);
  const body = el("div", "body");
  body.append(treeBox, main);
  shell.replaceChildren(header, body);

  let sources: SourceInfo[];
  try {
    sources = await api.sources();
  } catch (err) {
    treeBox.replaceChildren(el("p", "error", (err as Error).message));
    return;
  }
  const model = new RunsTreeModel(sources.map(remoteSource));
  const notes = new BrowserAnnotations((sourceId, project) => {
    void tree.refresh(`${sourceId}/${project}`);
    const ref = shownRef();
    if (ref && ref.sourceId === sourceId && ref.project === project && shown) {
      runView.post(notes.stepMessage(ref));
      postGraph(shown.store, shown.project, shown.appId, shown.run, shown.run.steps.indexOf(shown.step));
    }
  });

  let shown: StepNode | null = null;
  let graphApp: AppNode | null = null;
  let route: Route | null = parseRoute(location.hash);
  const shownRef = (): ShownStep | null =>
    shown && { sourceId: shown.store.id, project: shown.project, appId: shown.appId, partitionKey: shown.run.partitionKey ?? null, sequenceId: shown.step.sequenceId, action: shown.step.action };

  const runView = new FrameHost<HostToRunView, RunViewToHost>("/frames/runs.html", "Run view", (m) => {
    if (m.type === "command") void command(m.command);
    else if (m.type === "annotate" || m.type === "updateAnnotation" || m.type === "deleteAnnotation") {
      const ref = shownRef();
      if (ref) void notes.handle(m, ref, (reply) => runView.post(reply));
    }
  });
  const graphView = new FrameHost<HostToGraphMessage, GraphToHostMessage>("/frames/graph.html", "Graph", (m) => {
    if (m.type === "openSource") crumb.textContent = `${m.what}: ${m.source.file}:${m.source.start.line + 1}`;
    if (m.type === "rendered") graphView.element.dataset.rendered = String(m.nodes);
  }, true);
  runView.element.classList.add("active");
  frames.append(runView.element, graphView.element);
  const showTab = (which: "step" | "graph") => {
    stepTab.classList.toggle("active", which === "step");
    graphTab.classList.toggle("active", which === "graph");
    runView.element.classList.toggle("active", which === "step");
    graphView.element.classList.toggle("active", which === "graph");
    if (which === "graph") graphView.load();
  };
  stepTab.addEventListener("click", () => showTab("step"));
  graphTab.addEventListener("click", () => showTab("graph"));

  /** The shown step's run with that step and the one before it whole (the tree holds summaries). */
  let shownRun: { node: StepNode; run: AppRun; step: StepRecord; previous: StepRecord | null } | null = null;
  const postStep = async (node: StepNode) => {
    let whole: { step: StepRecord; previous: StepRecord | null };
    try {
      whole = await api.step(node.store.id, node.project, node.appId, node.step.sequenceId);
    } catch (err) {
      if (shown === node) runView.post({ type: "error", message: (err as Error).message });
      return;
    }
    if (shown !== node) return; // another step was opened meanwhile
    const i = node.run.steps.indexOf(node.step);
    const steps = node.run.steps.slice();
    steps[i] = whole.step;
    if (i > 0 && whole.previous) steps[i - 1] = whole.previous;
    const run = { ...node.run, steps };
    shownRun = { node, run, step: whole.step, previous: i > 0 ? steps[i - 1] : null };
    const actions: RunViewCommand[] = run.graph ? ["copyState", "openGraph"] : ["copyState"];
    const data = buildStepView({ storeLabel: node.store.label, project: node.project, appId: node.appId, run, step: whole.step, previous: shownRun.previous, actions });
    runView.post({ type: "step", data });
    const ref = shownRef();
    if (ref) {
      runView.post(notes.stepMessage(ref));
      if (!notes.has(ref.sourceId, ref.project)) void notes.load(ref.sourceId, ref.project);
    }
    crumb.textContent = `${node.project} / ${node.appId} / step ${node.step.sequenceId}`;
    runView.element.dataset.step = String(node.step.sequenceId);
  };

  const postGraph = (source: RunStore, project: string, appId: string, run: AppRun, upTo: number | null) => {
    if (!run.graph) {
      graphView.post({ type: "empty", reason: `App ${appId} has no graph: ${run.warnings[0] ?? "its source records none"}.` });
      return;
    }
    const steps = upTo === null ? run.steps : run.steps.slice(0, upTo + 1);
    const actions = steps.map((s) => s.action);
    graphView.post({
      type: "graph",
      model: { appKey: `run:${source.id}/${project}/${appId}`, title: `${appId} (${project})`, graph: run.graph, problems: [] },
      highlight: {
        ...pathOf(actions),
        current: actions[actions.length - 1] ?? null,
        annotated: notes.perAction(source.id, project, appId, run.partitionKey, new Map(run.steps.map((st) => [st.sequenceId, st.action]))),
      },
    });
  };

  const hooks = {
    openStep(node: StepNode) {
      shown = node;
      tree.select(tree.idOf(node));
      void postStep(node);
      postGraph(node.store, node.project, node.appId, node.run, node.run.steps.indexOf(node.step));
      showTab("step");
      setRoute({ source: node.store.id, project: node.project, app: node.appId, step: node.step.sequenceId });
    },
    openGraph(node: AppNode) {
      graphApp = node;
      void model.readApp(node.store, node.project, node.app).then((run) => {
        postGraph(node.store, node.project, node.app.appId, run, null);
        showTab("graph");
        crumb.textContent = `${node.project} / ${node.app.appId} / graph`;
        setRoute({ source: node.store.id, project: node.project, app: node.app.appId, step: "graph" });
      });
    },
    refreshed(node: RunsNode) {
      if (node.kind === "step" && shown && node.run !== shown.run) {
        shown = node;
        void postStep(node);
        postGraph(node.store, node.project, node.appId, node.run, node.run.steps.indexOf(node.step));
      }
      if (node.kind === "app" && graphApp && tree.idOf(node) === tree.idOf(graphApp) && node.app.lastWritten !== graphApp.app.lastWritten && !shown) hooks.openGraph(node);
    },
    tagsOf: (sourceId: string, project: string, appId: string, sequenceId?: number) => notes.tagsOf(sourceId, project, appId, sequenceId),
    projectShown(sourceId: string, project: string) {
      if (!notes.has(sourceId, project)) void notes.load(sourceId, project);
    },
  };
  const tree = new RunsTree(treeBox, model, hooks);

  const setRoute = (r: Route) => {
    route = r;
    const hash = routeHash(r);
    if (location.hash !== hash) history.replaceState(null, "", hash);
  };

  async function command(c: RunViewCommand): Promise<void> {
    if (!shown) return;
    if (c === "openGraph") {
      postGraph(shown.store, shown.project, shown.appId, shown.run, null);
      showTab("graph");
    } else if (c === "copyState") {
      if (!shownRun || shownRun.node !== shown) return;
      await navigator.clipboard?.writeText(JSON.stringify(shownRun.step.state, null, 2)).catch(() => undefined);
      crumb.textContent = `State of step ${shown.step.sequenceId} copied`;
    }
  }

  filter.addEventListener("input", () => void tree.setFilter(filter.value));

  // Open what the URL names: expand its path, then select the step or the graph.
  const single = sources.length === 1 && sources[0].kind === "trackingDir";
  const navigate = async (r: Route) => {
    const prefix = single ? [] : [r.source];
    await tree.expandPath([...prefix, `${r.source}/${r.project}`, ...(r.step === "graph" ? [] : [`${r.source}/${r.project}/${r.app}`])]);
    const found = await findNode(model, r);
    if (found?.kind === "step") hooks.openStep(found);
    else if (found?.kind === "app") hooks.openGraph(found);
    else crumb.textContent = `Not found: ${r.project} / ${r.app}${r.step === "graph" ? "" : ` / step ${r.step}`}`;
  };
  if (route) await navigate(route);
  else {
    await tree.render();
    // One project: open it.
    const roots = await model.children();
    if (single && roots.length === 1 && roots[0].kind === "project") await tree.expandPath([tree.idOf(roots[0])]);
  }
  // A link pasted or the back button: go where the new hash says.
  window.addEventListener("hashchange", () => {
    const r = parseRoute(location.hash);
    if (r && location.hash !== (route ? routeHash(route) : "")) void navigate(r);
  });

  followChanges(
    (e) => {
      if (e.project !== null) {
        void tree.refresh(`${e.source}/${e.project}`);
        void notes.load(e.source, e.project);
      } else void tree.refresh(null);
    },
    (connected) => {
      live.textContent = connected ? "live" : "reconnecting…";
      live.classList.toggle("off", !connected);
    },
  );
  document.body.dataset.ready = "true";
}

async function findNode(model: RunsTreeModel, r: Route): Promise<RunsNode | undefined> {
  const sourceNode = model.getStores().find((s) => s.id === r.source);
  if (!sourceNode) return undefined;
  const projects = await model.children({ kind: "store", store: sourceNode });
  const project = projects.find((p) => p.kind === "project" && p.project.name === r.project);
  if (!project) return undefined;
  const apps = await model.children(project);
  const app = apps.find((a) => a.kind === "app" && a.app.appId === r.app);
  if (!app || r.step === "graph") return app;
  const steps = await model.children(app);
  return steps.find((s) => s.kind === "step" && s.step.sequenceId === r.step);
}

void start();

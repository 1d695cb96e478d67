// The run view: one step of a tracked run and its annotations. Receives `step`
// and `annotations` messages from the host; sends `ready`, toolbar commands
// and annotation requests back.
import { el, section } from "../shared/dom.js";
import { hostChannel } from "../shared/vscodeApi.js";
import { AnnotationsCard } from "./annotations.js";
import { renderTree } from "./jsonTree.js";
import type { HostToRunView, RunViewCommand, RunViewToHost, StepViewData } from "../protocol/runs.js";
import { capturedSection, changes, errorSection, nextSection, timeline, timing } from "./sections.js";

interface ViewState {
  query: string;
  showInternal: boolean;
}
const host = hostChannel<HostToRunView, RunViewToHost, ViewState>("runs");
let view: ViewState = host.getState() ?? { query: "", showInternal: false };
const app = document.getElementById("app")!;
const annotations = new AnnotationsCard((m) => host.post(m));

const commandLabels: Record<RunViewCommand, string> = {
  openGraph: "Open graph",
  replay: "Replay in debugger",
  forkAndDebug: "Fork and debug from here",
  createTest: "Create test from step",
  copyState: "Copy state as JSON",
};

function render(d: StepViewData): void {
  app.replaceChildren();
  const header = el("header", "top");
  const title = el("h1");
  const status = d.capturedError
    ? el("span", `status status-${d.status} status-captured`, `${d.status} — error captured`)
    : el("span", `status status-${d.status}`, d.status);
  title.append(el("span", "seq", `#${d.sequenceId}`), el("span", "action", d.action || "(unknown action)"), status);
  const meta = el("p", "meta");
  meta.append(el("span", undefined, `app ${d.appId}`), el("span", undefined, `project ${d.project}`));
  if (d.partitionKey) meta.append(el("span", undefined, `partition ${d.partitionKey}`));
  meta.append(el("span", "muted", d.source));
  const bar = el("nav", "toolbar");
  const order: RunViewCommand[] = ["openGraph", "replay", "forkAndDebug", "createTest", "copyState"];
  for (const c of order.filter((x) => d.actions.includes(x))) {
    const b = el("button", c === "openGraph" ? "primary" : "secondary", commandLabels[c]);
    b.dataset.command = c;
    b.addEventListener("click", () => host.post({ type: "command", command: c }));
    bar.append(b);
  }
  header.append(title, meta, bar);
  app.append(header);
  if (d.warnings.length) {
    const w = el("ul", "warnings");
    for (const text of d.warnings) w.append(el("li", undefined, text));
    app.append(w);
  }
  annotations.showStep(d);
  app.append(annotations.root);
  const grid = el("div", "grid");
  if (d.error) grid.append(errorSection(d.error));
  if (d.capturedError) grid.append(capturedSection(d.capturedError));
  grid.append(timing(d), valueSection("Inputs", d.inputs, "inputs"), valueSection("Result", d.result, "result"), changes(d), nextSection(d));
  const tl = timeline(d);
  if (tl) grid.append(tl);
  app.append(grid, stateSection(d));
}

function valueSection(title: string, value: unknown, cls: string): HTMLElement {
  const { root, body } = section(title, cls);
  const empty = value === null || (typeof value === "object" && Object.keys(value as object).length === 0);
  body.append(empty ? el("p", "muted", value === null ? "none" : "(empty)") : renderTree(value, { query: "", openDepth: 2 }));
  return root;
}

function stateSection(d: StepViewData): HTMLElement {
  const { root, body, head } = section(d.status === "failed" ? "State (before the failed step)" : "State after this step", "state wide");
  const search = el("input", "search");
  search.type = "search";
  search.placeholder = "Search keys and values";
  search.setAttribute("aria-label", "Search state");
  search.value = view.query;
  const internal = el("label", "toggle");
  const box = el("input");
  box.type = "checkbox";
  box.checked = view.showInternal;
  internal.append(box, " internal keys");
  head.append(search, internal);
  const holder = el("div");
  body.append(holder);
  // Small states open fully; big ones open one level (children render on demand).
  const openDepth = JSON.stringify(d.state ?? {}).length < 20_000 ? 3 : 1;
  const draw = () => {
    const query = view.query.trim().toLowerCase();
    holder.replaceChildren(
      d.state === null ? el("p", "muted", "Not recorded yet (the step is running).") : renderTree(d.state, { query, openDepth, hideKey: view.showInternal ? undefined : (k) => k.startsWith("__") }),
    );
  };
  search.addEventListener("input", () => {
    view = { ...view, query: search.value };
    host.setState(view);
    draw();
  });
  box.addEventListener("change", () => {
    view = { ...view, showInternal: box.checked };
    host.setState(view);
    draw();
  });
  draw();
  return root;
}

host.onMessage((m) => {
  switch (m.type) {
    case "annotations":
    case "annotationResult":
      annotations.receive(m);
      return;
    case "step":
      render(m.data);
      return;
    case "error":
      app.replaceChildren(el("p", "error-headline", m.message));
      return;
    default: {
      const never: never = m;
      void never;
    }
  }
});

host.post({ type: "ready" });

// The graph view's state machine: receives graphs and highlights from the host,
// lays them out (keeping places across edits), draws them, and turns clicks
// into openSource messages.
import type { GraphToHostMessage, GraphViewModel, Highlight } from "../protocol/graph.js";
import type { GraphProblem, SourceRange } from "../../../runtime/src/graph/model.js";
import type { LayoutClient } from "../layout/client.js";
import { quickLayout } from "../layout/quick.js";
import { alignToPrevious, planLayout, type LayoutInput } from "../layout/stable.js";
import type { LayoutResult } from "../layout/types.js";
import { clear, htmlEl, withText } from "../shared/dom.js";
import { markPage, takeMarks } from "../shared/timing.js";
import type { Chrome } from "./chrome.js";
import { exportSvg } from "./exportSvg.js";
import { applyHighlight } from "./highlight.js";
import { render, unknownNote, type DrawnGraph } from "./render.js";
import { buildScene, layoutInput, type Metrics, type Scene } from "./scene.js";
import { Viewport, type ViewTransform } from "./viewport.js";

export interface SavedState {
  appKey: string;
  transform: ViewTransform;
  userMoved: boolean;
}

interface Shown {
  model: GraphViewModel;
  scene: Scene;
  input: LayoutInput;
  layout: LayoutResult;
  drawn: DrawnGraph;
}

export class GraphView {
  private shown: Shown | null = null;
  /** The quick first picture is up and elkjs's layout is on its way; exports wait for it. */
  private laying = false;
  private readonly waitingExports: number[] = [];
  private highlight: Highlight | null = null;
  private generation = 0;
  private readonly viewport: Viewport;

  constructor(
    private readonly ui: Chrome,
    private readonly layouts: LayoutClient,
    private readonly metrics: Metrics,
    private readonly post: (m: GraphToHostMessage) => void,
    private readonly saveState: (s: SavedState) => void,
    private restored: SavedState | undefined,
  ) {
    const toolbar = ui.title.parentElement;
    this.viewport = new Viewport(ui.svg, ui.viewport, (t) => this.persist(t), () => ({
      top: toolbar?.offsetHeight ?? 0,
      bottom: ui.problems.offsetHeight + (ui.problems.offsetHeight ? 28 : 0),
    }));
    ui.buttons.zoomIn.addEventListener("click", () => this.viewport.zoom(1.25));
    ui.buttons.zoomOut.addEventListener("click", () => this.viewport.zoom(0.8));
    ui.buttons.fit.addEventListener("click", () => this.viewport.fit());
    ui.buttons.tidy.addEventListener("click", () => void this.tidy());
    ui.svg.addEventListener("click", (e) => this.onClick(e));
    ui.svg.addEventListener("keydown", (e) => this.onKey(e));
  }

  async showGraph(model: GraphViewModel, highlight: Highlight | null, fresh = false): Promise<void> {
    const generation = ++this.generation;
    this.highlight = highlight;
    const scene = buildScene(model, this.metrics);
    const input = layoutInput(scene);
    const sameApp = this.shown?.model.appKey === model.appKey;
    const previous = sameApp && !fresh && this.shown ? { input: this.shown.input, result: this.shown.layout } : null;
    const plan = planLayout(input, previous);
    let layout: LayoutResult;
    let kept = 0;
    try {
      if (plan.kind === "reuse") {
        layout = plan.result;
        kept = Object.keys(layout.nodes).length;
      } else {
        const pending = this.layouts.layout(plan.request);
        // A panel's first graph: show a quick picture at once rather than an empty panel while elkjs starts.
        if (!this.shown) {
          this.drawQuick(scene, input);
          this.laying = true;
        }
        ({ result: layout, kept } = alignToPrevious(await pending, plan.previous, input.nodes.map((n) => n.id)));
      }
    } catch (err) {
      this.setStatus(err instanceof Error ? err.message : String(err), "error");
      this.post({ type: "error", message: String(err) });
      if (generation === this.generation) this.settleExports();
      return;
    }
    if (generation !== this.generation) return; // a newer graph arrived while this one was laid out

    const drawn = render(this.ui.drawing, scene, layout);
    this.shown = { model, scene, input, layout, drawn };
    this.settleExports();
    this.viewport.setBounds(drawn.bounds);
    this.ui.title.textContent = model.title;
    document.body.classList.toggle("stale", Boolean(model.stale));
    this.setStatus(model.stale ? "The file has errors: showing the last graph that could be read." : "", "info");
    this.renderProblems(model.problems);
    applyHighlight(drawn, this.ui.badges, this.highlight);

    if (!sameApp) {
      const saved = this.restored?.appKey === model.appKey ? this.restored : undefined;
      this.restored = undefined;
      if (saved?.userMoved) this.viewport.set(saved.transform, true);
      else this.viewport.fit();
    } else if (!this.viewport.userMoved || fresh) {
      this.viewport.fit();
    }
    document.body.dataset.rendered = String(generation);
    delete document.body.dataset.quick;
    markPage("rendered");
    this.post({ type: "rendered", nodes: scene.nodes.length, edges: scene.edges.length, layoutMs: Math.round(layout.layoutMs), reusedPositions: kept, timing: takeMarks() });
  }

  /** The layout came (or failed): answer the exports asked for meanwhile. */
  private settleExports(): void {
    this.laying = false;
    for (const id of this.waitingExports.splice(0)) this.exportSvg(id);
  }

  private drawQuick(scene: Scene, input: LayoutInput): void {
    const drawn = render(this.ui.drawing, scene, quickLayout(input));
    this.viewport.setBounds(drawn.bounds);
    this.viewport.fit();
    applyHighlight(drawn, this.ui.badges, this.highlight);
    document.body.dataset.quick = "true";
    markPage("quickDrawn");
  }

  setHighlight(highlight: Highlight | null): void {
    this.highlight = highlight;
    if (this.shown) applyHighlight(this.shown.drawn, this.ui.badges, highlight);
  }

  fit(): void {
    this.viewport.fit();
  }

  showEmpty(reason: string): void {
    this.generation++;
    this.shown = null;
    clear(this.ui.drawing);
    clear(this.ui.badges);
    clear(this.ui.problems);
    this.setStatus(reason, "info");
  }

  exportSvg(requestId: number): void {
    // While the quick first picture is up, the drawing to export is the layout still coming.
    if (this.laying) {
      this.waitingExports.push(requestId);
      return;
    }
    if (!this.shown) {
      this.post({ type: "svgExport", requestId, svg: "" });
      return;
    }
    this.post({ type: "svgExport", requestId, svg: exportSvg(this.ui.svg, this.ui.viewport, this.shown.drawn.bounds) });
  }

  private async tidy(): Promise<void> {
    if (this.shown) await this.showGraph(this.shown.model, this.highlight, true);
  }

  private onClick(e: MouseEvent): void {
    if (this.viewport.dragged) {
      this.viewport.dragged = false;
      return;
    }
    this.openAt(e.target);
  }

  private onKey(e: KeyboardEvent): void {
    if (e.key === "Enter" || e.key === " ") this.openAt(e.target);
    else if (e.key === "+" || e.key === "=") this.viewport.zoom(1.25);
    else if (e.key === "-") this.viewport.zoom(0.8);
    else if (e.key === "0") this.viewport.fit();
  }

  private openAt(target: EventTarget | null): void {
    if (!(target instanceof Element) || !this.shown) return;
    const nodeEl = target.closest("[data-node-id]");
    const edgeEl = target.closest("[data-edge-id]");
    if (nodeEl) {
      const node = this.shown.drawn.nodes.get(nodeEl.getAttribute("data-node-id") ?? "")?.node;
      if (node?.kind === "action") this.open(node.action?.source, `action ${node.name}`);
      else if (node?.kind === "unknown") this.setStatus(`"${node.name}": ${unknownNote(node)}.`, "info");
    } else if (edgeEl) {
      const edge = this.shown.drawn.edges.get(edgeEl.getAttribute("data-edge-id") ?? "")?.edge;
      if (edge?.transition) this.open(edge.transition.source, `transition ${edge.from} → ${edge.to}`);
    }
  }

  private open(source: SourceRange | undefined, what: string): void {
    if (source) this.post({ type: "openSource", source, what });
    else this.setStatus(`No source location is known for ${what}.`, "info");
  }

  private renderProblems(problems: GraphProblem[]): void {
    clear(this.ui.problems);
    for (const p of problems) {
      const item = htmlEl("li", { class: p.severity }, this.ui.problems);
      const text = `${p.severity === "error" ? "✖" : "⚠"} ${p.message}`;
      const button = withText(htmlEl("button", { type: "button", title: text }, item), text);
      const action = p.action !== undefined ? this.shown?.scene.nodes.find((n) => n.kind === "action" && n.name === p.action) : undefined;
      const transition = p.transition !== undefined ? this.shown?.model.graph.transitions[p.transition] : undefined;
      const source = transition?.source ?? action?.action?.source;
      button.addEventListener("click", () => this.open(source, p.action ?? "this problem"));
    }
  }

  private setStatus(text: string, kind: "info" | "error"): void {
    this.ui.status.textContent = text;
    this.ui.status.className = text ? kind : "";
  }

  private persist(transform: ViewTransform): void {
    const appKey = this.shown?.model.appKey;
    if (appKey) this.saveState({ appKey, transform, userMoved: this.viewport.userMoved });
  }
}
